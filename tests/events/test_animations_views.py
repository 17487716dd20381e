"""Screens of the animations: back office (list, create and edit with speakers,
registrations and actions, training agreement) and the participant area (register, waiting
list, confirm an offered seat, leave)."""

import pytest
from django.test import Client
from django.urls import reverse

from civitas.events.models import Animation, AnimationRegistration
from civitas.events.services import animations as svc

from .animation_helpers import make_animation
from .conftest import make_company

pytestmark = pytest.mark.django_db
S = AnimationRegistration.Status


def _participant(rep, lang="en"):
    assert rep.user_id, "registration gives the representative an account"
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(rep.user)
    c.cookies["django_language"] = lang
    return c


def test_backoffice_create_edit_keeps_input_and_lists_fill_rate(event, client_for):
    principal = client_for("principal", lang="en")
    url = reverse("events:bo_animation_new", kwargs={"pk": event.pk})
    data = {
        "kind": "workshop",
        "title_fr": "Atelier douane",
        "start": "2027-03-10T14:00",
        "end": "2027-03-10T13:00",
        "address_kind": "cci",
        "capacity": "20",
        "quota_enforced": "on",
        "full_policy": "waitlist",
        "offer_hours": "24",
        "public": "on",
    }
    r = principal.post(url, data)
    assert r.status_code == 200
    html = r.content.decode()
    assert "The end must be after the start." in html and "Atelier douane" in html
    data["end"] = "2027-03-10T16:00"
    r = principal.post(url, data)
    assert r.status_code == 302
    animation = Animation.objects.get(title_fr="Atelier douane")
    listing = principal.get(reverse("events:bo_animations", kwargs={"pk": event.pk}))
    assert "Atelier douane" in listing.content.decode()
    # A speaker
    r = principal.post(
        reverse(
            "events:bo_animation_speaker_new",
            kwargs={"pk": event.pk, "animation_pk": animation.pk},
        ),
        {"name": "Zoé Martin", "company": "Douanes", "theme": "Incoterms"},
    )
    assert r.status_code == 302 and animation.speakers.get().name == "Zoé Martin"


def test_backoffice_registrations_actions(event, client_for):
    reps = [make_company(event, f"Firm{i}").representatives.get() for i in range(3)]
    a = make_animation(event, capacity=1)
    b = make_animation(event, "Atelier B", capacity=5, start=a.end, end=a.end + (a.end - a.start))
    first = svc.register(a, reps[0])
    svc.register(a, reps[1])
    principal = client_for("principal", lang="en")
    ids = {"pk": event.pk, "animation_pk": a.pk}
    page = principal.get(reverse("events:bo_animation_registrations", kwargs=ids)).content.decode()
    assert reps[0].full_name in page and reps[1].full_name in page
    # Add by hand: the organiser may add to the waiting list
    r = principal.post(
        reverse("events:bo_animation_add", kwargs=ids), {"representative": reps[2].pk}
    )
    assert r.status_code == 302
    assert a.registrations.get(representative=reps[2]).status == S.WAITING
    # Transfer the registered one to B: the first waiting person is offered the seat
    r = principal.post(
        reverse("events:bo_animation_reg_transfer", kwargs={**ids, "reg_pk": first.pk}),
        {"target": b.pk},
    )
    assert r.status_code == 302
    assert a.registrations.get(representative=reps[1]).status == S.OFFERED
    assert b.registrations.get(representative=reps[0]).status == S.REGISTERED
    # Close needs a reason: the form says so
    close_url = reverse("events:bo_animation_status", kwargs={**ids, "action": "close"})
    r = principal.post(close_url, {"reason": ""})
    assert r.status_code == 200 and "This field is required." in r.content.decode()
    assert principal.post(close_url, {"reason": "Salle pleine"}).status_code == 302
    a.refresh_from_db()
    assert a.status == "closed" and a.status_reason == "Salle pleine"
    # Cancel the animation
    cancel_url = reverse("events:bo_animation_status", kwargs={**ids, "action": "cancel"})
    assert principal.post(cancel_url, {"reason": "Intervenant absent"}).status_code == 302
    a.refresh_from_db()
    assert a.status == "cancelled"
    assert (
        principal.get(
            reverse("events:bo_animation_status", kwargs={**ids, "action": "x"})
        ).status_code
        == 404
    )


def test_training_agreement_pdf(event, client_for):
    rep = make_company(event, "Formée").representatives.get()
    training = make_animation(event, "Formation Incoterms", kind="training", capacity=5)
    reg = svc.register(training, rep)
    workshop = make_animation(
        event,
        "Atelier",
        capacity=5,
        start=training.end,
        end=training.end + (training.end - training.start),
    )
    other = svc.register(workshop, rep)
    principal = client_for("principal", lang="en")
    url = reverse(
        "events:bo_animation_agreement",
        kwargs={"pk": event.pk, "animation_pk": training.pk, "reg_pk": reg.pk},
    )
    r = principal.get(url)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    # Not for a workshop
    url = reverse(
        "events:bo_animation_agreement",
        kwargs={"pk": event.pk, "animation_pk": workshop.pk, "reg_pk": other.pk},
    )
    assert principal.get(url).status_code == 302


