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
    from django.core.files.base import ContentFile

    from civitas.events.models import Offer

    offer = Offer.objects.create(company=company, kind="offer", title="Matrix offer")
    offer.attachment.save("matrix.pdf", ContentFile(b"%PDF-1.4 matrix"), save=True)
    from civitas.events.models import Expert, ExpertAbsence, ExpertiseField, ExpertMeeting

    field = ExpertiseField.objects.create(event=event, label_fr="Export")
    expert = Expert.objects.create(
        event=event, first_name="Eve", last_name="Expert", email="eve@x.example", place="Desk 1"
    )
    expert.fields.add(field)
    expert.sessions.add(session)
    expert_meeting = ExpertMeeting.objects.create(event=event, expert=expert, representative=rep)
    absence = ExpertAbsence.objects.create(event=event, expert=expert)
    meetops = _meetops_samples(event, rep, rep2)
    from civitas.events.models import ExtraField

    extra = ExtraField.objects.create(event=event, key="turnover", label_fr="CA", kind="number")
    from civitas.events.models import Meeting, Slot, WebhookSubscription

    meeting = Meeting.objects.create(
        event=event,
        request=req,
        slot=Slot.objects.filter(session=session).order_by("start")[1],
        room=Room.objects.get(site=site),
        table_number=1,
    )
    hook = WebhookSubscription.objects.create(
        event=event, name="CRM", url="https://crm.example/hook", topics=["meeting.scheduled"]
    )
    slug = {"slug": event.slug}
    samples = _messaging_samples(event, rep, req)
    report = _report_sample(event)
    return {
        "events:bo_reports": {"pk": event.pk},
        "events:bo_report_new": {"pk": event.pk},
        "events:bo_report": {"pk": event.pk, "report_pk": report.pk},
        "events:bo_report_run": {"pk": event.pk, "report_pk": report.pk, "fmt": "csv"},
        "events:bo_report_delete": {"pk": event.pk, "report_pk": report.pk},
        "events:bo_report_schedule": {"pk": event.pk, "report_pk": report.pk},
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
        "events:area_join_company": {**slug, "token": "not-a-valid-token"},
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
        "events:bo_registration_reject": {"pk": event.pk, "company_pk": company.pk},
        "events:bo_registration_company_edit": {"pk": event.pk, "company_pk": company.pk},
        "events:bo_registration_rep_new": {"pk": event.pk, "company_pk": company.pk},
        "events:bo_registration_rep_edit": {
            "pk": event.pk,
            "company_pk": company.pk,
            "rep_pk": rep.pk,
        },
        "events:bo_registration_rep_remove": {
            "pk": event.pk,
            "company_pk": company.pk,
            "rep_pk": rep.pk,
        },
        "events:bo_registration_offer_new": {"pk": event.pk, "company_pk": company.pk},
        "events:bo_registration_offer_edit": {
            "pk": event.pk,
            "company_pk": company.pk,
            "offer_pk": offer.pk,
        },
        "events:bo_registration_offer_remove": {
            "pk": event.pk,
            "company_pk": company.pk,
            "offer_pk": offer.pk,
        },
        "events:bo_registration_offer_attachment": {
            "pk": event.pk,
            "company_pk": company.pk,
            "offer_pk": offer.pk,
        },
        "events:bo_requests": {"pk": event.pk},
        "events:bo_agenda": {"pk": event.pk, "rep_pk": rep.pk},
        "events:bo_scheduling": {"pk": event.pk},
        "events:expert_detail": {**slug, "pk": expert.pk},
        "events:area_experts": slug,
        "events:area_expert_request": {**slug, "pk": expert.pk},
        "events:area_expert_cancel": {**slug, "pk": expert_meeting.pk},
        "events:expert_agenda": slug,
        "events:bo_experts": {"pk": event.pk},
        "events:bo_expert_new": {"pk": event.pk},
        "events:bo_expert": {"pk": event.pk, "expert_pk": expert.pk},
        "events:bo_expert_candidates": {"pk": event.pk, "expert_pk": expert.pk},
        "events:bo_expert_absence": {"pk": event.pk, "expert_pk": expert.pk},
        "events:bo_expert_agenda": {"pk": event.pk, "expert_pk": expert.pk},
        "events:bo_expert_absence_report": {"pk": event.pk, "absence_pk": absence.pk},
        "events:bo_expert_meeting_cancel": {"pk": event.pk, "meeting_pk": expert_meeting.pk},
        "events:bo_expert_meeting_move": {"pk": event.pk, "meeting_pk": expert_meeting.pk},
        "events:register_sector_fields": slug,
        "events:area_representative": {**slug, "rep_pk": rep.pk},
        "events:area_convocation": slug,
        "events:area_convocation_pdf": slug,
        "events:area_badge": slug,
        "events:area_badge_pdf": slug,
        "events:area_meetings_held": slug,
        "events:bo_regform": {"pk": event.pk},
        "events:bo_regform_field_new": {"pk": event.pk},
        "events:bo_regform_field": {"pk": event.pk, "field_pk": extra.pk},
        "events:bo_regform_field_delete": {"pk": event.pk, "field_pk": extra.pk},
        "events:bo_registration": {"pk": event.pk, "company_pk": company.pk},
        "events:bo_registration_trail": {"pk": event.pk, "company_pk": company.pk},
        "events:bo_checkin": {"pk": event.pk, "token": rep.checkin_token},
        "events:bo_convocation_pdf": {"pk": event.pk, "rep_pk": rep.pk},
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
        "events:bo_to_validate": {"pk": event.pk},
        "events:area_representative_new": slug,
        "events:bo_moderation_validate": {
            "pk": event.pk,
            "kind": "representative",
            "item_pk": rep.pk,
        },
        "events:bo_moderation_reject": {
            "pk": event.pk,
            "kind": "representative",
            "item_pk": rep.pk,
        },
        **samples,
        **meetops,
        **_animation_samples(event, rep),
        **_eventday_samples(event),
        **_coorganiser_samples(event, company),
    }


