"""Validation of representatives and offers besides companies (seed 003 §5)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from civitas.core.models import JournalEntry, Role, RoleAssignment
from civitas.core.outbox.models import Message
from civitas.core.permissions import clear_cache
from civitas.events.models import Company, MeetingRequest, Offer, Representative
from civitas.events.services import ServiceError, moderation, registration
from civitas.events.services import meetings as meeting_services

from .conftest import make_company, make_event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    """These tests read the interface's English texts (French is the default)."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _new_offer(company, title="Usinage laser", description="", kind="offer"):
    rep = company.representatives.first()
    offer = Offer(kind=kind, title=title, description=description)
    return registration.save_offer(offer, by=rep, keywords=[], key_figures=[])


def _manager(event, email="manager@example.org"):
    from tests.conftest import add_totp, make_user

    role, _ = Role.objects.get_or_create(
        code="event_manager",
        defaults={
            "name": "Event manager",
            "permissions": [
                "core.access_backoffice",
                "events.view_registrations",
                "events.validate_registrations",
            ],
        },
    )
    user = make_user(email)
    RoleAssignment.objects.create(user=user, role=role, scope_type="event", scope_id=event.pk)
    add_totp(user)
    clear_cache(user)
    return user


def _add_pending_rep(company, email="late@acme.example"):
    """A representative added after the validation (the CRM path creates validated ones;
    a participant's addition waits): the service marks it pending."""
    rep = Representative(company=company, first_name="Léa", last_name="Tard", email=email)
    moderation.submit(rep)
    rep.save()
    return rep


# --- Status transitions ----------------------------------------------------------------


def test_items_validated_with_their_company(event):
    company = make_company(event, "Acme", validated=False, offers=[("offer", "Robots", [])])
    assert {r.moderation for r in company.representatives.all()} == {"pending"}
    assert company.offers.get().moderation == "pending"
    registration.validate_registration(company)
    rep = company.representatives.get()
    offer = company.offers.get()
    assert rep.moderation == offer.moderation == "validated"
    assert offer.moderated_at is not None
    # Items validated with the company are not listed as awaiting validation.
    assert moderation.pending(event).total == 0


def test_new_and_materially_edited_offer_wait_for_validation(event):
    company = make_company(event, "Acme", offers=[("offer", "Robots", [])])
    offer = company.offers.get()
    assert offer.moderation == "validated"
    rep = company.representatives.get()
    # A change of keywords only is not material: still validated.
    registration.save_offer(offer, by=rep, keywords=[], key_figures=[])
    offer.refresh_from_db()
    assert offer.moderation == "validated"
    # Title changed: back to the administrators.
    offer.title = "Robots soudeurs"
    registration.save_offer(offer, by=rep)
    offer.refresh_from_db()
    assert offer.moderation == "pending"
    new = _new_offer(company)
    assert new.moderation == "pending"
    assert {o.pk for o in moderation.pending(event).offers} == {offer.pk, new.pk}


def test_validate_and_reject_items(event, users):
    company = make_company(event, "Acme", reps=2)
    offer = _new_offer(company)
    admin = users["principal"]
    moderation.validate_item("offer", offer.pk, event, actor=admin)
    offer.refresh_from_db()
    assert offer.moderation == "validated" and offer.moderated_by == admin
    assert JournalEntry.objects.filter(action="events.offer_validated").count() == 1

    other = _new_offer(company, title="Peinture")
    with pytest.raises(ServiceError):
        moderation.reject_item("offer", other.pk, event, "  ", actor=admin)
    moderation.reject_item("offer", other.pk, event, "Hors sujet", actor=admin)
    other.refresh_from_db()
    assert other.moderation == "rejected" and other.moderation_reason == "Hors sujet"
    mails = Message.objects.filter(template_code="events.item_rejected")
    # Both validated representatives of the company are told, with the reason.
    assert mails.count() == 2
    assert all("Hors sujet" in m.body_text and "Peinture" in m.body_text for m in mails)
    entry = JournalEntry.objects.get(action="events.offer_rejected")
    assert entry.details["reason"] == "Hors sujet"


