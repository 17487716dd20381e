"""Co-organisers (seed 003 §16.2): the assignment rules in order, the hand assignment that
the rules never override, the back-office tab and its scope, the mini-site block, the copy
of the registration mail and the export column."""

import pytest

from civitas.events.models import Company, CoOrganiser, CoOrganiserRule, Sector

from .conftest import make_company, make_event

pytestmark = pytest.mark.django_db


def _co(event, name, position=0, **kw):
    return CoOrganiser.objects.create(event=event, name=name, position=position, **kw)


def _rule(co, position, **kw):
    return CoOrganiserRule.objects.create(co_organiser=co, position=position, **kw)


@pytest.fixture
def setup_rules(event):
    """Rules tried in order: Paris postcodes, then sector Agri, then Germany, then France."""
    agri = Sector.objects.create(event=event, label_fr="Agriculture", code="A")
    paris = _co(event, "CCI Paris", contact_email="een@cci-paris.example")
    agri_co = _co(event, "Chambre d'agriculture", 1, kind="partner")
    de = _co(event, "IHK Berlin", 2)
    fr = _co(event, "CCI France", 3)
    _rule(fr, 40, country="FR")
    _rule(de, 30, country="DE")
    _rule(agri_co, 20, sector=agri)
    _rule(paris, 10, country="FR", postcode_prefix="75")
    return {"agri": agri, "paris": paris, "agri_co": agri_co, "de": de, "fr": fr}


def _company(event, name, **kw):
    return Company(event=event, name=name, **kw)


def test_rules_by_postcode_sector_country_first_match_wins(event, setup_rules):
    from civitas.events.services import coorganisers

    r = setup_rules
    # Paris postcode (spaces ignored) comes before the France rule.
    assert (
        coorganisers.rule_for(_company(event, "A", country="FR", postcode="75 008")).co_organiser
        == r["paris"]
    )
    # A Paris company of the agriculture sector: the Paris rule is first in order.
    assert (
        coorganisers.rule_for(
            _company(event, "B", country="FR", postcode="75001", sector=r["agri"])
        ).co_organiser
        == r["paris"]
    )
    # Lyon, agriculture: the sector rule (20) before the France one (40).
    assert (
        coorganisers.rule_for(
            _company(event, "C", country="FR", postcode="69001", sector=r["agri"])
        ).co_organiser
        == r["agri_co"]
    )
    assert (
        coorganisers.rule_for(_company(event, "D", country="DE", postcode="75001")).co_organiser
        == r["de"]
    )
    assert (
        coorganisers.rule_for(_company(event, "E", country="FR", postcode="13001")).co_organiser
        == r["fr"]
    )
    assert coorganisers.rule_for(_company(event, "F", country="IT")) is None
    # Changing the order changes the winner.
    CoOrganiserRule.objects.filter(co_organiser=r["fr"]).update(position=1)
    assert (
        coorganisers.rule_for(_company(event, "A", country="FR", postcode="75008")).co_organiser
        == r["fr"]
    )


def test_registration_assigns_and_hand_assignment_survives(event, setup_rules):
    from civitas.events.services import coorganisers

    r = setup_rules
    company = make_company(event, "Berlin GmbH", country="DE")
    assert company.co_organiser == r["de"] and not company.co_organiser_by_hand
    coorganisers.assign_by_hand(company, r["paris"])
    company.refresh_from_db()
    assert company.co_organiser == r["paris"] and company.co_organiser_by_hand
    # Neither the rules applied again nor the bulk application change a hand choice.
    assert coorganisers.assign(company) == r["paris"]
    coorganisers.assign_by_hand(company, None)  # "none" by hand is a choice too
    coorganisers.apply_rules(event)
    company.refresh_from_db()
    assert company.co_organiser is None and company.co_organiser_by_hand
    # Given back to the rules: the rules decide again.
    coorganisers.release_to_rules(company)
    company.refresh_from_db()
    assert company.co_organiser == r["de"] and not company.co_organiser_by_hand


