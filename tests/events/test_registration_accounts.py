"""Registration and accounts: the answer does not reveal who is registered or has an
account, an existing account joins a company only after its holder confirms from a mailed
link, and registration is throttled per address and per IP (issue 31, item 6)."""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from civitas.core.models import ThrottleCount
from civitas.core.outbox.models import Message
from civitas.events.models import Company, Representative
from civitas.events.services import ServiceError, membership, moderation
from tests.conftest import make_user

from .conftest import make_company
from .test_views import _post_data

pytestmark = pytest.mark.django_db

VICTIM = "victim@example.org"


def register(client, event, ip="192.0.2.10", **over):
    url = reverse("events:register", kwargs={"slug": event.slug})
    return client.post(url, _post_data(**over), REMOTE_ADDR=ip)


def confirm_link(email):
    body = (
        Message.objects.filter(template_code=membership.CONFIRM_TEMPLATE, to=email).get().body_text
    )
    return re.search(r"https?://[^/\s]+(/espace/\S+)", body)[1]


def test_an_existing_account_is_not_attached_to_a_strangers_company(client, event):
    victim = make_user(VICTIM)
    response = register(client, event, **{"rep-0-email": VICTIM.upper()})
    assert response.status_code == 302
    assert response["Location"] == reverse("events:register_done", kwargs={"slug": event.slug})
    rep = Representative.objects.get(email__iexact=VICTIM)
    # Before the fix, the victim's account was linked at once to the stranger's company.
    assert rep.user is None
    assert not victim.event_representatives.exists()
    # The victim gets a confirmation link, not a registration confirmation.
    assert not Message.objects.filter(
        template_code="events.registration_received", to__iexact=VICTIM
    ).exists()
    assert Message.objects.filter(template_code=membership.CONFIRM_TEMPLATE, to__iexact=VICTIM)
    # The victim's area does not show the stranger's company.
    client.force_login(victim)
    page = client.get(reverse("events:area_home", kwargs={"slug": event.slug}))
    assert "Société Évrard" not in page.content.decode()


def test_the_answer_is_the_same_for_known_and_unknown_addresses(client, event):
    make_user(VICTIM)
    known = register(client, event, **{"rep-0-email": VICTIM})
    other = make_company(event, "Déjà là")
    taken = register(
        client,
        event,
        **{"company-name": "Autre", "rep-0-email": other.representatives.get().email},
        **{"rep-1-email": "paul2@evrard.example"},
    )
    unknown = register(
        client,
        event,
        **{"company-name": "Troisième", "rep-0-email": "nobody@example.org"},
        **{"rep-1-email": "paul3@evrard.example"},
    )
    assert known.status_code == taken.status_code == unknown.status_code == 302
    assert known["Location"] == taken["Location"] == unknown["Location"]
    done = client.get(known["Location"]).content.decode()
    assert "Déjà inscrit" not in done and "déjà inscrite" not in done


def test_an_address_already_registered_for_the_event_is_not_added_again(client, event):
    other = make_company(event, "Déjà là")
    address = other.representatives.get().email
    response = register(client, event, **{"rep-0-email": address})
    # Before the fix: the form answered "Déjà inscrit à cet événement : <address>".
    assert response.status_code == 302
    assert Representative.objects.filter(email__iexact=address).count() == 1
    company = Company.objects.get(event=event, name="Société Évrard")
    assert list(company.representatives.values_list("email", flat=True)) == ["paul@evrard.example"]
    notice = Message.objects.get(template_code=membership.DUPLICATE_TEMPLATE)
    assert notice.to == address and "Société Évrard" in notice.body_text


def test_nothing_is_saved_when_every_address_is_already_registered(client, event):
    other = make_company(event, "Déjà là", reps=2)
    first, second = other.representatives.values_list("email", flat=True)
    response = register(client, event, **{"rep-0-email": first, "rep-1-email": second})
    assert response.status_code == 302
    assert not Company.objects.filter(name="Société Évrard").exists()
    assert Message.objects.filter(template_code=membership.DUPLICATE_TEMPLATE).count() == 2


def test_the_holder_confirms_from_the_link_and_then_gets_the_confirmation(client, event):
    victim = make_user(VICTIM)
    register(client, event, **{"rep-0-email": VICTIM})
    link = confirm_link(VICTIM)
    # Not logged in: the login page first.
    anonymous = client.get(link)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    client.force_login(victim)
    page = client.get(link)
    assert page.status_code == 200
    assert "Société Évrard" in page.content.decode()
    assert Representative.objects.get(email=VICTIM).user is None  # a GET changes nothing
    done = client.post(link)
    assert done.status_code == 302
    assert done["Location"] == reverse("events:area_home", kwargs={"slug": event.slug})
    assert Representative.objects.get(email=VICTIM).user == victim
    assert Message.objects.filter(template_code="events.registration_received", to=VICTIM).exists()
    # The link is then harmless: it leads to the area.
    assert client.get(link).status_code == 302


def test_another_account_cannot_use_the_link(client, event):
    make_user(VICTIM)
    stranger = make_user("stranger@example.org")
    register(client, event, **{"rep-0-email": VICTIM})
    link = confirm_link(VICTIM)
    client.force_login(stranger)
    refused = client.post(link)
    assert refused.status_code == 403
    assert "autre compte" in refused.content.decode()
    assert Representative.objects.get(email=VICTIM).user is None