def _coorganiser_samples(event, company):
    from civitas.events.models import CoOrganiser, CoOrganiserRule

    co = CoOrganiser.objects.create(event=event, name="CCI Matrix")
    rule = CoOrganiserRule.objects.create(co_organiser=co, country="FR")
    base = {"pk": event.pk}
    return {
        "events:bo_co_organisers": base,
        "events:bo_co_organiser_new": base,
        "events:bo_co_organiser": {**base, "co_pk": co.pk},
        "events:bo_co_organiser_rule_new": base,
        "events:bo_co_organiser_rule": {**base, "rule_pk": rule.pk},
        "events:bo_co_organiser_rule_delete": {**base, "rule_pk": rule.pk},
        "events:bo_co_organiser_apply": base,
        "events:bo_registration_co_organiser": {**base, "company_pk": company.pk},
        # The co-organiser space (backoffice/coorganiser_space.py).
        "events:bo_coorg_space": base,
        "events:bo_coorg_company": {**base, "company_pk": company.pk},
        "events:bo_coorg_validate": {**base, "company_pk": company.pk},
        "events:bo_coorg_reject": {**base, "company_pk": company.pk},
        "events:bo_coorg_company_edit": {**base, "company_pk": company.pk},
        "events:bo_coorg_book": {**base, "company_pk": company.pk},
    }


def _animation_samples(event, rep):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from civitas.events.models import Animation, AnimationRegistration, Speaker

    start = dt.datetime(2027, 3, 10, 14, tzinfo=ZoneInfo("Europe/Paris"))
    animation = Animation.objects.create(
        event=event,
        kind=Animation.Kind.TRAINING,
        title_fr="Formation export",
        start=start,
        end=start + dt.timedelta(hours=2),
        capacity=10,
    )
    speaker = Speaker.objects.create(animation=animation, name="Zoé Intervenante")
    reg = AnimationRegistration.objects.create(animation=animation, representative=rep)
    ids = {"pk": event.pk, "animation_pk": animation.pk}
    slug = {"slug": event.slug}
    return {
        "events:bo_animations": {"pk": event.pk},
        "events:bo_animation_new": {"pk": event.pk},
        "events:bo_animation_registrations": ids,
        "events:bo_animation_edit": ids,
        "events:bo_animation_speaker_new": ids,
        "events:bo_animation_speaker": {**ids, "speaker_pk": speaker.pk},
        "events:bo_animation_add": ids,
        "events:bo_animation_status": {**ids, "action": "close"},
        "events:bo_animation_reg_cancel": {**ids, "reg_pk": reg.pk},
        "events:bo_animation_reg_transfer": {**ids, "reg_pk": reg.pk},
        "events:bo_animation_agreement": {**ids, "reg_pk": reg.pk},
        "events:bo_animation_attendance_sheet": ids,
        "events:area_animations": slug,
        "events:area_animation_register": {**slug, "pk": animation.pk},
        "events:area_animation_leave": {**slug, "pk": reg.pk},
        "events:area_animation_confirm": {**slug, "pk": reg.pk},
    }


def _eventday_samples(event):
    """Check-in, badges and documents of the event day."""
    from civitas.events.models import Representative, Session
    from civitas.events.services import checkin

    rep = Representative.objects.filter(company__event=event).first()
    session = Session.objects.filter(day__event=event).first()
    from civitas.events.models import ReminderRule

    rule = ReminderRule.objects.create(event=event, about="meeting", minutes_before=60)
    from civitas.events.models import Invitation
    from civitas.events.services import feedback

    survey = feedback.create_defaults(event)[0]
    invitation = Invitation.objects.create(survey=survey, representative=rep)

    checkin.ensure_lists(event)
    lst = event.checkin_lists.first()
    return {
        "events:bo_checkin_lists": {"pk": event.pk},
        "events:bo_checkin_service_worker": {"pk": event.pk},
        "events:bo_checkin_screen": {"pk": event.pk, "list_pk": lst.pk},
        "events:bo_checkin_snapshot": {"pk": event.pk, "list_pk": lst.pk},
        "events:bo_checkin_sync": {"pk": event.pk, "list_pk": lst.pk},
        "events:bo_meeting_outcomes": {"pk": event.pk},
        "events:bo_badges": {"pk": event.pk},
        "events:bo_badge_pdf": {"pk": event.pk, "rep_pk": rep.pk},
        "events:bo_attendance_sheet": {"pk": event.pk, "session_pk": session.pk},
        "events:bo_table_tents": {"pk": event.pk},
        "events:bo_certificate": {"pk": event.pk, "rep_pk": rep.pk},
        "events:bo_reminders": {"pk": event.pk},
        "events:bo_dashboard": {"pk": event.pk},
        "events:bo_walk_in": {"pk": event.pk},
        "events:bo_surveys": {"pk": event.pk},
        "events:bo_survey": {"pk": event.pk, "survey_pk": survey.pk},
        "events:bo_survey_csv": {"pk": event.pk, "survey_pk": survey.pk},
        "events:feedback_answer": {"slug": event.slug, "token": invitation.token},
        "events:bo_reminder_delete": {"pk": event.pk, "rule_pk": rule.pk},
        "events:bo_list": {"pk": event.pk, "kind": "keyword"},
    }


