"""The configurable registration form: standard fields hidden or required, extra fields of
every type, sector-specific questions, storage, back office, area, export and catalogue."""

import datetime as dt

import pytest
from django.urls import reverse

from civitas.core.exports.registry import get as get_exporter
from civitas.core.models import JournalEntry, Role, RoleAssignment
from civitas.core.permissions import clear_cache
from civitas.events.models import Company, Event, ExtraField, KeyFigure, Offer, Representative
from civitas.events.services import ServiceError, regform, registration

from .conftest import make_company, make_event
from .test_views import _post_data

pytestmark = pytest.mark.django_db


def add_field(event, key, kind="text", *, target="company", sectors=(), public=False, **kw):
    extra = ExtraField(event=event, key=key, label_fr=key.capitalize(), kind=kind, target=target)
    for name, value in kw.items():
        setattr(extra, name, value)
    regform.save_field(extra, sectors=sectors, public=public)
    return extra


def register_url(event):
    return reverse("events:register", kwargs={"slug": event.slug})


@pytest.fixture
def sectors(event):
    return {
        "agri": event.sectors.get(code="A"),
        "industry": event.sectors.get(code="C"),
    }


# --- Standard fields ------------------------------------------------------------------------


def test_hidden_and_required_standard_fields(client, event):
    regform.save_standard(
        event,
        {
            "company.website": "hidden",
            "company.city": "required",
            "representative.job_title": "required",
        },
    )
    html = client.get(register_url(event)).content.decode()
    assert 'name="company-website"' not in html
    assert 'name="company-city"' in html and 'name="rep-0-job_title"' in html

    r = client.post(register_url(event), _post_data(**{"company-website": "https://x.example"}))
    assert r.status_code == 200
    assert "city" in r.context["form"].errors
    assert "job_title" in r.context["reps"].forms[0].errors
    assert "Société Évrard" in r.content.decode()  # what was typed is kept
    assert not Company.objects.exists()

    r = client.post(
        register_url(event),
        _post_data(
            **{
                "company-city": "Lyon",
                "company-website": "https://ignored.example",
                "rep-0-job_title": "CEO",
                "rep-1-job_title": "CTO",
            }
        ),
    )
    assert r.status_code == 302
    company = Company.objects.get()
    assert company.city == "Lyon"
    assert company.website == ""  # a hidden field is not taken from the request


def test_structural_fields_cannot_be_hidden(event):
    for code in ("company.name", "company.siret", "representative.email", "company.address"):
        with pytest.raises(ServiceError):
            regform.save_standard(event, {code: "hidden"})
    with pytest.raises(ServiceError):
        regform.save_standard(event, {"representative.absent_sessions": "required"})


def test_sector_cannot_be_hidden_while_sector_fields_exist(event, sectors):
    add_field(event, "organic", "boolean", sectors=[sectors["agri"]])
    with pytest.raises(ServiceError, match="sector"):
        regform.save_standard(event, {"company.sector": "hidden"})


# --- Extra fields of every type -------------------------------------------------------------


def _all_kinds(event):
    add_field(event, "nickname", "text", required=True)
    add_field(event, "history", "long_text")
    add_field(event, "size", "choice", choices="Petite | Small\nGrande | Large", required=True)
    add_field(event, "markets", "multiple", choices="Europe\nAsie | Asia\nAfrique")
    add_field(event, "exporter", "boolean", required=True)
    add_field(event, "turnover", "number")
    add_field(event, "founded", "date")
    add_field(event, "catalogue", "url")
    add_field(event, "diet", "choice", target="representative", choices="Aucun\nVégétarien")
    add_field(event, "linkedin", "url", target="representative")


VALID_EXTRAS = {
    "company-x_nickname": "Évrard & fils",
    "company-x_history": "Depuis 1890.\nFamiliale.",
    "company-x_size": "Grande",
    "company-x_markets": ["Europe", "Asie"],
    "company-x_exporter": "yes",
    "company-x_turnover": "12.5",
    "company-x_founded": "1890-04-02",
    "company-x_catalogue": "https://evrard.example/catalogue",
    "rep-0-x_diet": "Végétarien",
    "rep-0-x_linkedin": "https://linkedin.example/anne",
}