def test_rejection_mail_in_participant_language(event):
    company = make_company(event, "Acme")
    rep = company.representatives.get()
    rep.user.language = "en"
    rep.user.save()
    offer = _new_offer(company)
    moderation.reject_item("offer", offer.pk, event, "Too vague")
    mail = Message.objects.get(template_code="events.item_rejected")
    assert mail.language == "en" and "did not validate" in mail.body_text


def test_item_of_another_event_cannot_be_moderated(event):
    other_event = make_event("autre")
    company = make_company(other_event, "Beta")
    offer = _new_offer(company)
    with pytest.raises(ServiceError):
        moderation.validate_item("offer", offer.pk, event)
    offer.refresh_from_db()
    assert offer.moderation == "pending"


def test_bulk_validate(event):
    waiting = make_company(event, "Waiting", validated=False)
    acme = make_company(event, "Acme")
    offer = _new_offer(acme)
    rep = _add_pending_rep(acme)
    n = moderation.bulk_validate(
        event, companies=[waiting.pk], representatives=[rep.pk], offers=[offer.pk]
    )
    assert n == 3
    waiting.refresh_from_db()
    rep.refresh_from_db()
    offer.refresh_from_db()
    assert waiting.status == "validated"
    assert rep.moderation == offer.moderation == "validated"
    assert moderation.pending(event).total == 0


def test_migration_marks_items_of_unvalidated_companies_pending(event):
    """The data migration's function on today's rows."""
    import importlib

    from django.apps import apps

    mig = importlib.import_module("civitas.events.migrations.0011_moderation")
    done = make_company(event, "Done", offers=[("offer", "A", [])])
    waiting = make_company(event, "Waiting", validated=False, offers=[("offer", "B", [])])
    Representative.objects.update(moderation="validated")
    Offer.objects.update(moderation="validated")
    mig.pending_unless_company_validated(apps, None)
    assert set(done.offers.values_list("moderation", flat=True)) == {"validated"}
    assert set(done.representatives.values_list("moderation", flat=True)) == {"validated"}
    assert set(waiting.offers.values_list("moderation", flat=True)) == {"pending"}
    assert set(waiting.representatives.values_list("moderation", flat=True)) == {"pending"}


# --- Visibility --------------------------------------------------------------------------


def test_catalogue_pages_and_api_show_only_validated_items(client, event):
    acme = make_company(event, "Acme", offers=[("offer", "Robots", [])])
    pending = _new_offer(acme, title="Zeppelins secrets")
    html = client.get(reverse("events:catalogue", kwargs={"slug": event.slug})).content.decode()
    assert "Robots" in html and "Zeppelins" not in html
    detail = reverse("events:company_detail", kwargs={"slug": event.slug, "pk": acme.pk})
    html = client.get(detail).content.decode()
    assert "Robots" in html and "Zeppelins" not in html
    # The pending offer's words do not find the company either.
    r = client.get(reverse("events:catalogue", kwargs={"slug": event.slug}), {"q": "zeppelins"})
    assert "Acme" not in r.content.decode()
    api = APIClient().get(reverse("events:api_catalogue", kwargs={"slug": event.slug})).json()
    titles = [o["title"] for c in api["results"] for o in c.get("offers", [])]
    assert "Robots" in titles and "Zeppelins secrets" not in titles
    moderation.validate_item("offer", pending.pk, event)
    html = client.get(detail).content.decode()
    assert "Zeppelins" in html
    r = client.get(reverse("events:catalogue", kwargs={"slug": event.slug}), {"q": "zeppelins"})
    assert "Acme" in r.content.decode()


def test_pending_representative_hidden_from_other_participants(client, event):
    acme = make_company(event, "Acme")
    _add_pending_rep(acme)
    beta = make_company(event, "Beta")
    client.force_login(beta.representatives.get().user)
    detail = reverse("events:company_detail", kwargs={"slug": event.slug, "pk": acme.pk})
    html = client.get(detail).content.decode()
    assert "P0 Acme" in html and "Léa" not in html


def test_owner_sees_pending_items_marked(client, event):
    acme = make_company(event, "Acme")
    _new_offer(acme, title="Nouvelle offre")
    client.force_login(acme.representatives.get().user)
    html = client.get(reverse("events:area_home", kwargs={"slug": event.slug})).content.decode()
    assert "Nouvelle offre" in html and "awaiting validation" in html