def test_bulk_application_assigns_the_unassigned_only(event):
    from civitas.events.services import coorganisers

    early = make_company(event, "Early SARL", country="FR")
    assert early.co_organiser is None  # no rule yet
    fr = _co(event, "CCI France")
    _rule(fr, 1, country="FR")
    it = make_company(event, "Roma Srl", country="IT")
    assert coorganisers.apply_rules(event) == 1
    early.refresh_from_db()
    it.refresh_from_db()
    assert early.co_organiser == fr and it.co_organiser is None


def test_hand_assignment_refuses_another_events_co_organiser(event):
    from civitas.events.services import ServiceError, coorganisers

    other = make_event("autre")
    foreign = _co(other, "CCI Autre")
    company = make_company(event, "Alpha")
    with pytest.raises(ServiceError):
        coorganisers.assign_by_hand(company, foreign)
    company.refresh_from_db()
    assert company.co_organiser is None and not company.co_organiser_by_hand


def test_deleting_a_co_organiser_gives_its_companies_back_to_the_rules(event):
    from civitas.events.services import coorganisers

    a, b = _co(event, "A"), _co(event, "B", 1)
    _rule(b, 1, country="FR")
    company = make_company(event, "Alpha")
    coorganisers.assign_by_hand(company, a)
    coorganisers.delete_co_organiser(a)
    company.refresh_from_db()
    assert company.co_organiser is None and not company.co_organiser_by_hand
    coorganisers.apply_rules(event)
    company.refresh_from_db()
    assert company.co_organiser == b


# --- Back office -----------------------------------------------------------------------------


def _png(colour="red") -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buf, "PNG")
    return buf.getvalue()


def _organiser_of(event, email):
    from civitas.core.models import Role
    from tests.conftest import make_user

    role, _created = Role.objects.get_or_create(
        code="event_organiser_test",
        defaults={
            "name": "Organisateur",
            "permissions": [
                "core.access_backoffice",
                "events.view_registrations",
                "events.manage_event",
                "events.validate_registrations",
            ],
        },
    )
    return make_user(email, role_code=role.code, scope=("event", event.pk))


def _client(user):
    from django.conf import settings
    from django.test import Client

    c = Client()
    c.force_login(user)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return c


