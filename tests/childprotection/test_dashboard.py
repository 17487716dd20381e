"""Dashboards: figures by territory, danger, age; charts with their data as tables."""

import datetime as dt

from django.urls import reverse

from civitas.childprotection.models import Child, DangerType
from civitas.childprotection.services import statistics


def test_dashboard_figures_and_page(cp, cp_client):
    child = Child.objects.create(
        file=cp["north_file"], last_name="A", first_name="B", birth_date=dt.date(2025, 1, 1)
    )
    child.danger_types.add(DangerType.objects.get(code="NEGL"))
    Child.objects.create(
        file=cp["south_file"], last_name="C", first_name="D", birth_date=dt.date(2012, 1, 1)
    )
    blocks = {b["code"]: dict(b["rows"]) for b in statistics.dashboard(cp["users"]["crip"], 2026)}
    assert blocks["territory"] == {"Territoire Nord": 1, "Territoire Sud": 1}
    assert blocks["month"]["03"] == 2
    assert blocks["age"]["0-2"] == 1 and blocks["age"]["11-14"] == 1
    assert blocks["danger"]["Négligences lourdes"] == 1
    r = cp_client("crip").get(reverse("childprotection:dashboard") + "?year=2026")
    body = r.content.decode()
    assert r.status_code == 200
    assert 'id="data-territory"' in body and "<caption>Reports per territory</caption>" in body
    assert "Territoire Sud" in body
    assert cp_client("north").get(reverse("childprotection:dashboard")).status_code == 403
    assert (
        cp_client("crip").get(reverse("childprotection:dashboard") + "?year=abc").status_code == 200
    )
