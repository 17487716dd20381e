"""Keyword and cooperation-type lists: rename, merge, retire (services/lists.py)."""

import pytest
from django.urls import reverse

from tests.events.conftest import make_company

pytestmark = pytest.mark.django_db


def test_merge_moves_offers_and_refreshes_the_search_text(event):
    from civitas.events.models import Company, Keyword
    from civitas.events.services import ServiceError, catalogue, lists

    a = make_company(event, "Alpha", offers=[("offer", "Pièces", ["usinage"])])
    b = make_company(event, "Beta", offers=[("offer", "Tôles", ["usinage", "tôlerie"])])
    make_company(event, "Gamma", offers=[("request", "Achat", ["machining"])])
    usinage = Keyword.objects.get(event=event, label_fr="usinage")
    machining = Keyword.objects.get(event=event, label_fr="machining")
    with pytest.raises(ServiceError):
        lists.merge(machining, machining)
    assert lists.usage(event, "keyword")[usinage.pk] == 2
    lists.merge(machining, usinage)
    assert not Keyword.objects.filter(pk=machining.pk).exists()
    assert lists.usage(event, "keyword")[usinage.pk] == 3
    gamma = Company.objects.get(event=event, name="Gamma")
    assert "usinage" in gamma.search_text and "machining" not in gamma.search_text
    # Beta had it already: it keeps one "usinage", not two.
    offer = b.offers.get()
    assert sorted(k.label_fr for k in offer.keywords.all()) == ["tôlerie", "usinage"]
    lists.rename(usinage, "Usinage de précision", "Precision machining")
    a.refresh_from_db()
    assert "precision machining" in a.search_text
    found = {c.name for c in catalogue.public_companies(event, "precision")}
    assert found == {"Alpha", "Beta", "Gamma"}


def test_rename_refuses_an_empty_or_taken_label(event):
    from civitas.events.models import Keyword
    from civitas.events.services import ServiceError, lists

    k1 = Keyword.objects.create(event=event, label_fr="Export")
    Keyword.objects.create(event=event, label_fr="Import")
    with pytest.raises(ServiceError, match="required"):
        lists.rename(k1, "  ")
    with pytest.raises(ServiceError, match="already exists"):
        lists.rename(k1, "import")
    k1.refresh_from_db()
    assert k1.label_fr == "Export"


def test_retired_entries_are_not_offered_but_stay_on_offers(event):
    from civitas.events.frontoffice.forms import OfferForm
    from civitas.events.models import CooperationType, Keyword
    from civitas.events.services import lists

    company = make_company(event, "Alpha", offers=[("offer", "Pièces", ["usinage"])])
    Keyword.objects.create(event=event, label_fr="export")
    coop = CooperationType.objects.create(event=event, label_fr="Sous-traitance")
    offer = company.offers.get()
    offer.cooperation_type = coop
    offer.save()
    usinage = Keyword.objects.get(event=event, label_fr="usinage")
    lists.retire(usinage)
    lists.retire(coop)
    new = OfferForm(event=event)
    offered = {k.label_fr for k in new.fields["keywords"].queryset}
    assert "export" in offered and "usinage" not in offered
    assert coop not in new.fields["cooperation_type"].queryset
    edit = OfferForm(instance=offer, event=event)
    assert {"export", "usinage"} <= {k.label_fr for k in edit.fields["keywords"].queryset}
    assert coop in edit.fields["cooperation_type"].queryset
    lists.retire(usinage, False)
    assert "usinage" in [k.label_fr for k in OfferForm(event=event).fields["keywords"].queryset]


def test_screen_renames_merges_retires_and_keeps_refused_input(client_for, event):
    from civitas.events.models import CooperationType

    a = CooperationType.objects.create(event=event, label_fr="Licence")
    b = CooperationType.objects.create(event=event, label_fr="Joint-venture")
    c = client_for("principal", lang="en")
    url = reverse("events:bo_list", kwargs={"pk": event.pk, "kind": "cooperation_type"})
    page = c.get(url).content.decode()
    assert "Licence" in page and "Joint-venture" in page
    r = c.post(url, {"entry": a.pk, "action": "rename", "label_fr": "joint-venture"})
    assert r.status_code == 200 and "already exists" in r.content.decode()
    assert 'value="joint-venture"' in r.content.decode()
    r = c.post(url, {"entry": a.pk, "action": "rename", "label_fr": "Licences", "label_en": "L"})
    assert r.status_code == 302
    a.refresh_from_db()
    assert (a.label_fr, a.label_en) == ("Licences", "L")
    assert c.post(url, {"entry": a.pk, "action": "retire"}).status_code == 302
    a.refresh_from_db()
    assert a.retired
    r = c.post(url, {"entry": a.pk, "action": "merge", "target": "nope"}, follow=True)
    assert "Choose the entry to merge into." in r.content.decode()
    assert c.post(url, {"entry": a.pk, "action": "merge", "target": b.pk}).status_code == 302
    assert not CooperationType.objects.filter(pk=a.pk).exists()
    assert CooperationType.objects.filter(pk=b.pk).exists()
    assert c.get(url.replace("cooperation_type", "sector")).status_code == 404
    r = c.post(url, {"entry": "99999999999999999999", "action": "retire"}, follow=True)
    assert "no longer exists" in r.content.decode()