def test_participant_cannot_see_other_companies_pending_items(client, event):
    acme = make_company(event, "Acme")
    offer = _new_offer(acme, title="Projet confidentiel")
    beta = make_company(event, "Beta")
    client.force_login(beta.representatives.get().user)
    r = client.get(reverse("events:area_offer", kwargs={"slug": event.slug, "pk": offer.pk}))
    assert r.status_code == 404
    html = client.get(reverse("events:area_home", kwargs={"slug": event.slug})).content.decode()
    assert "Projet confidentiel" not in html


def test_area_offer_edit_sends_back_to_validation(client, event):
    acme = make_company(event, "Acme", offers=[("offer", "Robots", [])])
    offer = acme.offers.get()
    client.force_login(acme.representatives.get().user)
    url = reverse("events:area_offer", kwargs={"slug": event.slug, "pk": offer.pk})
    r = client.post(url, {"kind": "offer", "title": "Robots", "description": "Nouveau texte"})
    assert r.status_code == 302, r.content.decode()[:2000]
    offer.refresh_from_db()
    assert offer.moderation == "pending" and offer.description == "Nouveau texte"


# --- Meeting requests ----------------------------------------------------------------------


def test_pending_representative_cannot_be_asked_for_a_meeting(client, event):
    acme = make_company(event, "Acme")
    late = _add_pending_rep(acme)
    beta = make_company(event, "Beta")
    me = beta.representatives.get()
    with pytest.raises(ServiceError, match="attend la validation des organisateurs"):
        meeting_services.send_request(me, late, "Bonjour")
    client.force_login(me.user)
    url = reverse("events:area_request_new", kwargs={"slug": event.slug, "rep_pk": late.pk})
    r = client.post(url, {"message": "Bonjour"}, follow=True)
    assert "awaiting the organisers" in r.content.decode()
    assert not MeetingRequest.objects.exists()
    moderation.validate_item("representative", late.pk, event)
    late.refresh_from_db()
    meeting_services.send_request(me, late, "Bonjour")
    assert MeetingRequest.objects.count() == 1


# --- Back office ---------------------------------------------------------------------------


def test_to_validate_screen_and_actions(client, event):
    waiting = make_company(event, "Waiting", validated=False)
    acme = make_company(event, "Acme")
    offer = _new_offer(acme, title="Offre à voir")
    rep = _add_pending_rep(acme)
    client.force_login(_manager(event))
    url = reverse("events:bo_to_validate", kwargs={"pk": event.pk})
    html = client.get(url).content.decode()
    assert "Waiting" in html and "Offre à voir" in html and "Léa Tard" in html
    # The tabs count the items awaiting validation.
    assert "To validate (3)" in html
    # Reject without a reason: the form says why and nothing changes.
    reject = reverse(
        "events:bo_moderation_reject",
        kwargs={"pk": event.pk, "kind": "offer", "item_pk": offer.pk},
    )
    r = client.post(reject, {"reason": ""})
    assert r.status_code == 200 and "reason" in r.context["form"].errors
    offer.refresh_from_db()
    assert offer.moderation == "pending"
    r = client.post(reject, {"reason": "Doublon"})
    assert r.status_code == 302
    offer.refresh_from_db()
    assert offer.moderation == "rejected" and offer.moderation_reason == "Doublon"
    validate = reverse(
        "events:bo_moderation_validate",
        kwargs={"pk": event.pk, "kind": "representative", "item_pk": rep.pk},
    )
    assert client.post(validate).status_code == 302
    rep.refresh_from_db()
    assert rep.moderation == "validated"
    # Validating a company mails its people: a confirmation page first, with the count.
    r = client.post(url, {"company": [str(waiting.pk)]})
    assert r.status_code == 200
    page = r.content.decode()
    assert "1 person will receive an e-mail." in page
    assert f'name="company" value="{waiting.pk}"' in page and 'name="confirmed"' in page
    waiting.refresh_from_db()
    assert waiting.status == "registered"
    r = client.post(url, {"company": [str(waiting.pk)], "confirmed": "1"})
    assert r.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "validated"
    assert "To validate (0)" in client.get(url).content.decode()


