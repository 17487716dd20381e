"""Sample URL arguments for tests/core/test_url_matrix.py."""


def url_samples():
    import datetime as dt

    from civitas.events.models import Company, Day, Representative, Room, Session, Site
    from civitas.events.services import setup

    event = setup.create_event(
        name="Matrix event",
        slug="matrix",
        start_date=dt.date(2027, 3, 10),
        end_date=dt.date(2027, 3, 10),
        is_published=True,
    )
    site = Site.objects.create(event=event, name="Site")
    Room.objects.create(site=site, name="Hall", tables=2)
    day = Day.objects.create(event=event, date=dt.date(2027, 3, 10))
    session = Session.objects.create(
        day=day, name="AM", start_time=dt.time(9), end_time=dt.time(10), slot_minutes=30
    )
    setup.generate_slots(session)
    company = Company.objects.create(
        event=event, name="Matrix SA", status=Company.Status.VALIDATED, country="FR"
    )
    rep = Representative.objects.create(
        company=company, first_name="Ann", last_name="Matrix", email="ann@matrix.example"
    )
    from civitas.events.models import MeetingRequest

    other = Company.objects.create(
        event=event, name="Other SA", status=Company.Status.VALIDATED, country="FR"
    )
    rep2 = Representative.objects.create(
        company=other, first_name="Bob", last_name="Other", email="bob@other.example"
    )
    req = MeetingRequest.objects.create(event=event, sender=rep, recipient=rep2)
    from civitas.events.models import Meeting, Slot, WebhookSubscription

    meeting = Meeting.objects.create(
        event=event,
        request=req,
        slot=Slot.objects.filter(session=session).first(),
        room=Room.objects.get(site=site),
        table_number=1,
    )
    hook = WebhookSubscription.objects.create(
        event=event, name="CRM", url="https://crm.example/hook", topics=["meeting.scheduled"]
    )
    slug = {"slug": event.slug}
    return {
        "events:calendar_feed": {"token": rep.calendar_token},
        "events:event_page": slug,
        "events:theme_css": slug,
        "events:register": slug,
        "events:register_done": slug,
        "events:catalogue": slug,
        "events:company_detail": {**slug, "pk": company.pk},
        "events:area_home": slug,
        "events:area_company": slug,
        "events:area_offer_new": slug,
        "events:area_offer": {**slug, "pk": 1},
        "events:area_suggestions": slug,
        "events:area_request_new": {**slug, "rep_pk": rep.pk},
        "events:area_request_action": {**slug, "pk": req.pk, "action": "accept"},
        "events:area_agenda": slug,
        "events:bo_event": {"pk": event.pk},
        "events:bo_event_edit": {"pk": event.pk},
        "events:bo_add": {"pk": event.pk, "kind": "site"},
        "events:bo_session": {"pk": event.pk, "session_pk": session.pk},
        "events:bo_registrations": {"pk": event.pk},
        "events:bo_registration_action": {
            "pk": event.pk,
            "company_pk": company.pk,
            "action": "validate",
        },
        "events:bo_requests": {"pk": event.pk},
        "events:bo_agenda": {"pk": event.pk, "rep_pk": rep.pk},
        "events:bo_scheduling": {"pk": event.pk},
        # API
        "events:api_event": slug,
        "events:api_catalogue": slug,
        "events:api_companies": slug,
        "events:api_contacts": slug,
        "events:api_meetings": slug,
        "events:api_company": {**slug, "pk": company.pk},
        "events:api_contact": {**slug, "pk": rep.pk},
        "events:api_meeting": {**slug, "pk": meeting.pk},
        "events:api_requests": slug,
        "events:api_attendance": slug,
        "events:api_deletions": slug,
        "events:bo_webhooks": {"pk": event.pk},
        "events:bo_webhook_new": {"pk": event.pk},
        "events:bo_webhook": {"pk": event.pk, "hook_pk": hook.pk},
        "events:bo_webhook_action": {"pk": event.pk, "hook_pk": hook.pk, "action": "ping"},
    }