def test_organiser_manages_co_organisers_rules_and_assignments(event):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from civitas.core.models import JournalEntry

    client = _client(_organiser_of(event, "orga@x.example"))
    tab = reverse("events:bo_co_organisers", kwargs={"pk": event.pk})
    assert client.get(tab).status_code == 200
    # Add a co-organiser with a logo (re-encoded by the upload checks).
    r = client.post(
        reverse("events:bo_co_organiser_new", kwargs={"pk": event.pk}),
        {
            "name": "CCI Paris",
            "kind": "cci",
            "role_fr": "Accompagne les entreprises franciliennes",
            "role_en": "Supports companies from the Paris region",
            "argument_fr": "Le réseau EEN",
            "argument_en": "The EEN network",
            "website": "https://cci-paris.example",
            "contact_email": "een@cci-paris.example",
            "position": "1",
            "logo": SimpleUploadedFile("logo.png", _png(), content_type="image/png"),
        },
    )
    assert r.status_code == 302, r.context["form"].errors
    co = CoOrganiser.objects.get(event=event)
    assert co.logo.name.startswith(f"events/{event.pk}/co-organisers/")
    # A file that is no image is refused as a logo.
    bad = client.post(
        reverse("events:bo_co_organiser", kwargs={"pk": event.pk, "co_pk": co.pk}),
        {
            "name": "CCI Paris",
            "kind": "cci",
            "position": "1",
            "logo": SimpleUploadedFile("x.png", b"<html><script>", content_type="image/png"),
        },
    )
    assert bad.status_code == 200 and bad.context["form"].errors["logo"]
    # A rule needs a criterion.
    rule_new = reverse("events:bo_co_organiser_rule_new", kwargs={"pk": event.pk})
    empty = client.post(rule_new, {"co_organiser": co.pk, "position": "1"})
    assert empty.status_code == 200 and empty.context["form"].non_field_errors()
    assert (
        client.post(
            rule_new,
            {"co_organiser": co.pk, "country": "FR", "postcode_prefix": "75", "position": "1"},
        ).status_code
        == 302
    )
    rule = CoOrganiserRule.objects.get(co_organiser=co)
    # Registrations made before: applied in bulk, from the tab.
    paris = make_company(event, "Paris SA")
    Company.objects.filter(pk=paris.pk).update(postcode="75011")
    lyon = make_company(event, "Lyon SA")
    assert (
        client.post(reverse("events:bo_co_organiser_apply", kwargs={"pk": event.pk})).status_code
        == 302
    )
    paris.refresh_from_db()
    lyon.refresh_from_db()
    assert paris.co_organiser == co and lyon.co_organiser is None
    # The registrations list: column and filter.
    regs = reverse("events:bo_registrations", kwargs={"pk": event.pk})
    page = client.get(regs, {"co_organiser": co.pk})
    assert [c.name for c in page.context["page"]] == ["Paris SA"]
    assert "CCI Paris" in page.content.decode()
    assert [c.name for c in client.get(regs, {"co_organiser": "none"}).context["page"]] == [
        "Lyon SA"
    ]
    # Hand assignment from the registration page, journaled.
    detail = reverse("events:bo_registration", kwargs={"pk": event.pk, "company_pk": lyon.pk})
    assert 'name="choice"' in client.get(detail).content.decode()
    assign = reverse(
        "events:bo_registration_co_organiser", kwargs={"pk": event.pk, "company_pk": lyon.pk}
    )
    assert client.post(assign, {"choice": str(co.pk)}).status_code == 302
    lyon.refresh_from_db()
    assert lyon.co_organiser == co and lyon.co_organiser_by_hand
    entry = JournalEntry.objects.filter(action="events.co_organiser_assigned").get()
    assert entry.object_id == str(lyon.pk) and entry.details == {"from": None, "to": co.pk}
    # Rule edited and deleted.
    edit = reverse("events:bo_co_organiser_rule", kwargs={"pk": event.pk, "rule_pk": rule.pk})
    assert (
        client.post(edit, {"co_organiser": co.pk, "country": "DE", "position": "2"}).status_code
        == 302
    )
    rule.refresh_from_db()
    assert str(rule.country) == "DE" and rule.postcode_prefix == ""
    delete = reverse(
        "events:bo_co_organiser_rule_delete", kwargs={"pk": event.pk, "rule_pk": rule.pk}
    )
    assert client.post(delete).status_code == 302
    assert not CoOrganiserRule.objects.exists()
    # Co-organiser deleted: its companies have none and go back to the rules.
    co_url = reverse("events:bo_co_organiser", kwargs={"pk": event.pk, "co_pk": co.pk})
    assert client.post(co_url, {"delete": "1"}).status_code == 302
    lyon.refresh_from_db()
    assert not CoOrganiser.objects.exists() and lyon.co_organiser is None
    assert not lyon.co_organiser_by_hand