def test_company_rejection_with_reason_tells_the_people(client, event):
    waiting = make_company(event, "Waiting", validated=False, reps=2)
    client.force_login(_manager(event))
    url = reverse(
        "events:bo_moderation_reject",
        kwargs={"pk": event.pk, "kind": "company", "item_pk": waiting.pk},
    )
    assert client.post(url, {"reason": "Hors périmètre"}).status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Company.Status.REJECTED
    mails = Message.objects.filter(template_code="events.registration_rejected")
    assert mails.count() == 2 and all("Hors périmètre" in m.body_text for m in mails)


def test_secondary_admin_of_another_event_cannot_validate(client, event):
    other = make_event("autre")
    acme = make_company(event, "Acme")
    offer = _new_offer(acme)
    client.force_login(_manager(other))
    assert client.get(reverse("events:bo_to_validate", kwargs={"pk": event.pk})).status_code == 403
    for name, data in (("bo_moderation_validate", {}), ("bo_moderation_reject", {"reason": "x"})):
        url = reverse(
            f"events:{name}", kwargs={"pk": event.pk, "kind": "offer", "item_pk": offer.pk}
        )
        assert client.post(url, data).status_code == 403
    # Nor through their own event's address with an item of this event.
    url = reverse(
        "events:bo_moderation_validate",
        kwargs={"pk": other.pk, "kind": "offer", "item_pk": offer.pk},
    )
    assert client.post(url).status_code == 404
    r = client.post(
        reverse("events:bo_to_validate", kwargs={"pk": other.pk}), {"offer": [str(offer.pk)]}
    )
    assert r.status_code == 302
    offer.refresh_from_db()
    assert offer.moderation == "pending"


def test_participant_cannot_use_the_validation_screen(client, event):
    acme = make_company(event, "Acme")
    offer = _new_offer(acme)
    client.force_login(acme.representatives.get().user)
    url = reverse(
        "events:bo_moderation_validate",
        kwargs={"pk": event.pk, "kind": "offer", "item_pk": offer.pk},
    )
    assert client.post(url).status_code in (302, 403)
    offer.refresh_from_db()
    assert offer.moderation == "pending"


# --- Adding a colleague in the area ---------------------------------------------------------


def _rep_post(**over):
    data = {
        "rep-first_name": "Léa",
        "rep-last_name": "Tard",
        "rep-job_title": "Export",
        "rep-email": "lea@acme.example",
        "rep-phone": "",
    }
    data.update(over)
    return data


def test_area_added_representative_waits_for_validation(client, event):
    acme = make_company(event, "Acme")
    client.force_login(acme.representatives.get().user)
    url = reverse("events:area_representative_new", kwargs={"slug": event.slug})
    r = client.post(url, _rep_post())
    assert r.status_code == 302, r.content.decode()[:2000]
    lea = Representative.objects.get(email="lea@acme.example")
    assert lea.company == acme and lea.moderation == "pending" and lea.user is not None
    assert Message.objects.filter(to="lea@acme.example").exists()
    assert [x.pk for x in moderation.pending(event).representatives] == [lea.pk]
    html = client.get(reverse("events:area_home", kwargs={"slug": event.slug})).content.decode()
    assert "Léa Tard" in html and "awaiting validation" in html
    # The same address again: a clear message, what was typed is kept.
    r = client.post(url, _rep_post(**{"rep-first_name": "Autre"}))
    assert r.status_code == 200
    html = r.content.decode()
    errors = r.context["form"].non_field_errors()
    assert errors and "lea@acme.example" in errors[0] and 'value="Autre"' in html
    assert Representative.objects.filter(email="lea@acme.example").count() == 1


def test_colleague_added_before_validation_is_validated_with_the_company(client, event):
    acme = make_company(event, "Acme", validated=False)
    client.force_login(acme.representatives.get().user)
    url = reverse("events:area_representative_new", kwargs={"slug": event.slug})
    assert client.post(url, _rep_post()).status_code == 302
    registration.validate_registration(acme)
    assert Representative.objects.get(email="lea@acme.example").moderation == "validated"