def test_every_kind_is_validated_and_stored_as_json(client, event):
    _all_kinds(event)
    r = client.post(register_url(event), _post_data(**VALID_EXTRAS))
    assert r.status_code == 302, r.context["form"].errors
    company = Company.objects.get()
    assert company.extra == {
        "nickname": "Évrard & fils",
        "history": "Depuis 1890.\nFamiliale.",
        "size": "Grande",
        "markets": ["Europe", "Asie"],
        "exporter": True,
        "turnover": 12.5,
        "founded": "1890-04-02",
        "catalogue": "https://evrard.example/catalogue",
    }
    anne = company.representatives.get(email="anne@evrard.example")
    paul = company.representatives.get(email="paul@evrard.example")
    assert anne.extra == {"diet": "Végétarien", "linkedin": "https://linkedin.example/anne"}
    assert paul.extra == {}


@pytest.mark.parametrize(
    "key, bad",
    [
        ("company-x_size", "Moyenne"),
        ("company-x_markets", ["Océanie"]),
        ("company-x_exporter", "maybe"),
        ("company-x_turnover", "douze"),
        ("company-x_founded", "1890-13-45"),
        ("company-x_catalogue", "pas une adresse"),
        ("company-x_nickname", ""),
        ("rep-0-x_linkedin", "javascript:alert(1)"),
    ],
)
def test_bad_answers_are_refused_and_input_kept(client, event, key, bad):
    _all_kinds(event)
    r = client.post(register_url(event), _post_data(**{**VALID_EXTRAS, key: bad}))
    assert r.status_code == 200
    target_form = r.context["reps"].forms[0] if key.startswith("rep-") else r.context["form"]
    assert key.split("-")[-1] in target_form.errors
    html = r.content.decode()
    assert "Depuis 1890." in html and "linkedin.example/anne" in html or "alert" in html
    assert not Company.objects.exists()


def test_service_refuses_values_not_matching_the_definitions(event):
    add_field(event, "turnover", "number", required=True)
    company = Company(name="Direct", country="FR", siret="73282932000074", extra={"turnover": "x"})
    rep = Representative(first_name="A", last_name="B", email="a@direct.example")
    with pytest.raises(ServiceError, match="Turnover"):
        registration.register_company(event, company, [rep], [])
    company.extra = {}
    with pytest.raises(ServiceError, match="required"):
        registration.register_company(event, company, [rep], [])
    company.extra = {"turnover": 3, "unknown": "dropped"}
    registration.register_company(event, company, [rep], [])
    assert Company.objects.get().extra == {"turnover": 3}


# --- Sector-specific fields -----------------------------------------------------------------


def test_sector_fields_are_enforced_server_side(client, event, sectors):
    add_field(event, "organic", "boolean", required=True, sectors=[sectors["agri"]])
    add_field(event, "machines", "long_text", sectors=[sectors["industry"]])
    # Without JS and no sector chosen, every sector question is shown with its sectors.
    html = client.get(register_url(event)).content.decode()
    assert 'name="company-x_organic"' in html and 'name="company-x_machines"' in html
    assert sectors["agri"].label in html
    assert 'id="sector-fields"' in html and "hx-post" in html

    agri = {"company-sector": str(sectors["agri"].pk), "company-x_machines": "Presses"}
    r = client.post(register_url(event), _post_data(**agri))
    assert r.status_code == 200
    assert "x_organic" in r.context["form"].errors
    html = r.content.decode()
    # After the error, only the chosen sector's questions are shown; typed text is kept
    assert 'name="company-x_organic"' in html and 'name="company-x_machines"' not in html

    r = client.post(register_url(event), _post_data(**agri, **{"company-x_organic": "no"}))
    assert r.status_code == 302
    # The answer to another sector's question is not stored.
    assert Company.objects.get().extra == {"organic": False}


def test_question_for_another_sector_is_not_required(client, event, sectors):
    add_field(event, "organic", "boolean", required=True, sectors=[sectors["agri"]])
    data = _post_data(**{"company-sector": str(sectors["industry"].pk)})
    assert client.post(register_url(event), data).status_code == 302
    assert Company.objects.get().extra == {}