def test_tab_refused_to_other_events_organiser_and_participants(event, client_for):
    from django.urls import reverse

    other = make_event("autre")
    theirs = _co(other, "CCI Autre")
    their_rule = _rule(theirs, 1, country="FR")
    their_sector = Sector.objects.create(event=other, label_fr="Autre")
    their_company = make_company(other, "Autre SA")
    mine = _co(event, "CCI Salon")
    my_company = make_company(event, "Salon SA")

    stranger = _client(_organiser_of(other, "orga-autre@x.example"))
    participant = client_for("participant")
    urls = [
        reverse("events:bo_co_organisers", kwargs={"pk": event.pk}),
        reverse("events:bo_co_organiser_new", kwargs={"pk": event.pk}),
        reverse("events:bo_co_organiser", kwargs={"pk": event.pk, "co_pk": mine.pk}),
        reverse("events:bo_co_organiser_rule_new", kwargs={"pk": event.pk}),
    ]
    for url in urls:
        assert stranger.get(url).status_code == 403, url
        assert participant.get(url).status_code == 403, url
    for url in (
        reverse("events:bo_co_organiser_apply", kwargs={"pk": event.pk}),
        reverse(
            "events:bo_registration_co_organiser",
            kwargs={"pk": event.pk, "company_pk": my_company.pk},
        ),
    ):
        assert stranger.post(url, {"choice": "none"}).status_code == 403, url
        assert participant.post(url, {"choice": "none"}).status_code == 403, url
    my_company.refresh_from_db()
    assert not my_company.co_organiser_by_hand

    # This event's organiser: another event's ids through this event's addresses are 404.
    organiser = _client(_organiser_of(event, "orga@x.example"))
    for url in (
        reverse("events:bo_co_organiser", kwargs={"pk": event.pk, "co_pk": theirs.pk}),
        reverse("events:bo_co_organiser_rule", kwargs={"pk": event.pk, "rule_pk": their_rule.pk}),
    ):
        assert organiser.get(url).status_code == 404, url
    assert (
        organiser.post(
            reverse(
                "events:bo_co_organiser_rule_delete",
                kwargs={"pk": event.pk, "rule_pk": their_rule.pk},
            )
        ).status_code
        == 404
    )
    assert (
        organiser.post(
            reverse(
                "events:bo_registration_co_organiser",
                kwargs={"pk": event.pk, "company_pk": their_company.pk},
            ),
            {"choice": "none"},
        ).status_code
        == 404
    )
    # Another event's co-organiser or sector in a form: refused, nothing changes.
    organiser.post(
        reverse(
            "events:bo_registration_co_organiser",
            kwargs={"pk": event.pk, "company_pk": my_company.pk},
        ),
        {"choice": str(theirs.pk)},
    )
    my_company.refresh_from_db()
    assert my_company.co_organiser is None and not my_company.co_organiser_by_hand
    r = organiser.post(
        reverse("events:bo_co_organiser_rule_new", kwargs={"pk": event.pk}),
        {"co_organiser": theirs.pk, "sector": their_sector.pk, "position": "1"},
    )
    assert r.status_code == 200
    assert set(r.context["form"].errors) >= {"co_organiser", "sector"}
    assert CoOrganiserRule.objects.count() == 1
    # The other event's organiser is refused this event's tab but uses its own.
    assert (
        stranger.get(reverse("events:bo_co_organisers", kwargs={"pk": other.pk})).status_code == 200
    )


# --- Mini-site ------------------------------------------------------------------------------


def _page(client, event, lang):
    r = client.get(f"/evenements/{event.slug}/", HTTP_ACCEPT_LANGUAGE=lang)
    assert r.status_code == 200
    return r


def test_minisite_shows_the_co_organisers_in_the_visitors_language(client, event):
    from bs4 import BeautifulSoup
    from django.core.files.base import ContentFile

    from civitas.events.models import EventSitePage

    co = _co(
        event,
        "CCI Paris",
        role_fr="Accompagne les entreprises d'Île-de-France",
        role_en="Supports companies from the Paris region",
        argument_fr="Le premier réseau européen",
        argument_en="Europe's first network",
        website="https://cci-paris.example/",
    )
    co.logo.save("logo.png", ContentFile(_png()), save=True)
    _co(event, "Partenaire sans anglais", 1, kind="partner", role_fr="Partenaire régional")

    def block(response):
        section = BeautifulSoup(response.content.decode(), "html.parser").find(
            "section", class_="co-organisers"
        )
        assert section is not None
        return section

    for wagtail_page in (True, False):
        if not wagtail_page:  # the plain page, while the event has no live mini-site
            EventSitePage.objects.get(event=event).unpublish()
        fr = _page(client, event, "fr")
        names = [h.get_text(strip=True) for h in block(fr).find_all("h3")]
        assert names == ["CCI Paris", "Partenaire sans anglais"]
        text = block(fr).get_text()
        assert "Co-organisateurs" in block(fr).h2.get_text()
        assert "Accompagne les entreprises d'Île-de-France" in text
        assert "Le premier réseau européen" in text and "Europe's first network" not in text
        assert block(fr).find("a", href="https://cci-paris.example/") is not None
        assert block(fr).find("img")["src"] == co.logo.url
        en = block(_page(client, event, "en"))
        assert "Co-organisers" in en.h2.get_text()
        assert "Supports companies from the Paris region" in en.get_text()
        assert "Europe's first network" in en.get_text()
        assert "Le premier réseau européen" not in en.get_text()
        # No English text given: the French one is shown.
        assert "Partenaire régional" in en.get_text()


