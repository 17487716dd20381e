"""The registration form as a newcomer meets it: required fields marked, one error summary
linking to each faulty field, blocks added and removed without JavaScript, countries as
names (ISO codes stored), mobile phones in E.164, the thank-you page, the confirmation mail's
French, and the data migration of existing countries and phones."""

import re
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from civitas.core import phones
from civitas.core.outbox.models import Message
from civitas.events.models import Company, Representative
from civitas.events.services import notify, regform

from .conftest import make_company, make_event
from .test_views import _post_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_pages(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def register_url(event):
    return reverse("events:register", kwargs={"slug": event.slug})


def test_required_fields_are_marked_with_a_legend(client, event):
    html = client.get(register_url(event)).content.decode()
    assert 'id="required-legend"' in html
    # The company name and a representative's e-mail: required, said to browsers and
    # assistive technologies (formset forms included), and marked on the label.
    for name in ("company-name", "rep-0-email", "offer-0-title"):
        tag = re.search(rf'<[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'aria-required="true"' in tag and " required" in tag, tag
    label = re.search(r'<label for="id_company-name">.*?</label>', html).group(0)
    assert "required-mark" in label
    optional = re.search(r'<label for="id_rep-0-job_title">.*?</label>', html).group(0)
    assert "required-mark" not in optional
    tag = re.search(r'<[^>]*name="rep-0-job_title"[^>]*>', html).group(0)
    assert "aria-required" not in tag


def test_one_error_summary_links_each_faulty_field_once(client, event):
    r = client.post(
        register_url(event),
        _post_data(
            **{
                "company-siret": "123",  # invalid
                "rep-0-email": "not-an-address",
                "rep-1-phone": "12",
                "offer-0-title": "",
            }
        ),
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert html.count('class="error-summary"') == 1
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    anchors = re.findall(r'href="#([^"]+)"', summary)
    assert anchors == ["id_company-siret", "id_rep-0-email", "id_rep-1-phone", "id_offer-0-title"]
    for anchor in anchors:  # each link leads to a field of the page
        assert f'id="{anchor}"' in html
    assert "Representative 2: Mobile phone" in summary  # which block, not only the field
    # Everything typed is kept.
    assert 'value="Société Évrard"' in html and 'value="not-an-address"' in html
    assert not Company.objects.exists()


def test_add_and_remove_a_representative_without_javascript(client, event):
    r = client.post(register_url(event), _post_data(add_rep="1"))
    assert r.context["reps"].total_form_count() == 3
    assert not r.context["summary"]  # adding a block shows no error
    html = r.content.decode()
    assert 'name="remove_rep" value="2"' in html
    # Remove the first one: the second moves up, with what was typed.
    r = client.post(register_url(event), _post_data(remove_rep="0"))
    reps = r.context["reps"]
    assert reps.total_form_count() == 1
    assert reps.forms[0]["email"].value() == "paul@evrard.example"
    assert r.context["form"]["name"].value() == "Société Évrard"
    # The last block cannot be removed.
    data = _post_data(remove_offer="0")
    r = client.post(register_url(event), data)
    assert r.context["offers"].total_form_count() == 1
    assert r.context["offers"].forms[0]["title"].value() == "Capteurs connectés"


def test_a_removed_block_is_not_registered(client, event):
    data = {**_post_data(), "rep-TOTAL_FORMS": "1"}
    data = {k: v for k, v in data.items() if not k.startswith("rep-1-")}
    r = client.post(register_url(event), data)
    assert r.status_code == 302
    assert list(Representative.objects.values_list("email", flat=True)) == ["anne@evrard.example"]


def test_the_empty_block_template_is_in_the_page(client, event):
    html = client.get(register_url(event)).content.decode()
    template = re.search(r'<template data-formset-template="rep">(.*?)</template>', html, re.S)
    assert template and 'name="rep-__prefix__-email"' in template.group(1)
    assert "events/regform.js" in html


def test_phones_are_stored_in_e164(client, event):
    r = client.post(
        register_url(event),
        _post_data(**{"rep-0-phone": "06 12 34 56 78", "rep-1-phone": "0049 151 23456789"}),
    )
    assert r.status_code == 302
    assert set(Representative.objects.values_list("phone", flat=True)) == {
        "+33612345678",
        "+4915123456789",
    }


@pytest.mark.parametrize(
    "typed, words",
    [("12", "not a valid phone number"), ("01 23 45 67 89", "not a mobile number")],
)
def test_bad_phones_are_refused_with_a_clear_message(client, event, typed, words):
    r = client.post(register_url(event), _post_data(**{"rep-0-phone": typed}))
    assert r.status_code == 200
    errors = r.context["reps"].forms[0].errors["phone"]
    assert words in errors[0]
    assert f'value="{typed}"' in r.content.decode()


def test_core_phone_helper():
    assert phones.to_e164("+33 6.12.34.56.78") == "+33612345678"
    assert phones.to_e164("") == ""
    for bad in ("abc", "0012", "+33012345678"):
        with pytest.raises(ValueError):
            phones.to_e164(bad)
    assert phones.normalise_or_keep("n/a") == ("n/a", False)


def test_country_is_a_list_of_names_stored_as_code(client, event):
    html = client.get(register_url(event)).content.decode()
    assert '<option value="DE">Germany</option>' in html
    r = client.post(register_url(event), _post_data(**{"company-country": "Atlantis"}))
    assert "country" in r.context["form"].errors
    r = client.post(
        register_url(event),
        _post_data(
            **{
                "company-country": "DE",
                "company-siret": "",
                "company-vat_number": "DE136695976",
            }
        ),
    )
    assert r.status_code == 302
    assert Company.objects.get().country.code == "DE"


def test_catalogue_shows_country_names_and_filters_by_country(client, event):
    make_company(event, "Alpha", country="FR")
    make_company(event, "Beta", country="DE")
    url = reverse("events:catalogue", kwargs={"slug": event.slug})
    r = client.get(url)
    html = r.content.decode()
    assert "Germany" in html and '<option value="DE">Germany</option>' in html
    r = client.get(url, {"country": "DE"})
    assert [c.name for c in r.context["page"]] == ["Beta"]
    r = client.get(url, {"country": "ZZ"})  # not a country: all shown, said
    assert r.status_code == 400 and len(r.context["page"]) == 2


def test_country_codes_and_names_are_recognised():
    assert regform.country_code("Allemagne") == "DE"
    assert regform.country_code("germany") == "DE"
    assert regform.country_code("fr") == "FR"
    assert regform.country_code("UK") == "GB"
    assert regform.country_code("DEU") == "DE"
    assert regform.country_code("Atlantis") is None


def test_data_migration_converts_and_reports(event, capsys):
    migration = import_module("civitas.events.migrations.0025_country_phone")
    a = make_company(event, "Alpha", country="FR")
    b = make_company(event, "Beta", country="FR")
    c = make_company(event, "Gamma", country="FR")
    Company.objects.filter(pk=a.pk).update(country="de")
    Company.objects.filter(pk=b.pk).update(country="UK")
    Company.objects.filter(pk=c.pk).update(country="QQ")
    rep_a, rep_b = a.representatives.first(), b.representatives.first()
    Representative.objects.filter(pk=rep_a.pk).update(phone="06 12 34 56 78")
    Representative.objects.filter(pk=rep_b.pk).update(phone="call the desk")
    migration.convert_countries(django_apps, None)
    migration.normalise_phones(django_apps, None)
    codes = dict(Company.objects.values_list("name", "country"))
    assert codes == {"Alpha": "DE", "Beta": "GB", "Gamma": "QQ"}  # unknown: kept
    assert Representative.objects.get(pk=rep_a.pk).phone == "+33612345678"
    assert Representative.objects.get(pk=rep_b.pk).phone == "call the desk"
    out = capsys.readouterr().out
    assert "“QQ” not recognised" in out and "“call the desk” not recognised" in out


def test_thank_you_page_says_what_happens_next(client, event):
    html = client.get(reverse("events:register_done", kwargs={"slug": event.slug})).content
    html = html.decode()
    assert "password" in html and "validated" in html
    assert reverse("events:area_home", kwargs={"slug": event.slug}) in html


def test_french_elision_and_signature():
    assert notify.de("Atelier export") == "d’Atelier export"
    assert notify.de("Éclat SA") == "d’Éclat SA"
    assert notify.de("Salon") == "de Salon"


def test_confirmation_mail_elides_and_is_signed_by_the_organisers(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    event = make_event("atelier")
    event.name, event.organiser_email = "Atelier export", "export@cci.example"
    event.save()
    r = client.post(register_url(event), _post_data(**{"company-name": "Imprimerie Ober"}))
    assert r.status_code == 302
    msg = Message.objects.get(
        to="anne@evrard.example", template_code="events.registration_received"
    )
    assert msg.language == "fr"
    assert "l’inscription d’Imprimerie Ober à Atelier export" in msg.body_text
    assert "de Imprimerie" not in msg.body_text
    signed = "L’équipe organisatrice d’Atelier export\nexport@cci.example"
    assert msg.body_text.rstrip().endswith(signed)


def test_login_page_points_to_event_registration(client, settings):
    settings.CIVITAS_OPEN_SIGNUP = False
    html = client.get(reverse("account_login")).content.decode()
    assert reverse("events:event_list") in html
    html = client.get(reverse("account_signup")).content.decode()
    assert reverse("events:event_list") in html
    assert "Sign Up Closed" not in html and "Inscriptions fermées" not in html