def test_sector_fragment_keeps_what_was_typed(client, event, sectors):
    add_field(event, "organic", "text", sectors=[sectors["agri"]])
    add_field(event, "machines", "text", sectors=[sectors["industry"]])
    url = reverse("events:register_sector_fields", kwargs={"slug": event.slug})
    r = client.post(
        url,
        {"company-sector": str(sectors["agri"].pk), "company-x_organic": "Bio depuis 2001"},
        HTTP_HX_REQUEST="true",
    )
    html = r.content.decode()
    assert r.status_code == 200
    assert 'value="Bio depuis 2001"' in html
    assert "x_machines" not in html
    assert "error" not in html  # nothing is validated in the fragment
    other = client.post(url, {"company-sector": str(sectors["industry"].pk)}).content.decode()
    assert "x_machines" in other and "x_organic" not in other
    # No sector chosen: with JS, no sector question is shown.
    assert "x_" not in client.post(url, {"company-sector": ""}).content.decode()


# --- Back office ----------------------------------------------------------------------------


def test_organiser_edits_the_form_and_it_is_journaled(client_for, event, sectors):
    c = client_for("principal")
    url = reverse("events:bo_regform", kwargs={"pk": event.pk})
    assert c.get(url).status_code == 200
    data = {f"{t}__{n}": "optional" for t, fields in regform.CONFIGURABLE.items() for n in fields}
    data["company__phone"] = "hidden"
    data["representative__job_title"] = "required"
    assert c.post(url, data).status_code == 302
    assert regform.config(Event.objects.get(pk=event.pk)).standard == {
        "company.phone": "hidden",
        "representative.job_title": "required",
    }
    entry = JournalEntry.objects.get(action="events.regform_standard_changed")
    assert entry.details["changed"] == {
        "company.phone": "hidden",
        "representative.job_title": "required",
    }

    new = reverse("events:bo_regform_field_new", kwargs={"pk": event.pk})
    field = {
        "target": "company",
        "key": "surface",
        "label_fr": "Surface cultivée",
        "label_en": "Farmed area",
        "kind": "number",
        "required": "on",
        "sectors": [str(sectors["agri"].pk)],
        "position": "1",
        "public": "on",
    }
    r = c.post(new, field)
    assert r.status_code == 302, r.context["form"].errors
    extra = ExtraField.objects.get(key="surface")
    assert extra.required and list(extra.sectors.all()) == [sectors["agri"]]
    assert "extra.surface" in Event.objects.get(pk=event.pk).public_fields
    assert JournalEntry.objects.filter(action="events.regform_field_added").exists()

    # Same key again: refused, with the typed values kept.
    r = c.post(new, {**field, "label_fr": "Doublon"})
    assert r.status_code == 200 and "key" in r.context["form"].errors
    assert "Doublon" in r.content.decode()
    # A choice list without choices; sectors for a representative field.
    r = c.post(new, {**field, "key": "k2", "kind": "choice"})
    assert "choices" in r.context["form"].errors
    r = c.post(new, {**field, "key": "k3", "target": "representative"})
    assert {"sectors", "public"} <= set(r.context["form"].errors)

    # Edit: the key cannot change.
    edit = reverse("events:bo_regform_field", kwargs={"pk": event.pk, "field_pk": extra.pk})
    r = c.post(edit, {**field, "key": "other", "label_fr": "Surface (ha)", "public": ""})
    assert r.status_code == 302
    extra.refresh_from_db()
    assert (extra.key, extra.label_fr) == ("surface", "Surface (ha)")
    assert "extra.surface" not in Event.objects.get(pk=event.pk).public_fields
    assert JournalEntry.objects.filter(action="events.regform_field_changed").exists()


def test_deleting_a_field_erases_its_answers(client_for, event):
    extra = add_field(event, "diet", "text", target="representative")
    company = make_company(event, "Alpha", reps=2)
    for rep in company.representatives.all():
        rep.extra = {"diet": "Végétarien", "kept": 1}
        rep.save()
    c = client_for("principal", lang="en")
    url = reverse("events:bo_regform_field_delete", kwargs={"pk": event.pk, "field_pk": extra.pk})
    assert "2 answers" in c.get(url).content.decode()
    assert c.post(url).status_code == 302
    assert not ExtraField.objects.exists()
    assert [r.extra for r in company.representatives.all()] == [{"kept": 1}, {"kept": 1}]
    entry = JournalEntry.objects.get(action="events.regform_field_deleted")
    assert entry.details["answers_erased"] == 2


def _event_manager(event, client):
    from tests.conftest import add_totp, make_user

    role = Role.objects.create(
        code="event_manager",
        name="Event manager",
        permissions=["core.access_backoffice", "events.view_registrations", "events.manage_event"],
    )
    user = make_user("manager@example.org")
    RoleAssignment.objects.create(user=user, role=role, scope_type="event", scope_id=event.pk)
    add_totp(user)
    clear_cache(user)
    client.force_login(user)
    return user


