"""Evaluation deadlines, one per child, and the reminder mail (a link only)."""

import datetime as dt

import pytest
from django.urls import reverse

from civitas.childprotection.models import (
    Assignment,
    Child,
    ConclusionType,
    DangerType,
    DeadlineAlert,
)
from civitas.childprotection.services import deadlines, files

# the fixture's files are received on Monday 2 March 2026
UNDER_TWO_DUE = dt.date(2026, 4, 16)  # + 45 days
GENERAL_DUE = dt.date(2026, 6, 2)  # + 3 months


def test_three_months_by_default_moved_off_closed_days():
    # 2 March 2026 + 3 months = 2 June 2026, a Tuesday
    assert deadlines.evaluation_due(dt.date(2026, 3, 2)) == dt.date(2026, 6, 2)
    # 30 November + 3 months = 28 February 2027 (a Sunday) -> Monday 1 March
    assert deadlines.evaluation_due(dt.date(2026, 11, 30)) == dt.date(2027, 3, 1)
    # 14 April 2026 + 3 months = 14 July, a public holiday -> 15 July
    assert deadlines.evaluation_due(dt.date(2026, 4, 14)) == dt.date(2026, 7, 15)


def test_shorter_for_under_two_and_danger_and_serious(settings):
    received = dt.date(2026, 3, 2)
    assert deadlines.evaluation_due(received, [dt.date(2025, 1, 1)]) == dt.date(2026, 4, 16)
    assert deadlines.evaluation_due(received, [dt.date(2020, 1, 1)]) == dt.date(2026, 6, 2)
    assert deadlines.evaluation_due(received, danger_days=[30]) == dt.date(2026, 4, 1)
    assert deadlines.evaluation_due(received, serious=True) == dt.date(2026, 3, 3)
    settings.CIVITAS_CHILDPROTECTION_DEADLINES = {"under_two_days": 20}
    assert deadlines.evaluation_due(received, [dt.date(2025, 1, 1)]) == dt.date(2026, 3, 23)


def test_file_without_children_keeps_the_general_rule(cp):
    file = cp["north_file"]
    files.refresh_deadline(file)
    assert file.evaluation_due == GENERAL_DUE


@pytest.fixture
def siblings(cp):
    """A baby of one and a sibling of twelve in the north file, assigned to the north
    service."""
    file = cp["north_file"]
    baby = Child.objects.create(
        file=file, last_name="Lefèvre", first_name="Hugo", birth_date=dt.date(2025, 2, 10)
    )
    elder = Child.objects.create(
        file=file, last_name="Lefèvre", first_name="Zoé", birth_date=dt.date(2013, 9, 1)
    )
    Assignment.objects.create(
        file=file, service=cp["svc_north"], task="Évaluer", assigned_on=dt.date(2026, 3, 3)
    )
    files.refresh_deadline(file)
    return file, baby, elder


def conclude(child, on):
    child.conclusion = ConclusionType.objects.first()
    child.conclusion_on = on
    child.save()
    files.refresh_deadline(child.file)
    child.refresh_from_db()
    child.file.refresh_from_db()


def test_siblings_of_one_and_twelve_get_their_own_deadline(siblings):
    file, baby, elder = siblings
    baby.refresh_from_db()
    elder.refresh_from_db()
    assert baby.evaluation_due == UNDER_TWO_DUE
    assert elder.evaluation_due == GENERAL_DUE
    file.refresh_from_db()
    assert file.evaluation_due == UNDER_TWO_DUE  # the earliest running one


def test_danger_types_count_for_their_child_only_serious_danger_for_all(siblings):
    file, baby, elder = siblings
    elder.danger_types.add(DangerType.objects.get(code="VSEX"))  # 30 days
    files.refresh_deadline(file)
    baby.refresh_from_db()
    elder.refresh_from_db()
    assert elder.evaluation_due == dt.date(2026, 4, 1)
    assert baby.evaluation_due == UNDER_TWO_DUE
    assert file.evaluation_due == dt.date(2026, 4, 1)
    file.serious_danger = True
    file.save()
    files.refresh_deadline(file)
    baby.refresh_from_db()
    elder.refresh_from_db()
    assert baby.evaluation_due == elder.evaluation_due == dt.date(2026, 3, 3)


