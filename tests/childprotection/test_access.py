"""Need to know: scope by territory and assigned service, break-glass, journal of reads."""

import datetime as dt

from django.urls import reverse

from civitas.childprotection.models import Assignment, BreakGlass
from civitas.childprotection.services import access
from civitas.core.models import JournalEntry


def detail(file):
    return reverse("childprotection:file_detail", kwargs={"pk": file.pk})


def test_agent_sees_own_territory_only_in_lists(cp, cp_client):
    body = cp_client("north").get(reverse("childprotection:file_list")).content.decode()
    assert cp["north_file"].number in body
    assert cp["south_file"].number not in body
    body = cp_client("crip").get(reverse("childprotection:file_list")).content.decode()
    assert cp["north_file"].number in body and cp["south_file"].number in body


def test_cross_territory_by_id_goes_to_break_glass_never_content(cp, cp_client):
    client = cp_client("north")
    for name in ("file_detail", "file_edit", "file_delete"):
        r = client.get(reverse(f"childprotection:{name}", kwargs={"pk": cp["south_file"].pk}))
        assert r.status_code == 302, name
        assert r["Location"].endswith(
            reverse("childprotection:break_glass", kwargs={"pk": cp["south_file"].pk})
        )
    r = client.get(
        reverse("childprotection:child_edit", kwargs={"pk": cp["south_file"].pk, "child_pk": 1})
    )
    assert r.status_code == 302
    assert not JournalEntry.objects.filter(
        action="childprotection.file_read", object_id=str(cp["south_file"].pk)
    ).exists()


def test_dpo_reads_no_file_content(cp, cp_client):
    client = cp_client("dpo")
    assert client.get(detail(cp["north_file"])).status_code == 403
    assert client.get(reverse("childprotection:file_list")).status_code == 403
    assert client.get(reverse("childprotection:consultations")).status_code == 200


def test_assigned_service_opens_the_file_to_its_agents(cp, cp_client):
    client = cp_client("north")
    assert client.get(detail(cp["south_file"])).status_code == 302
    Assignment.objects.create(
        file=cp["south_file"],
        service=cp["svc_north"],
        task="Évaluer",
        assigned_on=dt.date(2026, 3, 3),
    )
    r = client.get(detail(cp["south_file"]))
    assert r.status_code == 200
    assert "Sud secret" in r.content.decode()
    body = client.get(reverse("childprotection:file_list")).content.decode()
    assert cp["south_file"].number in body
    # the agent of the south still sees it too, and no one else's
    assert set(access.visible_files(cp["users"]["south"])) == {cp["south_file"]}


def test_every_read_is_journaled_and_visible_to_the_dpo(cp, cp_client):
    cp_client("north").get(detail(cp["north_file"]))
    entry = JournalEntry.objects.filter(action="childprotection.file_read").latest("pk")
    assert entry.object_id == str(cp["north_file"].pk)
    assert entry.actor_repr == "agent.nord@example.org"
    assert entry.ip == "127.0.0.1"
    page = cp_client("dpo").get(reverse("childprotection:consultations"))
    body = page.content.decode()
    assert "agent.nord@example.org" in body and cp["north_file"].number in body
    assert "Nord secret" not in body
    csv = cp_client("dpo").get(reverse("childprotection:consultations") + "?format=csv")
    assert "agent.nord@example.org" in csv.content.decode()
    # the agent cannot read the journal
    assert cp_client("north").get(reverse("childprotection:consultations")).status_code == 403


def test_break_glass_needs_a_reason_journals_and_alerts_the_crip(cp, cp_client):
    client = cp_client("north")
    url = reverse("childprotection:break_glass", kwargs={"pk": cp["south_file"].pk})
    r = client.post(url, {"reason": "short"})
    assert r.status_code == 200 and not BreakGlass.objects.exists()
    reason = "Child placed in an emergency shelter of our territory tonight"
    r = client.post(url, {"reason": reason})
    assert r.status_code == 302
    access_row = BreakGlass.objects.get()
    assert access_row.reason == reason
    r = client.get(detail(cp["south_file"]))
    assert r.status_code == 200 and "Sud secret" in r.content.decode()
    entry = JournalEntry.objects.filter(action="childprotection.break_glass").get()
    assert entry.details["reason"] == reason
    read = JournalEntry.objects.filter(action="childprotection.file_read").latest("pk")
    assert read.details["break_glass"] is True
    from civitas.core.outbox.models import Message

    alerts = Message.objects.filter(template_code="childprotection.break_glass")
    # the CRIP managers (the principal administrator holds every permission)
    assert sorted(m.to for m in alerts) == ["crip@example.org", "principal@example.org"]
    assert "Sud" not in alerts[0].body_text and cp["south_file"].number not in alerts[0].body_text


def test_dpo_and_secondary_cannot_break_glass(cp, cp_client):
    url = reverse("childprotection:break_glass", kwargs={"pk": cp["south_file"].pk})
    assert cp_client("dpo").post(url, {"reason": "x" * 40}).status_code == 403
    assert not BreakGlass.objects.exists()


def test_deleted_file_is_hidden_and_kept(cp, cp_client):
    client = cp_client("crip")
    url = reverse("childprotection:file_delete", kwargs={"pk": cp["north_file"].pk})
    r = client.post(url, {"reason": "x"})
    assert r.status_code == 200  # too short: the form says why
    r = client.post(url, {"reason": "Doublon du dossier IP-2026-000002"})
    assert r.status_code == 302
    cp["north_file"].refresh_from_db()
    assert cp["north_file"].deleted_at and cp["north_file"].deleted_reason
    assert client.get(detail(cp["north_file"])).status_code == 404
    body = client.get(reverse("childprotection:file_list")).content.decode()
    assert cp["north_file"].number not in body