def test_secondary_admin_only_edits_the_form_of_their_event(client, event):
    other = make_event("autre")
    theirs = add_field(event, "a", "text")
    foreign = add_field(other, "b", "text")
    make_company(other, "Secret SA")
    _event_manager(event, client)
    ok = [
        reverse("events:bo_regform", kwargs={"pk": event.pk}),
        reverse("events:bo_regform_field", kwargs={"pk": event.pk, "field_pk": theirs.pk}),
    ]
    for url in ok:
        assert client.get(url).status_code == 200
    denied = [
        reverse("events:bo_regform", kwargs={"pk": other.pk}),
        reverse("events:bo_regform_field", kwargs={"pk": other.pk, "field_pk": foreign.pk}),
        reverse("events:bo_regform_field_delete", kwargs={"pk": other.pk, "field_pk": foreign.pk}),
        reverse(
            "events:bo_registration",
            kwargs={"pk": other.pk, "company_pk": Company.objects.get(name="Secret SA").pk},
        ),
    ]
    for url in denied:
        assert client.get(url).status_code == 403
        assert client.post(url, {}).status_code == 403
    # Another event's field through one's own event: not found.
    url = reverse("events:bo_regform_field_delete", kwargs={"pk": event.pk, "field_pk": foreign.pk})
    assert client.post(url).status_code == 404
    assert ExtraField.objects.filter(pk=foreign.pk).exists()


def test_backoffice_registration_detail_shows_the_answers(client_for, event, sectors):
    add_field(event, "exporter", "boolean")
    add_field(event, "diet", "choice", target="representative", choices="Aucun\nVégétarien")
    company = make_company(event, "Alpha")
    Company.objects.filter(pk=company.pk).update(extra={"exporter": True})
    Representative.objects.filter(company=company).update(extra={"diet": "Végétarien"})
    url = reverse("events:bo_registration", kwargs={"pk": event.pk, "company_pk": company.pk})
    html = client_for("principal").get(url).content.decode()
    # The page is in French (the default language of the site).
    assert "<dt>Exporter</dt><dd>Oui</dd>" in html and "Végétarien" in html
    assert JournalEntry.objects.filter(action="events.registration_viewed").exists()
    listing = client_for("principal").get(
        reverse("events:bo_registrations", kwargs={"pk": event.pk})
    )
    assert url in listing.content.decode()


# --- Participant area -----------------------------------------------------------------------


def _login_as(client, rep):
    from tests.conftest import make_user

    user = rep.user or make_user(rep.email)
    client.force_login(user)


def test_participant_edits_answers_in_their_area(client, event, sectors):
    add_field(event, "organic", "boolean", required=True, sectors=[sectors["agri"]])
    add_field(event, "diet", "text", target="representative")
    company = make_company(event, "Alpha", reps=2, sector=sectors["industry"])
    me, colleague = company.representatives.order_by("email")
    _login_as(client, me)
    url = reverse("events:area_company", kwargs={"slug": event.slug})
    html = client.get(url).content.decode()
    assert 'name="company-x_organic"' not in html  # not for their sector
    data = {
        "company-name": "Alpha",
        "company-country": "FR",
        "company-siret": "73282932000074",
        "company-sector": str(sectors["agri"].pk),
    }
    r = client.post(url, data)
    assert r.status_code == 200 and "x_organic" in r.context["form"].errors
    assert client.post(url, {**data, "company-x_organic": "yes"}).status_code == 302
    company.refresh_from_db()
    assert company.sector == sectors["agri"] and company.extra == {"organic": True}

    url = reverse("events:area_representative", kwargs={"slug": event.slug, "rep_pk": colleague.pk})
    r = client.post(
        url,
        {
            "rep-first_name": "Zoé",
            "rep-last_name": "Alpha",
            "rep-email": "hijack@evil.example",
            "rep-x_diet": "Sans gluten",
        },
    )
    assert r.status_code == 302, r.context["form"].errors
    colleague.refresh_from_db()
    assert colleague.first_name == "Zoé" and colleague.extra == {"diet": "Sans gluten"}
    assert colleague.email == "p1@alpha.example"  # the login is not editable here


