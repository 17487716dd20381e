"""Agendas as PDF, read back with pypdf: one person's agenda (participant area, personal
link, back office) and "re-issue agendas" (zip in a background job, mail with the link)."""

import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from pypdf import PdfReader

from civitas.core.models import JobProgress, Role, RoleAssignment
from civitas.core.outbox.models import Message
from civitas.core.permissions import clear_cache
from civitas.events.models import AgendaLinksMailing, MeetingRequest, Room, Slot
from civitas.events.services import agenda_pdf, manual

from .conftest import make_company, make_event

pytestmark = pytest.mark.django_db


def _text(pdf_bytes) -> str:
    assert pdf_bytes.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf_bytes))
    return "\n".join(page.extract_text() for page in reader.pages)


def _setup():
    event = make_event("agenda", tables=5)
    a = make_company(event, "Alpha").representatives.get()
    b = make_company(event, "Béta Industrie").representatives.get()
    c = make_company(event, "Gamma").representatives.get()
    d = make_company(event, "Delta").representatives.get()
    s1, s2, s3 = Slot.objects.filter(session__day__event=event).order_by("start")
    room = Room.objects.get(site__event=event)

    def meet(x, y, slot, table, publish=True):
        req = MeetingRequest.objects.create(
            event=event, sender=x, recipient=y, state=MeetingRequest.State.CONFIRMED
        )
        return manual.place_request(req, slot, room=room, table=table, publish=publish)

    meet(a, b, s1, 4)
    meet(c, a, s3, 2)
    meet(a, d, s2, 5, publish=False)  # a draft: not on the agenda yet
    return event, a, b, c, d


def test_agenda_pdf_lists_names_times_rooms_tables():
    event, a, b, c, d = _setup()
    text = _text(agenda_pdf.render(a))
    assert "P0 Alpha" in text and "Alpha" in text
    assert "P0 Béta Industrie" in text and "Gamma" in text
    assert "09:00–09:20" in text and "09:40–10:00" in text
    assert "Hall A" in text and "CCI Paris" in text
    # table numbers in their column, on the row of each meeting
    assert re.search(r"09:00–09:20.*?P0 Béta Industrie.*?Hall A.*?4", text, re.S)
    assert re.search(r"09:40–10:00.*?P0 Gamma.*?Hall A.*?2", text, re.S)
    assert "Delta" not in text  # unpublished draft
    assert "2 meetings" in text
    empty = make_company(event, "Sans RDV").representatives.get()
    assert "No meeting is scheduled for you yet." in _text(agenda_pdf.render(empty))


def test_participant_downloads_only_their_own_agenda(client):
    event, a, b, c, d = _setup()
    url = reverse("events:area_agenda_pdf", kwargs={"slug": event.slug})
    client.force_login(b.user)
    r = client.get(url)
    assert r["Content-Type"] == "application/pdf"
    text = _text(r.content)
    assert "P0 Béta Industrie" in text and "P0 Alpha" in text and "Gamma" not in text
    client.force_login(c.user)
    assert "Béta" not in _text(client.get(url).content)
    # The personal link works without logging in; a wrong token finds nothing.
    client.logout()
    link = reverse("events:agenda_pdf_link", kwargs={"token": c.calendar_token})
    assert "P0 Gamma" in _text(client.get(link).content)
    bad = reverse("events:agenda_pdf_link", kwargs={"token": "x" * 32})
    assert client.get(bad).status_code == 404


def test_backoffice_pdf_scoped_to_the_event(client, client_for):
    from tests.conftest import add_totp, make_user

    event, a, *_ = _setup()
    url = reverse("events:bo_agenda_pdf", kwargs={"pk": event.pk, "rep_pk": a.pk})
    r = client_for("principal").get(url)
    assert "P0 Alpha" in _text(r.content)
    other = make_event("autre")
    role = Role.objects.create(
        code="ev", name="Ev", permissions=["core.access_backoffice", "events.view_registrations"]
    )
    user = make_user("ev@example.org")
    RoleAssignment.objects.create(user=user, role=role, scope_type="event", scope_id=other.pk)
    add_totp(user)
    clear_cache(user)
    client.force_login(user)
    assert client.get(url).status_code == 403
    # Their own event's address does not reach a person of another event.
    mixed = reverse("events:bo_agenda_pdf", kwargs={"pk": other.pk, "rep_pk": a.pk})
    assert client.get(mixed).status_code == 404
    reissue = reverse("events:bo_agendas", kwargs={"pk": event.pk})
    assert client.post(reissue, {"action": "zip"}).status_code == 403


