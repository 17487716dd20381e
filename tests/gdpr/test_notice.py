import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from civitas.core.gdpr.models import PrivacyNotice
from civitas.core.models import Organisation

pytestmark = pytest.mark.django_db

TEMPLATE = Template('{% load gdpr %}{% privacy_notice "events.registration" %}')


def render(lang):
    with translation.override(lang):
        return TEMPLATE.render(Context({}))


def test_default_notice_from_seed_in_french_and_english(org):
    Organisation.objects.filter(pk=1).update(name="CCI Exemple")
    fr = render("fr")
    en = render("en")
    assert "CCI Exemple collecte ces informations" in fr
    assert "CNIL" in fr
    assert "CCI Exemple collects this information" in en
    assert "[organisation]" not in fr + en


def test_edited_notice_is_sanitised(org):
    notice = PrivacyNotice.objects.get(form_code="events.registration")
    notice.text_fr = (
        '<p onclick="x()">Vos données <a href="javascript:alert(1)">ici</a> '
        '<a href="mailto:dpo@example.org">DPO</a></p><script>alert(1)</script>'
    )
    notice.text_en = ""
    notice.save()
    fr = render("fr")
    assert "<script" not in fr and "onclick" not in fr and "javascript:" not in fr
    assert 'href="mailto:dpo@example.org"' in fr
    assert render("en") == fr  # no English text: French shown


def test_unknown_form_falls_back_to_default(org):
    html = Template('{% load gdpr %}{% privacy_notice "nothing.here" %}').render(Context({}))
    assert "Règlement (UE) 2016/679" in html


def test_plain_text_notice_becomes_paragraphs(org):
    PrivacyNotice.objects.create(
        form_code="support.ticket", label="Ticket", text_fr="Premier & un.\n\nSecond."
    )
    html = Template('{% load gdpr %}{% privacy_notice "support.ticket" %}').render(Context({}))
    assert "<p>Premier &amp; un.</p><p>Second.</p>" in html


@override_settings(LANGUAGE_CODE="fr")
def test_notice_editing_in_backoffice(client_for):
    notice = PrivacyNotice.objects.get(form_code="default")
    url = reverse("gdpr:notice_edit", args=[notice.pk])
    response = client_for("principal").post(
        url, {"label": "Défaut", "text_fr": "Nouveau texte", "text_en": "New text"}
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.text_en == "New text"
    assert client_for("secondary").get(url).status_code == 403
    # required French text: error, nothing lost
    response = client_for("principal").post(
        url, {"label": "Défaut", "text_fr": "", "text_en": "Kept text"}
    )
    assert response.status_code == 200 and b"Kept text" in response.content
