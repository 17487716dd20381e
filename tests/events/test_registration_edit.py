"""The organisers correct a registration from the back office (issue 32, item 8)."""

import pytest
from django.urls import reverse

from civitas.core.models import JournalEntry
from civitas.core.outbox.models import Message
from civitas.events.models import Representative
from civitas.events.services import meetings as svc

from .conftest import make_company, make_event

pytestmark = pytest.mark.django_db


def _urls(event, company, rep=None):
    base = {"pk": event.pk, "company_pk": company.pk}
    urls = {
        "detail": reverse("events:bo_registration", kwargs=base),
        "company": reverse("events:bo_registration_company_edit", kwargs=base),
        "new": reverse("events:bo_registration_rep_new", kwargs=base),
    }
    if rep is not None:
        urls["rep"] = reverse("events:bo_registration_rep_edit", kwargs={**base, "rep_pk": rep.pk})
        urls["remove"] = reverse(
            "events:bo_registration_rep_remove", kwargs={**base, "rep_pk": rep.pk}
        )
    return urls


def _rep_data(rep, **changes):
    data = {
        "rep-first_name": rep.first_name,
        "rep-last_name": rep.last_name,
        "rep-email": rep.email,
        "rep-phone": rep.phone,
        "rep-job_title": rep.job_title,
    }
    data.update({f"rep-{k}": v for k, v in changes.items()})
    return data


def test_detail_page_links_to_every_correction(client_for):
    event = make_event("corrections")
    company = make_company(event, "Alpha", reps=2)
    rep = company.representatives.first()
    urls = _urls(event, company, rep)
    html = client_for("principal", lang="en").get(urls["detail"]).content.decode()
    for key in ("company", "new", "rep", "remove"):
        assert urls[key] in html, key


def test_company_correction_keeps_what_was_typed_on_error_and_saves_when_valid(client_for):
    event = make_event("corr-entreprise")
    company = make_company(event, "Alpha")
    urls = _urls(event, company)
    client = client_for("principal", lang="en")
    data = {
        "company-name": "Alpha Industries",
        "company-country": "FR",
        "company-siret": "123",  # not a SIRET
        "company-description": "Fabricant de pièces",
    }
    bad = client.post(urls["company"], data)
    assert bad.status_code == 200
    assert 'value="Alpha Industries"' in bad.content.decode()
    company.refresh_from_db()
    assert company.name == "Alpha"
    data["company-siret"] = "73282932000074"
    ok = client.post(urls["company"], data)
    assert ok.status_code == 302
    company.refresh_from_db()
    assert company.name == "Alpha Industries"
    assert JournalEntry.objects.filter(action="events.registration_edited").exists()


def test_changing_an_address_tells_both_addresses_and_moves_the_account(
    client_for, django_capture_on_commit_callbacks
):
    event = make_event("corr-adresse")
    company = make_company(event, "Alpha")
    rep = company.representatives.get()
    old_user = rep.user
    client = client_for("principal", lang="en")
    Message.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            _urls(event, company, rep)["rep"], _rep_data(rep, email="New@Alpha.example")
        )
    assert r.status_code == 302
    rep.refresh_from_db()
    assert rep.email == "new@alpha.example"
    assert rep.user is not None and rep.user != old_user and rep.user.email == "new@alpha.example"
    old = Message.objects.get(template_code="events.representative_email_changed")
    assert old.to == "p0@alpha.example" and "new@alpha.example" in old.body_text
    welcome = Message.objects.get(template_code="events.registration_received", channel="email")
    assert (
        welcome.to == "new@alpha.example" and "/accounts/password/reset/key/" in welcome.body_text
    )


def test_address_of_another_participant_is_refused(client_for):
    event = make_event("corr-doublon")
    alpha = make_company(event, "Alpha")
    make_company(event, "Beta")
    rep = alpha.representatives.get()
    r = client_for("principal", lang="en").post(
        _urls(event, alpha, rep)["rep"], _rep_data(rep, email="p0@beta.example")
    )
    assert r.status_code == 200
    assert "already registered for this event" in r.content.decode()
    rep.refresh_from_db()
    assert rep.email == "p0@alpha.example"


def test_add_then_remove_a_representative_cancels_their_requests(client_for):
    event = make_event("corr-ajout")
    alpha = make_company(event, "Alpha")
    beta = make_company(event, "Beta").representatives.get()
    client = client_for("principal", lang="en")
    added = client.post(
        _urls(event, alpha)["new"],
        _rep_data(
            Representative(first_name="Zoé", last_name="Martin", email="", phone="", job_title=""),
            email="zoe@alpha.example",
        ),
    )
    assert added.status_code == 302
    zoe = alpha.representatives.get(email="zoe@alpha.example")
    assert zoe.moderation == "validated" and zoe.user is not None
    req = svc.send_request(zoe, beta)

    urls = _urls(event, alpha, zoe)
    page = client.get(urls["remove"]).content.decode()
    assert "1 open meeting request of this person is cancelled" in page
    assert client.post(urls["remove"], {"reason": ""}).status_code == 200  # reason required
    Message.objects.all().delete()
    assert client.post(urls["remove"], {"reason": "A quitté l'entreprise"}).status_code == 302
    assert not Representative.objects.filter(pk=zoe.pk).exists()
    # The requests go with the person (cascade), once each partner has been told.
    from civitas.events.models import MeetingRequest

    assert not MeetingRequest.objects.filter(pk=req.pk).exists()
    assert Message.objects.filter(template_code="events.meeting_cancelled", to=beta.email).exists()
    entry = JournalEntry.objects.get(action="events.representative_removed")
    assert entry.details["reason"] == "A quitté l'entreprise"