def test_concluding_the_baby_moves_the_file_deadline_to_the_sibling(siblings, cp_client):
    file, baby, elder = siblings
    # through the screen, as an agent records it
    r = cp_client("north").post(
        reverse("childprotection:child_edit", kwargs={"pk": file.pk, "child_pk": baby.pk}),
        {
            "child-conclusion": ConclusionType.objects.first().pk,
            "child-conclusion_on": "2026-04-10",
            "persons-TOTAL_FORMS": "0",
            "persons-INITIAL_FORMS": "0",
            "persons-MIN_NUM_FORMS": "0",
            "persons-MAX_NUM_FORMS": "1000",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    file.refresh_from_db()
    baby.refresh_from_db()
    assert file.evaluation_due == GENERAL_DUE
    assert baby.evaluation_due == UNDER_TWO_DUE  # kept: it says the deadline was met
    assert deadlines.child_state(baby) == "met"


def test_all_concluded_no_running_deadline_and_off_the_screen(siblings, cp_client):
    file, baby, elder = siblings
    client = cp_client("north")
    url = reverse("childprotection:deadlines")
    conclude(baby, dt.date(2026, 4, 20))  # four days late
    assert deadlines.child_state(baby) == "late"
    assert file.evaluation_due == GENERAL_DUE
    conclude(elder, dt.date(2026, 5, 4))
    assert deadlines.child_state(elder) == "met"
    assert file.evaluation_due is None
    assert not deadlines.running_children().filter(file=file).exists()
    body = client.get(url).content.decode()
    assert file.number not in body
    page = client.get(file.get_absolute_url()).content.decode()
    assert "concluded late, on 20/04/2026" in page
    assert "met on 04/05/2026" in page
    assert "none: every child" in page


def test_file_page_shows_each_child_deadline_and_state(siblings, cp_client, monkeypatch):
    file, baby, elder = siblings
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 4, 20))
    page = cp_client("north").get(file.get_absolute_url()).content.decode()
    assert "16/04/2026 — <strong>lapsed</strong>" in page
    assert "02/06/2026 — running" in page


def test_deadlines_screen_lists_children_in_scope(siblings, cp, cp_client, monkeypatch):
    file, baby, elder = siblings
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 4, 20))
    url = reverse("childprotection:deadlines")
    body = cp_client("north").get(url).content.decode()
    assert "1 child's evaluation overdue" in body
    assert file.number in body and "1 year" in body
    assert "Hugo" not in body and "Lefèvre" not in body  # no names on the list
    # the elder's deadline comes within the warning days later on
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 5, 25))
    body = cp_client("north").get(url).content.decode()
    assert "12 years" in body
    # another territory does not see the file
    assert file.number not in cp_client("south").get(url).content.decode()


def deadline_mails():
    from civitas.core.outbox.models import Message

    return Message.objects.filter(template_code="childprotection.deadlines")


def alert(day):
    """Run the alert job on `day`; the number of mails the north agent got from it."""
    before = deadline_mails().filter(to="agent.nord@example.org").count()
    deadlines.alert_assigned(today=day)
    return deadline_mails().filter(to="agent.nord@example.org").count() - before


def test_alert_once_per_child_and_threshold(siblings):
    file, baby, elder = siblings
    # 5 April: the baby's deadline (16 April) is within the 15 warning days
    assert alert(dt.date(2026, 4, 5)) == 1
    assert list(DeadlineAlert.objects.values_list("child", "threshold")) == [(baby.pk, "soon")]
    # the next days: nothing new, no mail again
    assert alert(dt.date(2026, 4, 6)) == 0
    assert alert(dt.date(2026, 4, 16)) == 0
    # lapsed: the second threshold, once
    assert alert(dt.date(2026, 4, 17)) == 1
    assert alert(dt.date(2026, 4, 18)) == 0
    # the elder's own deadline comes near: an alert for that child only
    assert alert(dt.date(2026, 5, 20)) == 1
    assert deadline_mails().filter(to="agent.nord@example.org").count() == 3
    assert sorted(DeadlineAlert.objects.values_list("child", "threshold")) == sorted(
        [(baby.pk, "soon"), (baby.pk, "overdue"), (elder.pk, "soon")]
    )
    # a concluded child is not alerted any more
    conclude(elder, dt.date(2026, 5, 21))
    assert alert(dt.date(2026, 6, 10)) == 0