def test_minisite_without_co_organisers_has_no_block(client, event):
    assert "co-organisers" not in _page(client, event, "fr").content.decode()


# --- Copy of the registration mail ----------------------------------------------------------


def test_registration_copy_reaches_the_co_organiser(
    event, mailoutbox, django_capture_on_commit_callbacks
):
    from civitas.core.outbox.models import Message

    paris = _co(event, "CCI Paris", contact_email="een@cci-paris.example")
    _rule(paris, 1, country="FR")
    silent = _co(event, "IHK Berlin", 1)  # no contact address: no copy
    _rule(silent, 2, country="DE")
    with django_capture_on_commit_callbacks(execute=True):
        company = make_company(event, "Alpha SARL", reps=2, validated=False)
        make_company(event, "Berlin GmbH", country="DE", validated=False)
    copy = Message.objects.get(to="een@cci-paris.example")
    assert copy.template_code == "events.co_organiser_registration"
    assert "Alpha SARL" in copy.subject and "CCI Paris" in copy.subject
    assert "p0@alphasarl.example" in copy.body_text and "p1@alphasarl.example" in copy.body_text
    assert f"/inscriptions/{company.pk}/" in copy.body_text
    # The participant's own confirmation (password link, convocation) is not copied.
    assert "password" not in copy.body_text.lower() and "mot de passe" not in copy.body_text
    assert not copy.attachments.exists()
    # One copy per registration, none for a co-organiser without an address.
    assert Message.objects.filter(template_code="events.co_organiser_registration").count() == 1
    # Actually sent (the outbox task runs after commit in the tests).
    sent = [m for m in mailoutbox if "een@cci-paris.example" in m.to]
    assert len(sent) == 1 and "Alpha SARL" in sent[0].subject


def test_no_copy_without_co_organiser(event, django_capture_on_commit_callbacks):
    from civitas.core.outbox.models import Message

    _co(event, "CCI Paris", contact_email="een@cci-paris.example")  # no rule: nobody assigned
    with django_capture_on_commit_callbacks(execute=True):
        make_company(event, "Alpha SARL", validated=False)
    assert not Message.objects.filter(to="een@cci-paris.example").exists()


# --- Export ---------------------------------------------------------------------------------


def test_participants_export_has_the_co_organiser_column(users, event):
    from civitas.core.exports.registry import get as get_exporter

    paris = _co(event, "CCI Paris")
    _rule(paris, 1, country="FR")
    make_company(event, "Alpha SARL")
    make_company(event, "Roma Srl", country="IT")
    exporter = get_exporter("events.participants")
    keys = exporter.keys()
    assert "co_organiser" in keys and "Co-organiser" in exporter.headers()

    def rows(**params):
        qs = exporter.queryset(users["principal"], {"event": str(event.pk), **params})
        return {
            (row["company"], row["co_organiser"])
            for row in (dict(zip(keys, exporter.values(r), strict=True)) for r in qs)
        }

    assert rows() == {("Alpha SARL", "CCI Paris"), ("Roma Srl", "")}
    # The list's filter goes with the export.
    assert rows(co_organiser=str(paris.pk)) == {("Alpha SARL", "CCI Paris")}
    assert rows(co_organiser="none") == {("Roma Srl", "")}


def test_rules_apply_to_walk_ins_and_api_companies(event):
    from civitas.events.services import crm, walkin

    de = _co(event, "IHK Berlin")
    _rule(de, 1, country="DE")
    rep = walkin.register(
        event,
        company_name="Berlin GmbH",
        country="DE",
        first_name="Ute",
        last_name="Meyer",
        email="ute@berlin.example",
    )
    assert rep.company.co_organiser == de
    api = crm.create_company(event, Company(name="Hamburg AG", country="DE"))
    assert api.co_organiser == de
