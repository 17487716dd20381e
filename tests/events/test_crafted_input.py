"""Crafted input answers 400 or a form error, never a server error (issue 31, item 5):
huge integers in query parameters, form fields and ids, a very long catalogue search, a
VAT number with characters outside ASCII."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from civitas.core.params import DB_INT_MAX, IdChoicesField, int_param
from civitas.events.forms import CompanyForm, RepresentativeForm
from civitas.events.frontoffice.forms import OfferForm
from civitas.events.models import Company, Keyword, Session
from civitas.events.services import catalogue
from tests.conftest import add_totp, make_user
from tests.events.conftest import make_company

pytestmark = pytest.mark.django_db

HUGE = str(10**30)  # overflows SQLite INTEGER and PostgreSQL bigint
JUST_OVER = str(DB_INT_MAX + 1)
LONG_SEARCH = " ".join(["acme"] + [f"mot{i}" for i in range(1900)])


@pytest.fixture
def catalogue_event(event):
    sector = event.sectors.order_by("pk").first()
    make_company(event, "Acme Robotique", sector=sector)
    make_company(event, "Beta Logistique")
    return event, sector


def test_int_param_keeps_to_the_database_range():
    assert int_param("42") == 42 and int_param(" 7 ") == 7 and int_param(42) == 42
    assert int_param(str(DB_INT_MAX)) == DB_INT_MAX
    for bad in (HUGE, JUST_OVER, "0", "-3", "²", "٤٢", "4 2", "abc", "", None, True, "1e3"):
        assert int_param(bad) is None, bad


@pytest.mark.parametrize("sector", [HUGE, JUST_OVER, "²", "-1", "abc"])
def test_catalogue_bad_sector_is_a_form_error(catalogue_event, client, sector):
    event, _ = catalogue_event
    r = client.get(reverse("events:catalogue", kwargs={"slug": event.slug}), {"sector": sector})
    assert r.status_code == 400
    assert b'id="sector_error"' in r.content
    # The page still lists the catalogue (no sector filter applied).
    assert b"Acme Robotique" in r.content and b"Beta Logistique" in r.content
    api = APIClient().get(
        reverse("events:api_catalogue", kwargs={"slug": event.slug}), {"sector": sector}
    )
    assert api.status_code == 400 and "sector" in api.json()


def test_catalogue_good_sector_still_filters(catalogue_event, client):
    event, sector = catalogue_event
    r = client.get(reverse("events:catalogue", kwargs={"slug": event.slug}), {"sector": sector.pk})
    assert r.status_code == 200
    assert b"Acme Robotique" in r.content and b"Beta Logistique" not in r.content
    api = APIClient().get(
        reverse("events:api_catalogue", kwargs={"slug": event.slug}), {"sector": sector.pk}
    )
    assert [c["name"] for c in api.json()["results"]] == ["Acme Robotique"]


def test_catalogue_search_uses_the_first_words_and_says_so(catalogue_event, client):
    from django.conf import settings

    event, _ = catalogue_event
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    r = client.get(reverse("events:catalogue", kwargs={"slug": event.slug}), {"q": LONG_SEARCH})
    assert r.status_code == 200
    assert "Only the first 20 words of your search were used." in r.content.decode()
    api = APIClient().get(
        reverse("events:api_catalogue", kwargs={"slug": event.slug}), {"q": LONG_SEARCH}
    )
    assert api.status_code == 200
    # The first word alone matches Acme; the 19 words after it match nothing.
    assert catalogue.words(LONG_SEARCH) == ["acme"] + [f"mot{i}" for i in range(19)]
    assert list(catalogue.public_companies(event, "acme robotique")) == list(
        Company.objects.filter(name="Acme Robotique")
    )
    short = client.get(reverse("events:catalogue", kwargs={"slug": event.slug}), {"q": "acme"})
    assert b"Only the first" not in short.content and b"Acme Robotique" in short.content


def test_catalogue_search_with_a_nul_character_is_a_form_error(catalogue_event, client):
    event, _ = catalogue_event
    r = client.get(reverse("events:catalogue", kwargs={"slug": event.slug}), {"q": "ac\x00me"})
    assert r.status_code == 400 and b'id="q_error"' in r.content


@pytest.mark.parametrize("value", [HUGE, JUST_OVER, "²"])
def test_session_and_keyword_choices_out_of_range_are_form_errors(event, value):
    rep = RepresentativeForm(
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@example.org",
            "phone": "+33612345678",
            "sessions_attended": [value],
        },
        event=event,
    )
    assert not rep.is_valid() and "sessions_attended" in rep.errors
    offer = OfferForm({"kind": "offer", "title": "Robots", "keywords": [value]}, event=event)
    assert not offer.is_valid() and "keywords" in offer.errors
    # A real session and keyword are still accepted.
    session = Session.objects.filter(day__event=event).first()
    keyword = Keyword.objects.create(event=event, label_fr="Robotique")
    ok = OfferForm({"kind": "offer", "title": "Robots", "keywords": [keyword.pk]}, event=event)
    assert ok.is_valid(), ok.errors
    rep = RepresentativeForm(
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@example.org",
            "phone": "+33612345678",
            "absent_sessions": [session.pk],
        },
        event=event,
    )
    assert rep.is_valid(), rep.errors


def test_id_choices_field_refuses_huge_values(event):
    field = IdChoicesField(queryset=Session.objects.all(), required=False)
    with pytest.raises(Exception) as exc:
        field.clean([HUGE])
    assert exc.value.code == "invalid_pk_value"


@pytest.mark.parametrize(
    ("vat", "country"),
    [("FR😀40303265045", "FR"), ("F😀", "DE"), ("😀DE123456789", "DE"), ("DE𝟏𝟐𝟑456789", "DE")],
)
def test_vat_number_with_astral_characters_is_a_form_error(event, vat, country):
    form = CompanyForm(
        {
            "name": "Müller GmbH",
            "country": country,
            "siret": "73282932000074" if country == "FR" else "",
            "vat_number": vat,
            "email": "info@mueller.example",
        },
        event=event,
    )
    assert not form.is_valid()
    assert "vat_number" in form.errors


def test_api_writes_with_huge_ids_answer_400(event, client):
    from civitas.core import tokens
    from civitas.core.models import Role, RoleAssignment
    from civitas.core.permissions import clear_cache

    company = make_company(event, "Acme Robotique")
    role = Role.objects.create(
        code="event_crm_w",
        name="CRM writer",
        permissions=["core.access_backoffice", "events.view_registrations", "events.api_write"],
    )
    user = make_user("crm-w@example.org")
    RoleAssignment.objects.create(user=user, role=role, scope_type="event", scope_id=event.pk)
    clear_cache(user)
    add_totp(user)  # a back-office role: the API asks for the second factor (issue 31)
    _token, key = tokens.issue(user, "crm", mfa_verified=True)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    contacts = reverse("events:api_contacts", kwargs={"slug": event.slug})
    for sessions in ([int(HUGE)], [HUGE], ["²"]):
        r = api.post(
            contacts,
            {
                "company": company.pk,
                "first_name": "Ada",
                "last_name": "Lovelace",
                "email": "ada@example.org",
                "absent_sessions": sessions,
            },
            format="json",
        )
        assert r.status_code == 400 and "absent_sessions" in r.json(), r.content
    detail = reverse("events:api_company", kwargs={"slug": event.slug, "pk": company.pk})
    for sector in (int(HUGE), HUGE, "²"):
        r = api.patch(detail, {"sector": sector}, format="json")
        assert r.status_code == 400 and "sector" in r.json(), r.content
    # Ids in the path beyond the database's range do not match the route.
    huge_path = detail.replace(f"/{company.pk}/", f"/{HUGE}/")
    assert api.get(huge_path).status_code == 404


def test_export_event_filter_out_of_range_answers_400(client_for, event):
    client = client_for("principal")
    url = reverse("exports:export")
    for value in (HUGE, JUST_OVER, "²"):
        r = client.get(url, {"exporter": "events.participants", "format": "csv", "event": value})
        assert r.status_code == 400, value
        assert "event" in r.content.decode()
    r = client.get(url, {"exporter": "events.participants", "format": "csv", "event": event.pk})
    assert r.status_code == 200


def test_back_office_ids_out_of_range(client_for, event):
    client = client_for("principal")
    assert client.get(f"/backoffice/evenements/{HUGE}/").status_code == 404
    r = client.post(
        reverse("events:bo_to_validate", kwargs={"pk": event.pk}), {"company": [HUGE, "²"]}
    )
    assert r.status_code == 302
    assert client.get(reverse("outbox:messages"), {"mailing": HUGE}).status_code == 200


def test_registration_add_row_with_a_bad_form_count(event, client):
    r = client.post(
        reverse("events:register", kwargs={"slug": event.slug}),
        {"add_rep": "1", "rep-TOTAL_FORMS": "²", "offer-TOTAL_FORMS": "abc"},
    )
    assert r.status_code == 200