def _messaging_samples(event, rep, req):
    from civitas.core.outbox.models import Mailing
    from civitas.events.models import MeetingRequest
    from civitas.events.services import messaging

    req.state = MeetingRequest.State.ACCEPTED
    req.save(update_fields=["state"])
    messaging.post_to_meeting(req, rep, "Bonjour")
    conv = messaging.post_to_organisers(rep, "Question").conversation
    mailing = Mailing.objects.create(
        subject="Infos",
        body="Bonjour",
        source="events.participants",
        source_params={"event": event.pk},
    )
    slug = {"slug": event.slug}
    return {
        "events:area_messages": slug,
        "events:area_thread_organisers": slug,
        "events:area_thread_request": {**slug, "request_pk": req.pk},
        "events:bo_messages": {"pk": event.pk},
        "events:bo_conversation": {"pk": event.pk, "conv_pk": conv.pk},
        "events:bo_conversation_participant": {"pk": event.pk, "rep_pk": rep.pk},
        "events:bo_mailings": {"pk": event.pk},
        "events:bo_mailing_new": {"pk": event.pk},
        "events:bo_mailing_preview": {"pk": event.pk},
        "events:bo_mailing": {"pk": event.pk, "mailing_pk": mailing.pk},
    }


def _meetops_samples(event, rep, rep2):
    """Meeting operations: a confirmed request placed at the first slot, another unplaced."""
    from civitas.events.models import (
        Company,
        Meeting,
        MeetingRequest,
        Representative,
        Slot,
        SlotWaitlistEntry,
    )

    third = Company.objects.create(
        event=event, name="Third SA", status=Company.Status.VALIDATED, country="FR"
    )
    rep3 = Representative.objects.create(
        company=third, first_name="Cy", last_name="Third", email="cy@third.example"
    )
    confirmed = MeetingRequest.State.CONFIRMED
    placed = MeetingRequest.objects.create(
        event=event, sender=rep2, recipient=rep3, state=confirmed
    )
    unplaced = MeetingRequest.objects.create(
        event=event, sender=rep, recipient=rep3, state=confirmed
    )
    slot = Slot.objects.filter(session__day__event=event).order_by("start").first()
    meeting = Meeting.objects.create(
        event=event,
        request=placed,
        slot=slot,
        room=event.sites.get().rooms.get(),
        table_number=1,
        published=True,
    )
    entry = SlotWaitlistEntry.objects.create(event=event, slot=slot, request=unplaced)
    pk = {"pk": event.pk}
    return {
        "events:bo_meeting_place": {**pk, "req_pk": unplaced.pk},
        "events:bo_meeting_move": {**pk, "meeting_pk": meeting.pk},
        "events:bo_meeting_cancel": {**pk, "meeting_pk": meeting.pk},
        "events:agenda_pdf_link": {"token": rep2.calendar_token},
        "events:area_agenda_pdf": {"slug": event.slug},
        "events:bo_agenda_pdf": {**pk, "rep_pk": rep2.pk},
        "events:bo_agendas": pk,
        "events:bo_word_merge": pk,
        "events:bo_word_merge_generate": {**pk, "template_pk": 1},
        "events:bo_word_merge_example": {**pk, "code": "attestation"},
        "events:area_waitlist": {"slug": event.slug},
        "events:area_waitlist_join": {"slug": event.slug, "pk": unplaced.pk},
        "events:area_waitlist_leave": {"slug": event.slug, "pk": 1},
        "events:area_availability": {"slug": event.slug},
        "events:bo_waitlists": pk,
        "events:bo_waitlist_remove": {**pk, "entry_pk": entry.pk},
    }


def _report_sample(event):
    """A shared saved report of the event, owned by the principal administrator."""
    from civitas.core.exports.models import SavedReport
    from civitas.core.models import User

    return SavedReport.objects.create(
        name="Matrix report",
        owner=User.objects.get(email="principal@example.org"),
        exporter="events.participants",
        columns=["company", "email"],
        params={"event": str(event.pk)},
        scope_type="event",
        scope_id=event.pk,
    )