def test_participant_registers_waits_confirms_and_leaves(event):
    reps = [make_company(event, f"Firm{i}").representatives.get() for i in range(2)]
    a = make_animation(event, capacity=1)
    c0, c1 = _participant(reps[0]), _participant(reps[1])
    list_url = reverse("events:area_animations", kwargs={"slug": event.slug})
    page = c0.get(list_url).content.decode()
    assert "Atelier export" in page
    reg_url = reverse("events:area_animation_register", kwargs={"slug": event.slug, "pk": a.pk})
    assert c0.get(reg_url).status_code == 405
    assert c0.post(reg_url).status_code == 302
    assert c1.post(reg_url).status_code == 302
    mine0 = a.registrations.get(representative=reps[0])
    mine1 = a.registrations.get(representative=reps[1])
    assert (mine0.status, mine1.status) == (S.REGISTERED, S.WAITING)
    # Someone else's registration cannot be touched
    leave0 = reverse("events:area_animation_leave", kwargs={"slug": event.slug, "pk": mine0.pk})
    assert c1.post(leave0).status_code == 404
    assert c0.post(leave0).status_code == 302
    mine1.refresh_from_db()
    assert mine1.status == S.OFFERED
    assert "Confirm my seat" in c1.get(list_url).content.decode()
    confirm = reverse("events:area_animation_confirm", kwargs={"slug": event.slug, "pk": mine1.pk})
    assert c1.post(confirm).status_code == 302
    mine1.refresh_from_db()
    assert mine1.status == S.REGISTERED


def test_invitation_only_hidden_from_others(event):
    reps = [make_company(event, f"Firm{i}").representatives.get() for i in range(2)]
    private = make_animation(event, "Table ronde privée", public=False)
    private.invited.add(reps[0])
    list_url = reverse("events:area_animations", kwargs={"slug": event.slug})
    assert "Table ronde privée" in _participant(reps[0]).get(list_url).content.decode()
    assert "Table ronde privée" not in _participant(reps[1]).get(list_url).content.decode()
    reg_url = reverse(
        "events:area_animation_register", kwargs={"slug": event.slug, "pk": private.pk}
    )
    assert _participant(reps[1]).post(reg_url).status_code == 404


def test_registration_form_offers_the_animations(client, event):
    from civitas.events.models import Company

    from .test_views import _post_data

    full = make_animation(event, "Atelier complet", capacity=1, policy="close")
    svc.register(full, make_company(event, "Early").representatives.get())
    open_one = make_animation(
        event, "Atelier ouvert", capacity=5, start=full.end, end=full.end + (full.end - full.start)
    )
    url = reverse("events:register", kwargs={"slug": event.slug})
    form_html = client.get(url).content.decode()
    assert "Atelier ouvert" in form_html and "Atelier complet" not in form_html
    r = client.post(url, _post_data(**{"rep-0-animations": [str(open_one.pk)]}), follow=True)
    assert r.status_code == 200
    company = Company.objects.get(event=event, name="Société Évrard")
    anne = company.representatives.get(first_name="Anne")
    paul = company.representatives.get(first_name="Paul")
    assert anne.animation_registrations.get().animation == open_one
    assert not paul.animation_registrations.exists()
    # A crafted id out of range is a form error, not a 500.
    r = client.post(url, _post_data(**{"rep-0-animations": ["99999999999999999999"]}))
    assert r.status_code == 200


def test_registrations_export_is_scoped(event, users):
    from civitas.core.exports.registry import get

    from .conftest import make_event

    other = make_event("autre-salon")
    a = make_animation(event, capacity=1)
    b = make_animation(other, "Ailleurs", capacity=1)
    svc.register(a, make_company(event, "Ici").representatives.get())
    svc.register(a, make_company(event, "Ici2").representatives.get())
    svc.register(b, make_company(other, "La").representatives.get())
    exporter = get("events.animation_registrations")
    rows = [exporter.row(r) for r in exporter.queryset(users["principal"], {"event": event.pk})]
    assert [r["status"] for r in rows] == ["Registered", "On the waiting list"]
    assert len(list(exporter.queryset(users["principal"], {}))) == 3
    assert list(exporter.queryset(users["participant"], {})) == []


def test_programme_lists_the_animations(event, client):
    from civitas.events.services import convocation

    rep = make_company(event, "Programme").representatives.get()
    mine = make_animation(event, "Atelier export", capacity=5)
    make_animation(
        event,
        "Conférence ouverte",
        kind="conference",
        start=mine.end,
        end=mine.end + (mine.end - mine.start),
    )
    make_animation(
        event, "Privée", public=False, start=mine.end, end=mine.end + (mine.end - mine.start)
    )
    svc.register(mine, rep)
    text = convocation.programme_text(event)
    assert "Atelier export" in text and "Conférence ouverte" in text and "Privée" not in text
    page = _participant(rep).get(reverse("events:area_convocation", kwargs={"slug": event.slug}))
    html = page.content.decode()
    assert "Atelier export (EN) <strong>(you are registered)</strong>" in html
    assert "Conférence ouverte (EN)</li>" in html
    public = client.get(reverse("events:event_page", kwargs={"slug": event.slug})).content.decode()
    assert "Conférence ouverte" in public and "Privée" not in public
