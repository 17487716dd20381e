"""Evaluation deadlines and the reminder mail (a link only)."""

import datetime as dt

from civitas.childprotection.models import Assignment, Child
from civitas.childprotection.services import deadlines, files


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


def test_file_deadline_follows_children_and_dangers(cp):
    from civitas.childprotection.models import DangerType

    file = cp["north_file"]
    files.refresh_deadline(file)
    assert file.evaluation_due == dt.date(2026, 6, 2)
    child = Child.objects.create(
        file=file, last_name="A", first_name="B", birth_date=dt.date(2016, 1, 1)
    )
    child.danger_types.add(DangerType.objects.get(code="VSEX"))
    files.refresh_deadline(file)
    assert file.evaluation_due == dt.date(2026, 4, 1)


def test_reminder_mail_goes_to_assigned_people_with_a_link_only(cp):
    from civitas.core.outbox.models import Message

    file = cp["south_file"]
    Child.objects.create(file=file, last_name="Dupont", first_name="Inès")
    file.evaluation_due = dt.date(2026, 3, 10)
    file.save()
    Assignment.objects.create(
        file=file, service=cp["svc_north"], task="Évaluer", assigned_on=dt.date(2026, 3, 3)
    )
    assert deadlines.alert_assigned(today=dt.date(2026, 3, 5)) >= 1
    mails = Message.objects.filter(template_code="childprotection.deadlines")
    to = {m.to for m in mails}
    assert "agent.nord@example.org" in to and "agent.sud@example.org" not in to
    for m in mails:
        assert "Dupont" not in m.body_text and "Inès" not in m.body_text
        assert file.number not in m.body_text
        assert "/backoffice/protection-enfance/echeances/" in m.body_text