def test_participant_cannot_see_or_edit_another_company_representative(client, event):
    add_field(event, "diet", "text", target="representative")
    mine = make_company(event, "Alpha")
    theirs = make_company(event, "Beta")
    victim = theirs.representatives.get()
    Representative.objects.filter(pk=victim.pk).update(extra={"diet": "Privé"})
    _login_as(client, mine.representatives.get())
    url = reverse("events:area_representative", kwargs={"slug": event.slug, "rep_pk": victim.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"rep-first_name": "X", "rep-last_name": "Y"}).status_code == 404
    victim.refresh_from_db()
    assert victim.first_name == "P0" and victim.extra == {"diet": "Privé"}
    with pytest.raises(ServiceError):
        registration.update_representative(victim, by=mine.representatives.get())


# --- Export and catalogue -------------------------------------------------------------------


def test_participants_export_has_the_extra_columns(users, event):
    add_field(event, "founded", "date")
    add_field(event, "markets", "multiple", choices="Europe | Europe\nAsie | Asia")
    add_field(event, "diet", "text", target="representative")
    other = make_event("autre")
    add_field(other, "secret_question", "text")
    company = make_company(event, "Alpha")
    Company.objects.filter(pk=company.pk).update(
        extra={"founded": "1890-04-02", "markets": ["Europe", "Asie"]}
    )
    Representative.objects.filter(company=company).update(extra={"diet": "Végétarien"})
    exporter = get_exporter("events.participants")
    qs = exporter.queryset(users["principal"], {"event": str(event.pk)})
    keys = exporter.keys()
    assert {"x.company.founded", "x.company.markets", "x.representative.diet"} <= set(keys)
    assert "x.company.secret_question" not in keys
    assert "Founded (company)" in exporter.headers()
    (row,) = [dict(zip(keys, exporter.values(r), strict=True)) for r in qs]
    assert row["x.company.founded"] == "04/02/1890"
    assert row["x.company.markets"] == "Europe, Asia"
    assert row["x.representative.diet"] == "Végétarien"


def test_export_download_contains_the_answers(client_for, event):
    add_field(event, "turnover", "number")
    company = make_company(event, "Alpha")
    Company.objects.filter(pk=company.pk).update(extra={"turnover": 1250000})
    r = client_for("principal").get(
        reverse("exports:export"),
        {"exporter": "events.participants", "format": "csv", "event": event.pk},
    )
    content = b"".join(r.streaming_content).decode("utf-8-sig")
    header, line = content.splitlines()[:2]
    assert "Turnover (entreprise)" in header  # French by default
    assert "1250000" in line.replace(",", "").replace(" ", "").replace("\u202f", "")


def test_public_extra_fields_in_the_catalogue(client, event):
    public = add_field(event, "founded", "date", public=True)
    add_field(event, "turnover", "number")
    company = make_company(event, "Alpha")
    Company.objects.filter(pk=company.pk).update(
        extra={"founded": "1890-04-02", "turnover": 999777}
    )
    detail = reverse("events:company_detail", kwargs={"slug": event.slug, "pk": company.pk})
    html = client.get(detail).content.decode()
    assert "<dt>Founded</dt><dd>02/04/1890</dd>" in html  # French date format
    assert "999777" not in html and "999,777" not in html  # not published
    listing = client.get(reverse("events:catalogue", kwargs={"slug": event.slug})).content.decode()
    assert "Founded : 02/04/1890" in listing
    # The event form lists the extra field among the public fields and keeps it when saved.
    from civitas.events.backoffice.forms import EventForm

    form = EventForm(instance=Event.objects.get(pk=event.pk))
    assert public.public_code in dict(form.fields["public_fields"].choices)
    assert public.public_code in form.initial["public_fields"]


def test_dates_and_numbers_round_trip(event):
    add_field(event, "founded", "date")
    add_field(event, "turnover", "number")
    assert regform.validate_values(event, "company", {"founded": "2001-02-03", "turnover": 7}) == {
        "founded": "2001-02-03",
        "turnover": 7,
    }
    assert regform.to_json(None, dt.date(2001, 2, 3)) == "2001-02-03"