def test_the_last_representative_cannot_be_removed(client_for):
    event = make_event("corr-dernier")
    alpha = make_company(event, "Alpha")
    rep = alpha.representatives.get()
    r = client_for("principal", lang="en").post(
        _urls(event, alpha, rep)["remove"], {"reason": "Erreur"}
    )
    assert r.status_code == 200 and "withdraw the registration instead" in r.content.decode()
    assert Representative.objects.filter(pk=rep.pk).exists()


# --- Offers (issue 32, items 8 and 13) --------------------------------------------------------


def _offer_urls(event, company, offer=None):
    base = {"pk": event.pk, "company_pk": company.pk}
    urls = {"new": reverse("events:bo_registration_offer_new", kwargs=base)}
    if offer is not None:
        kw = {**base, "offer_pk": offer.pk}
        urls["edit"] = reverse("events:bo_registration_offer_edit", kwargs=kw)
        urls["remove"] = reverse("events:bo_registration_offer_remove", kwargs=kw)
        urls["attachment"] = reverse("events:bo_registration_offer_attachment", kwargs=kw)
    return urls


def test_organiser_adds_edits_and_removes_an_offer_with_the_change_trail(client_for):
    from auditlog.models import LogEntry

    from civitas.core import audit
    from civitas.events.models import Company, Offer
    from civitas.events.services import trail

    event = make_event("corr-offres")
    company = make_company(event, "Alpha", offers=[("offer", "Usinage", ["métal"])])
    assert company.status == Company.Status.VALIDATED
    offer = company.offers.get()
    urls = _offer_urls(event, company, offer)
    client = client_for("principal", lang="en")
    detail = client.get(_urls(event, company)["detail"]).content.decode()
    for key in ("new", "edit", "remove"):
        assert urls[key] in detail, key

    # Add: a title is required, what was typed stays.
    bad = client.post(urls["new"], {"offer-kind": "request", "offer-description": "Cherche"})
    assert bad.status_code == 200
    assert "Cherche" in bad.content.decode()
    assert company.offers.count() == 1
    ok = client.post(
        urls["new"],
        {"offer-kind": "request", "offer-title": "Sous-traitance", "offer-description": "Cherche"},
    )
    assert ok.status_code == 302
    added = company.offers.get(title="Sous-traitance")
    assert added.moderation == "validated"  # the organisers are the ones who validate

    # Edit
    ok = client.post(
        urls["edit"],
        {"offer-kind": "offer", "offer-title": "Usinage 5 axes", "offer-description": "Précis"},
    )
    assert ok.status_code == 302
    offer.refresh_from_db()
    assert (offer.title, offer.description) == ("Usinage 5 axes", "Précis")

    # Remove: a reason is required.
    assert client.post(urls["remove"], {"reason": ""}).status_code == 200
    assert Offer.objects.filter(pk=offer.pk).exists()
    assert client.post(urls["remove"], {"reason": "Doublon"}).status_code == 302
    assert not Offer.objects.filter(pk=offer.pk).exists()

    actions = set(JournalEntry.objects.values_list("action", flat=True))
    assert {"events.offer_added", "events.offer_edited", "events.offer_removed"} <= actions
    removed = JournalEntry.objects.get(action="events.offer_removed")
    assert removed.details["reason"] == "Doublon"
    # The change trail keeps the edit (with its author) and the removed offer.
    offer_entries = LogEntry.objects.filter(
        content_type__model="offer", object_pk=str(offer.pk)
    ).order_by("timestamp", "pk")
    edits = [e for e in offer_entries.filter(action=LogEntry.Action.UPDATE) if "title" in e.changes]
    assert len(edits) == 1
    edit = edits[0]
    assert edit.changes["title"] == ["Usinage", "Usinage 5 axes"]
    assert edit.actor is not None
    assert offer_entries.filter(action=LogEntry.Action.DELETE).exists()
    assert audit.is_registered(Offer) and trail.registration_trail(company)


def test_an_offer_of_another_company_cannot_be_edited_through_this_one(client_for):
    event = make_event("corr-offres-autre")
    alpha = make_company(event, "Alpha")
    beta = make_company(event, "Beta", offers=[("offer", "Secret", [])])
    foreign = beta.offers.get()
    urls = _offer_urls(event, alpha, foreign)
    client = client_for("principal", lang="en")
    assert client.get(urls["edit"]).status_code == 404
    assert client.post(urls["remove"], {"reason": "x"}).status_code == 404
    assert client.get(urls["attachment"]).status_code == 404


def test_offers_are_readable_with_their_attachment_before_validation(client_for):
    from django.core.files.base import ContentFile

    event = make_event("corr-offres-lecture")
    company = make_company(event, "Alpha", validated=False, offers=[("offer", "Usinage", [])])
    offer = company.offers.get()
    offer.description = "Pièces de précision pour l’aéronautique"
    offer.attachment.save("fiche.pdf", ContentFile(b"%PDF-1.4 fiche"), save=True)
    urls = _offer_urls(event, company, offer)
    client = client_for("principal", lang="en")
    detail = client.get(_urls(event, company)["detail"]).content.decode()
    assert "Pièces de précision pour l’aéronautique" in detail
    assert urls["attachment"] in detail
    response = client.get(urls["attachment"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 fiche"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"
    assert JournalEntry.objects.filter(action="events.offer_attachment_read").exists()
    # An offer without attachment: nothing to download.
    offer.attachment.delete(save=True)
    assert client.get(urls["attachment"]).status_code == 404