def test_a_deadline_moved_by_new_facts_is_alerted_again(siblings):
    file, baby, elder = siblings
    assert alert(dt.date(2026, 3, 20)) == 0  # none within 15 days
    elder.danger_types.add(DangerType.objects.get(code="VSEX"))  # due 1 April now
    files.refresh_deadline(file)
    assert alert(dt.date(2026, 3, 20)) == 1
    assert alert(dt.date(2026, 3, 21)) == 0


def test_reminder_mail_goes_to_assigned_people_with_a_link_only(cp):
    file = cp["south_file"]
    Child.objects.create(
        file=file, last_name="Dupont", first_name="Inès", birth_date=dt.date(2025, 6, 1)
    )
    files.refresh_deadline(file)
    Assignment.objects.create(
        file=file, service=cp["svc_north"], task="Évaluer", assigned_on=dt.date(2026, 3, 3)
    )
    assert deadlines.alert_assigned(today=dt.date(2026, 4, 10)) >= 1
    mails = deadline_mails()
    to = {m.to for m in mails}
    assert "agent.nord@example.org" in to and "agent.sud@example.org" not in to
    for m in mails:
        text = f"{m.subject} {m.body_text} {m.body_html}"
        assert "Dupont" not in text and "Inès" not in text and "DUPONT" not in text
        assert file.number not in text
        assert "01/06/2025" not in text and "2025-06-01" not in text
        assert "/backoffice/protection-enfance/echeances/" in m.body_text


def test_a_file_without_assignment_is_alerted_once_a_service_is_assigned(cp):
    file = cp["north_file"]
    Child.objects.create(file=file, last_name="A", first_name="B", birth_date=dt.date(2025, 6, 1))
    files.refresh_deadline(file)
    assert alert(dt.date(2026, 4, 10)) == 0
    assert not DeadlineAlert.objects.exists()
    Assignment.objects.create(
        file=file, service=cp["svc_north"], task="Évaluer", assigned_on=dt.date(2026, 4, 10)
    )
    assert alert(dt.date(2026, 4, 10)) == 1


def test_one_mail_per_person_and_run_counts_the_children(siblings):
    file, baby, elder = siblings
    file.serious_danger = True  # both children due on 3 March
    file.save()
    files.refresh_deadline(file)
    assert alert(dt.date(2026, 3, 2)) == 1
    mail = deadline_mails().get(to="agent.nord@example.org")
    assert mail.body_text.startswith(("Hello,\n\n2 ", "Bonjour,\n\n2 "))


def test_generated_files_store_the_deadlines_the_rule_gives(cp):
    from civitas.childprotection.models import File
    from civitas.childprotection.services.generate import generate

    generate(30, [cp["north"]], seed=7, start_year=2025)
    generated = File.objects.exclude(pk__in=[cp["north_file"].pk, cp["south_file"].pk])
    stored = {c.pk: c.evaluation_due for c in Child.objects.filter(file__in=generated)}
    stored_files = dict(generated.values_list("pk", "evaluation_due"))
    assert None not in stored.values()
    for file in generated:
        files.refresh_deadline(file)
        assert file.evaluation_due == stored_files[file.pk]
    assert stored == dict(
        Child.objects.filter(file__in=generated).values_list("pk", "evaluation_due")
    )


def test_the_migration_gives_existing_children_their_deadline(siblings):
    import importlib

    from django.apps import apps

    from civitas.childprotection.models import File

    file, baby, elder = siblings
    Child.objects.update(evaluation_due=None)
    File.objects.filter(pk=file.pk).update(evaluation_due=dt.date(2026, 1, 1))
    Child.objects.filter(pk=baby.pk).update(
        conclusion=ConclusionType.objects.first(), conclusion_on=dt.date(2026, 4, 1)
    )
    migration = importlib.import_module("civitas.childprotection.migrations.0009_child_deadline")
    migration.child_deadlines(apps, None)
    assert dict(Child.objects.values_list("pk", "evaluation_due")) == {
        baby.pk: UNDER_TWO_DUE,
        elder.pk: GENERAL_DUE,
    }
    file.refresh_from_db()
    assert file.evaluation_due == GENERAL_DUE