def test_reissue_zip_and_mail(client_for, users, django_capture_on_commit_callbacks):
    event, a, b, c, d = _setup()
    principal = client_for("principal", lang="en")
    url = reverse("events:bo_agendas", kwargs={"pk": event.pk})
    assert "3 people have at least one published meeting" in principal.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = principal.post(url, {"action": "zip"})
    assert r.status_code == 302 and "?job=" in r["Location"]
    job = JobProgress.objects.get(kind="events.agendas_zip")
    assert job.status == "done" and job.owner == users["principal"]
    page = principal.get(r["Location"]).content.decode()
    assert reverse("core:job_download", args=[job.pk]) in page
    download = principal.get(reverse("core:job_download", args=[job.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = sorted(archive.namelist())
    assert len(names) == 3  # Delta only has a draft meeting
    texts = {n: _text(archive.read(n)) for n in names}
    alpha = next(t for n, t in texts.items() if "alpha" in n)
    assert "P0 Béta Industrie" in alpha and "P0 Gamma" in alpha and "Hall A" in alpha
    beta = next(t for n, t in texts.items() if "beta" in n)
    assert "Gamma" not in beta and "09:00–09:20" in beta

    Message.objects.all().delete()
    r = principal.post(url, {"action": "mail"})
    assert r.status_code == 200 and "3 people will receive an e-mail." in r.content.decode()
    assert not Message.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        principal.post(url, {"action": "mail", "confirmed": "1"})
    mails = Message.objects.filter(template_code="events.agenda_reissued")
    assert sorted(mails.values_list("to", flat=True)) == sorted([a.email, b.email, c.email])
    run = AgendaLinksMailing.objects.get(event=event)
    assert run.state == AgendaLinksMailing.State.DONE and run.total == 3
    assert run.sent.count() == 3
    assert not Message.objects.filter(channel="sms").exists()
    body = mails.get(to=b.email).body_text
    path = re.search(r"https?://[^/\s]+(/evenements/agenda/\S+\.pdf)", body)[1]
    from django.test import Client

    text = _text(Client().get(path).content)
    assert "P0 Béta Industrie" in text and "Gamma" not in text


def test_all_agendas_or_the_filtered_ones_as_one_pdf(
    client_for, users, django_capture_on_commit_callbacks
):
    event, a, b, c, d = _setup()
    principal = client_for("principal", lang="en")
    url = reverse("events:bo_agendas", kwargs={"pk": event.pk})
    with django_capture_on_commit_callbacks(execute=True):
        r = principal.post(url, {"action": "pdf"})
    assert r.status_code == 302 and "?job=" in r["Location"]
    job = JobProgress.objects.get(kind="events.agendas_pdf")
    assert job.status == "done" and job.result_file.name.endswith(".pdf")
    download = principal.get(reverse("core:job_download", args=[job.pk]))
    content = b"".join(download.streaming_content)
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for rep in (a, b, c):  # Delta only has a draft meeting
        assert f"Agenda of {rep.full_name}" in text, rep.full_name
    assert f"Agenda of {d.full_name}" not in text
    assert text.index(f"Agenda of {a.full_name}") < text.index(f"Agenda of {c.full_name}")
    # The filtered list: only the people matching the search.
    page = principal.get(url, {"q": "gamma"}).content.decode()
    assert "1 person matches" in page and 'name="q" value="gamma"' in page
    JobProgress.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        principal.post(url, {"action": "pdf", "q": "gamma"})
    job = JobProgress.objects.get(kind="events.agendas_pdf")
    download = principal.get(reverse("core:job_download", args=[job.pk]))
    reader = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert f"Agenda of {c.full_name}" in text
    assert f"Agenda of {a.full_name}" not in text and f"Agenda of {b.full_name}" not in text


class PrintCounter:
    """Counts the PDFs WeasyPrint really prints (the real function runs)."""

    def __init__(self, monkeypatch):
        from civitas.core.documents import pdf

        self.n = 0
        real = pdf.html_to_pdf

        def counting(html):
            self.n += 1
            return real(html)

        monkeypatch.setattr(pdf, "html_to_pdf", counting)


def test_agenda_pdf_is_printed_once_while_the_agenda_does_not_change(monkeypatch):
    event, a, b, c, d = _setup()
    printed = PrintCounter(monkeypatch)
    first = agenda_pdf.render(a)
    assert agenda_pdf.render(a) == first
    assert printed.n == 1
    # Another person's agenda is their own PDF.
    assert "P0 Gamma" in _text(agenda_pdf.render(c)) and printed.n == 2
    assert agenda_pdf.render(a) == first and printed.n == 2


def test_agenda_pdf_is_printed_again_after_any_change_of_the_agenda(monkeypatch):
    from civitas.events.models import Meeting

    event, a, b, c, d = _setup()
    printed = PrintCounter(monkeypatch)
    text = _text(agenda_pdf.render(a))
    assert re.search(r"09:00–09:20.*?P0 Béta Industrie.*?Hall A.*?4", text, re.S)

    # another table
    Meeting.objects.filter(request__recipient=b).update(table_number=3)
    text = _text(agenda_pdf.render(a))
    assert re.search(r"09:00–09:20.*?P0 Béta Industrie.*?Hall A.*?3", text, re.S)
    assert printed.n == 2

    # another time
    s1, s2, s3 = Slot.objects.filter(session__day__event=event).order_by("start")
    Meeting.objects.filter(request__recipient=b).update(slot=s2)
    text = _text(agenda_pdf.render(a))
    assert "09:20–09:40" in text and "09:00–09:20" not in text

    # another name for the other party
    b.last_name = "Renommée"
    b.save()
    text = _text(agenda_pdf.render(a))
    assert "P0 Renommée" in text and "P0 Béta Industrie" not in text

    # the draft meeting published: one more meeting
    Meeting.objects.filter(request__recipient=d).update(published=True)
    text = _text(agenda_pdf.render(a))
    assert "3 meetings" in text and "P0 Delta" in text

    # a meeting cancelled
    Meeting.objects.filter(request__sender=c).update(state=Meeting.State.CANCELLED)
    text = _text(agenda_pdf.render(a))
    assert "2 meetings" in text and "P0 Gamma" not in text
    assert printed.n == 6


def test_links_mailing_that_fails_is_failed_not_taken_up_again(monkeypatch):
    """An error (not a killed worker) fails the job: it is not run again every period."""
    from civitas.core import jobs
    from civitas.events.services import notify

    event, a, b, c, d = _setup()
    job = jobs.create("events.agendas_mail", "Liens")
    real, calls = notify.tell, []

    def tell(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("template broken")
        return real(*args, **kwargs)

    monkeypatch.setattr(notify, "tell", tell)
    with pytest.raises(RuntimeError):
        agenda_pdf.mail_links(event, job.pk)
    run = AgendaLinksMailing.objects.get(job_id=str(job.pk))
    assert run.state == AgendaLinksMailing.State.FAILED
    assert run.sent.count() == 1  # the second person's row went with their message
    assert Message.objects.filter(template_code="events.agenda_reissued").count() == 1
    later = run.updated_at + timedelta(days=1)
    assert agenda_pdf.resume_stalled_links(now=later) == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_on_the_same_links_job_mail_each_person_once(monkeypatch):
    """The same job run by two workers at once (a task duplicated while the first runs)."""
    import threading
    import time

    from django.db import connection

    from civitas.core import jobs
    from civitas.events.services import notify

    event, a, b, c, d = _setup()
    job = jobs.create("events.agendas_mail", "Liens")
    real = notify.tell

    def slow_tell(*args, **kwargs):  # a message takes long to queue: the workers overlap
        time.sleep(0.3)
        return real(*args, **kwargs)

    monkeypatch.setattr(notify, "tell", slow_tell)
    start, counts = threading.Barrier(2), []

    def work():
        try:
            start.wait()
            counts.append(agenda_pdf.mail_links(event, job.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    mails = Message.objects.filter(template_code="events.agenda_reissued")
    assert sorted(mails.values_list("to", flat=True)) == sorted([a.email, b.email, c.email])
    assert counts == [3, 3]  # both report what the job did, not what each one did


def test_the_periodic_job_takes_up_stalled_links_mailings():
    from civitas.core import periodic

    name = "events.resume_agenda_links"
    assert periodic.run_due(force=True, only=name) == [(name, "ok")]
