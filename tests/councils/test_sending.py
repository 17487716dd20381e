import datetime as dt
import io

import pytest
from django.core import mail, signing
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from civitas.core.calendar import full_days_between
from civitas.councils.models import Delivery, Sending
from civitas.councils.services import ServiceError, delays
from civitas.councils.services import documents as docs
from civitas.councils.services import sending as svc

from .conftest import make_pdf


def add_convocation(sitting):
    data = make_pdf(4000)
    return docs.add_file(
        sitting,
        kind="convocation",
        title="Convocation",
        fileobj=io.BytesIO(data),
        file_name="convocation.pdf",
        size=len(data),
    )


@hsettings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)
@given(
    sent=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31)),
    gap=st.integers(min_value=0, max_value=40),
    population=st.integers(min_value=0, max_value=3_000_000),
    urgency=st.booleans(),
)
def test_delay_rule(sent, gap, population, urgency):
    meeting = sent + dt.timedelta(days=gap)
    days = full_days_between(sent, meeting)
    # Neither the day of sending nor the day of the sitting counts.
    assert days == max(gap - 1, 0)
    required = delays.required_days(population, urgency)
    if urgency:
        assert required == 1
    else:
        assert required == (3 if population < 1000 else 5)
    late = delays.DelayCheck(days, required).late
    assert late == (gap < required + 1)


def test_delay_thresholds_are_configuration(settings):
    settings.CIVITAS_COUNCILS_DELAYS = [(0, 3), (3500, 5)]
    assert delays.required_days(2000) == 3
    assert delays.required_days(3500) == 5


@pytest.mark.django_db
def test_late_sending_needs_a_reason(sitting):
    add_convocation(sitting)
    sitting.date = timezone.now() + dt.timedelta(days=3)
    sitting.save()
    check = delays.check(sitting)
    assert check.late and check.required == 5  # 9,400 inhabitants in the EPCI
    from django.utils import translation

    with translation.override("en"), pytest.raises(ServiceError, match="reason"):
        svc.send(sitting, Sending.Phase.BEFORE)
    sending = svc.send(sitting, Sending.Phase.BEFORE, late_reason="Budget urgent")
    assert sending.late_reason == "Budget urgent" and sending.required_days == 5


@pytest.mark.django_db
def test_send_mail_and_paper(sitting, perimeter, django_capture_on_commit_callbacks):
    add_convocation(sitting)
    with django_capture_on_commit_callbacks(execute=True):
        sending = svc.send(sitting, Sending.Phase.BEFORE, sms=True)
    deliveries = {d.official.email: d for d in sending.deliveries.select_related("official")}
    # Non-members only (Léa sits on the EPCI council); Paul chose paper: no mail.
    assert set(deliveries) == {"anne@petiteville.fr", "paul@petiteville.fr"}
    assert [m.to for m in mail.outbox] == [["anne@petiteville.fr"]]
    assert not mail.outbox[0].attachments
    anne = deliveries["anne@petiteville.fr"]
    import re

    token = re.search(r"/conseils/s/([^/\s]+)/", mail.outbox[0].body).group(1)
    assert svc.read_token(token) == anne
    assert anne.sms_message_id is not None
    times = svc.smtp_times([anne])
    assert times[anne.message_id][0] == "sent" and times[anne.message_id][1] is not None
    paul = deliveries["paul@petiteville.fr"]
    assert paul.message_id is None and paul.channel == "paper"
    with pytest.raises(ServiceError):
        svc.record_paper(anne)
    svc.record_paper(paul)
    assert Delivery.objects.get(pk=paul.pk).paper_sent_at is not None


@pytest.mark.django_db
def test_links_expire_and_resist_tampering(sitting, settings):
    add_convocation(sitting)
    sending = svc.send(sitting, Sending.Phase.BEFORE)
    delivery = sending.deliveries.first()
    token = svc.make_token(delivery)
    assert svc.read_token(token) == delivery
    with pytest.raises(svc.LinkError) as exc:
        svc.read_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    assert not exc.value.expired
    forged = signing.dumps({"d": delivery.pk, "k": "0" * 32}, salt=svc.SALT, compress=True)
    with pytest.raises(svc.LinkError):
        svc.read_token(forged)
    settings.CIVITAS_COUNCILS_LINK_DAYS = -1
    with pytest.raises(svc.LinkError) as exc:
        svc.read_token(token)
    assert exc.value.expired


@pytest.mark.django_db
def test_traces_and_reminders(sitting):
    doc = add_convocation(sitting)
    sitting.reminder_hours = 48
    sitting.save()
    sending = svc.send(sitting, Sending.Phase.BEFORE)
    anne = sending.deliveries.get(official__email="anne@petiteville.fr")
    # Not yet due: the sitting is 10 days away.
    assert svc.send_due_reminders() == 0
    later = sitting.date - dt.timedelta(hours=47)
    assert svc.send_due_reminders(now=later) == 1
    assert svc.send_due_reminders(now=later) == 0  # once
    svc.record_download(anne, doc)
    first = Delivery.objects.get(pk=anne.pk).first_opened_at
    svc.record_download(anne, doc)
    assert Delivery.objects.get(pk=anne.pk).first_opened_at == first
    assert anne.downloads.count() == 2
    svc.acknowledge(anne)
    assert Delivery.objects.get(pk=anne.pk).acknowledged_at is not None
    assert sitting.epci.__class__.objects.get(pk=sitting.epci_id).traffic_bytes == 2 * doc.size


@pytest.mark.django_db
def test_decisions_deadline(sitting):
    sitting.date = timezone.now() - dt.timedelta(days=25)
    sitting.save()
    assert delays.decisions_overdue(sitting)
    sitting.date = timezone.now() - dt.timedelta(days=2)
    assert not delays.decisions_overdue(sitting)