def test_expired_and_forged_links_get_a_clear_message(client, event):
    victim = make_user(VICTIM)
    register(client, event, **{"rep-0-email": VICTIM})
    link = confirm_link(VICTIM)
    client.force_login(victim)
    with override_settings(CIVITAS_EVENTS_JOIN_LINK_DAYS=0):
        expired = client.post(link)
    assert expired.status_code == 410
    assert "expiré" in expired.content.decode()
    forged = client.post(link[:-6] + "xxxxx/")
    assert forged.status_code == 404
    assert "n’est pas valide" in forged.content.decode() or "pas valide" in (
        forged.content.decode()
    )
    rep = Representative.objects.get(email=VICTIM)
    other_event_link = signing.dumps({"rep": rep.pk, "user": victim.pk}, salt="other")
    assert client.get(link.replace(link.split("/")[-2], other_event_link)).status_code == 404
    assert rep.user is None


def test_a_colleague_added_in_the_area_with_an_existing_account_confirms_too(event):
    company = make_company(event, "Maison")
    me = company.representatives.get()
    victim = make_user(VICTIM)
    rep = Representative(first_name="Val", last_name="Victime", email=VICTIM)
    moderation.add_representative(rep, by=me)
    rep.refresh_from_db()
    assert rep.user is None
    assert Message.objects.filter(template_code=membership.CONFIRM_TEMPLATE, to=VICTIM).exists()
    token = confirm_link(VICTIM).rstrip("/").split("/")[-1]
    membership.confirm(event.slug, token, victim)
    rep.refresh_from_db()
    assert rep.user == victim


def test_a_new_address_still_gets_its_account_and_password_link(client, event):
    register(client, event)
    rep = Representative.objects.get(email="anne@evrard.example")
    assert rep.user is not None and not rep.user.has_usable_password()
    mail = Message.objects.get(template_code="events.registration_received", to=rep.email)
    assert "/accounts/password/reset/key/" in mail.body_text


def test_registration_is_throttled_per_address(client, event):
    for i in range(5):
        response = register(client, event, ip=f"192.0.2.{i}", **{"company-name": f"Essai {i}"})
        assert response.status_code == 302
        Company.objects.filter(event=event).update(status=Company.Status.REJECTED)
    refused = register(client, event, ip="192.0.2.99", **{"company-name": "Essai 6"})
    assert refused.status_code == 200
    assert "Trop d" in refused.content.decode()
    assert not Company.objects.filter(name="Essai 6").exists()
    # Only hashes are stored, never the address.
    assert not ThrottleCount.objects.filter(key__icontains="evrard").exists()


@override_settings(CIVITAS_EVENTS_REGISTRATION_THROTTLE={"ip": 2, "email": 100})
def test_registration_is_throttled_per_ip(client, event):
    for i in range(2):
        ok = register(
            client,
            event,
            **{"company-name": f"Essai {i}", "rep-0-email": f"a{i}@x.example"},
            **{"rep-1-email": f"b{i}@x.example"},
        )
        assert ok.status_code == 302
    refused = register(client, event, **{"company-name": "Essai 3", "rep-0-email": "c@x.example"})
    assert refused.status_code == 200
    assert not Company.objects.filter(name="Essai 3").exists()
    # Another IP address is not affected.
    other = register(
        client,
        event,
        ip="198.51.100.7",
        **{"company-name": "Essai 4", "rep-0-email": "d@x.example"},
    )
    assert other.status_code == 302


def test_the_throttle_counts_refused_attempts_and_forgets_old_windows(event):
    from civitas.core import throttle

    now = timezone.now()
    period = timedelta(hours=1)
    assert all(throttle.hit("t", "a@x", limit=2, period=period, now=now) for _ in range(2))
    assert not throttle.hit("t", "a@x", limit=2, period=period, now=now)
    assert throttle.hit("t", "b@x", limit=2, period=period, now=now)
    assert throttle.hit("t", "a@x", limit=2, period=period, now=now + period)
    throttle.purge(now=now + timedelta(days=2))
    assert not ThrottleCount.objects.exists()


def test_the_service_refuses_when_throttled_even_without_a_request(event):
    company = make_company(event, "Une", validated=False)
    address = company.representatives.get().email
    Company.objects.filter(pk=company.pk).update(status=Company.Status.REJECTED)
    from civitas.events.services import registration

    for i in range(4):
        registration.register_company(
            event,
            Company(name=f"N{i}", country="FR", siret="73282932000074"),
            [Representative(first_name="A", last_name="B", email=address)],
            [],
        )
        Company.objects.filter(event=event).update(status=Company.Status.REJECTED)
    with pytest.raises(ServiceError):
        registration.register_company(
            event,
            Company(name="N9", country="FR", siret="73282932000074"),
            [Representative(first_name="A", last_name="B", email=address)],
            [],
        )


def test_the_organisers_copy_does_not_carry_the_participants_password_link(client, event, settings):
    settings.CIVITAS_OUTBOX_ADMIN_CC = ["organisateur@example.org", "second@example.org"]
    response = register(client, event)
    assert response.status_code == 302
    reps = Representative.objects.filter(company__event=event).order_by("pk")
    links = []
    for rep in reps:
        own = Message.objects.get(template_code="events.registration_received", to=rep.email)
        # Each participant's message holds their own link, and nobody is in copy.
        links.append(re.search(r"https?://\S*/password/reset/key/\S+", own.body_text)[0])
        assert own.cc == ""
    # The organisers get their own message (once per registration): no link, but a note.
    copy = Message.objects.get(
        template_code="events.registration_received", to="organisateur@example.org"
    )
    assert copy.cc == "second@example.org"
    assert reps[0].company.name in copy.body_text
    assert "/password/reset/key/" not in copy.body_text
    assert not any(link in copy.body_text for link in links)
    assert "lien personnel, envoyé au seul participant" in copy.body_text