def test_api_publishes_only_the_public_answers(client, users, event):
    add_field(event, "founded", "date", public=True)
    add_field(event, "turnover", "number")
    add_field(event, "diet", "text", target="representative")
    company = make_company(event, "Alpha")
    Company.objects.filter(pk=company.pk).update(extra={"founded": "1890-04-02", "turnover": 5})
    Representative.objects.filter(company=company).update(extra={"diet": "Aucun"})
    r = client.get(reverse("events:api_catalogue", kwargs={"slug": event.slug}))
    (item,) = r.json()["results"]
    assert item["extra_fields"] == {"founded": "1890-04-02"}
    # The CRM endpoints (organisers) get every answer.
    client.force_login(users["principal"])
    r = client.get(reverse("events:api_companies", kwargs={"slug": event.slug}))
    assert r.json()["results"][0]["extra"] == {"founded": "1890-04-02", "turnover": 5}
    r = client.get(reverse("events:api_contacts", kwargs={"slug": event.slug}))
    assert r.json()["results"][0]["extra"] == {"diet": "Aucun"}


def test_event_form_keeps_and_removes_the_public_extra_field(client_for, event):
    from civitas.events.backoffice.forms import EventForm

    public = add_field(event, "founded", "date", public=True)
    event = Event.objects.get(pk=event.pk)
    form = EventForm(instance=event)
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value in (None, "") or name in ("banner", "logo"):
            continue
        if isinstance(value, list | tuple):
            data[name] = list(value)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = (
                field.widget.format_value(value) if hasattr(field.widget, "format_value") else value
            )
    url = reverse("events:bo_event_edit", kwargs={"pk": event.pk})
    c = client_for("principal")
    r = c.post(url, data)
    assert r.status_code == 302, r.context["form"].errors
    assert public.public_code in Event.objects.get(pk=event.pk).public_fields
    data["public_fields"] = [p for p in data["public_fields"] if p != public.public_code]
    assert c.post(url, data).status_code == 302
    assert public.public_code not in Event.objects.get(pk=event.pk).public_fields


# --- Sessions and offers in the registration form ------------------------------------------------


def test_registration_form_names_sessions_by_day_and_hours(client):
    event = make_event("inscription")
    html = client.get(reverse("events:register", kwargs={"slug": event.slug})).content.decode()
    assert "10/03/2027 · Matin (09:00–10:00)" in html
    assert "2027-03-10 Matin" not in html


def test_offer_form_shows_key_figures_only_when_the_event_has_some(client):
    event = make_event("chiffres")
    url = reverse("events:register", kwargs={"slug": event.slug})
    assert 'name="offer-0-key_figures"' not in client.get(url).content.decode()
    KeyFigure.objects.create(event=event, label_fr="CA > 10 M€")
    assert 'name="offer-0-key_figures"' in client.get(url).content.decode()


def test_offer_edit_without_key_figures_keeps_working(client):
    event = make_event("offres")
    company = make_company(event, "Alpha", offers=[("offer", "Robots", ["robotique"])])
    offer = company.offers.get()
    client.force_login(company.representatives.get().user)
    url = reverse("events:area_offer", kwargs={"slug": event.slug, "pk": offer.pk})
    r = client.post(url, {"kind": "offer", "title": "Robots soudeurs", "description": "x"})
    assert r.status_code == 302
    assert Offer.objects.get(pk=offer.pk).title == "Robots soudeurs"


def test_participants_export_has_job_city_sessions_and_offers(users):
    from civitas.events.models import Session, Slot  # noqa: F401

    event = make_event("export-complet")
    company = make_company(event, "Alpha", offers=[("offer", "Usinage de précision", ["Métal"])])
    Company.objects.filter(pk=company.pk).update(city="Lyon")
    rep = company.representatives.get()
    Representative.objects.filter(pk=rep.pk).update(job_title="Directrice export")
    exporter = get_exporter("events.participants")
    qs = exporter.queryset(users["principal"], {"event": str(event.pk)})
    keys = exporter.keys()
    (row,) = [dict(zip(keys, exporter.values(r), strict=True)) for r in qs]
    assert row["city"] == "Lyon" and row["job_title"] == "Directrice export"
    assert len(row["sessions"]) == 1 and "Matin" in row["sessions"][0]
    assert row["offers"] == ["Offer : Usinage de précision"] or "Usinage de précision" in str(
        row["offers"]
    )
    rep.absent_sessions.set(Session.objects.filter(day__event=event))
    (row,) = [
        dict(zip(keys, exporter.values(r), strict=True))
        for r in exporter.queryset(users["principal"], {"event": str(event.pk)})
    ]
    assert row["sessions"] == []
