"""Issue 30: Word mail-merge of an event's participants and companies (core's Documents kit).

The organiser reaches "Word mail-merge" from the event's menu, produces one .docx or a zip
for this event's people only; another event's people never appear; the kit validates the
templates (unknown field, syntax error); the shipped examples are valid templates."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from civitas.core.documents import merge
from civitas.core.documents.models import DocumentTemplate
from civitas.core.models import JournalEntry, Role, RoleAssignment
from civitas.events.models import (
    Checkin,
    CheckinList,
    Company,
    CoOrganiser,
    Order,
    PriceCategory,
)
from civitas.events.services import word_merge
from tests.conftest import add_totp, make_user
from tests.documents.documents_helpers import docx_text, make_docx

from .conftest import make_company, make_event

pytestmark = pytest.mark.django_db

LETTER = make_docx(
    "Bonjour {{ civility }} {{ full_name }},",
    "Société : {{ company }} ({{ city }}, {{ country }})",
    "Événement : {{ event_name }}, {{ event_dates }}",
    "Rendez-vous : {{ meetings_count }} ; accueil : {{ checked_in }}",
    "Badge : {{ badge_url }}",
)
COMPANY_LETTER = make_docx(
    "Entreprise : {{ company }} — {{ status }}",
    "Représentants : {{ representatives }}",
    "Commande : {{ order_total }}",
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    settings.LANGUAGE_CODE = "en"  # the requests' language: assertions read English words


def _organiser(event, email="orga@example.org", perms=None):
    role, _created = Role.objects.get_or_create(
        code=f"wm_{email}",
        defaults={
            "name": "Organiser",
            "permissions": perms or ["core.access_backoffice", "events.view_registrations"],
        },
    )
    user = make_user(email)
    RoleAssignment.objects.create(user=user, role=role, scope_type="event", scope_id=event.pk)
    add_totp(user)
    return user


def _template(data=LETTER, kind=word_merge.KIND_REPRESENTATIVE, name="Lettre"):
    template = DocumentTemplate(name=name, kind=kind, fields_used=[])
    template.file.save("t.docx", ContentFile(data), save=True)
    return template


@pytest.fixture
def setup(db):
    event = make_event("fusion")
    acme = make_company(event, "Acme", reps=2)
    bolt = make_company(event, "Boltwerk", reps=1, country="DE")
    other = make_event("autre")
    intruder = make_company(other, "Intrus", reps=1)
    reps = list(acme.representatives.all()) + list(bolt.representatives.all())
    return {
        "event": event,
        "reps": reps,
        "companies": [acme, bolt],
        "intruder": intruder.representatives.get(),
        "intruder_company": intruder,
        "organiser": _organiser(event),
    }


def _generate(client, event, template, **data):
    url = reverse(
        "events:bo_word_merge_generate", kwargs={"pk": event.pk, "template_pk": template.pk}
    )
    return client.post(url, data)


def test_batch_for_three_representatives(client, setup):
    event, reps = setup["event"], setup["reps"]
    CheckinList.objects.create(event=event, name="Entrée")
    from django.utils import timezone

    Checkin.objects.create(
        checkin_list=event.checkin_lists.get(),
        representative=reps[0],
        scanned_at=timezone.now(),
        client_id="x1",
    )
    template = _template()
    client.force_login(setup["organiser"])
    response = _generate(client, event, template, scope="all")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        texts = [docx_text(archive.read(n)) for n in archive.namelist()]
    assert len(texts) == 3
    for rep in reps:
        (text,) = [t for t in texts if f"Bonjour  {rep.full_name}," in t]
        assert f"Société : {rep.company.name}" in text
        assert f"Événement : {event.name}, " in text
        assert "/checkin/" in text or "Badge : http" in text  # validated: the QR address
    assert sum("accueil : yes" in t for t in texts) == 1
    assert any("Société : Boltwerk (, Germany)" in t for t in texts)
    assert not any("Intrus" in t for t in texts)
    entry = JournalEntry.objects.get(action="documents.generated")
    assert entry.details["count"] == 3 and entry.details["params"]["event"] == str(event.pk)


def test_one_document_and_cross_event_record_refused(client, setup):
    event, rep = setup["event"], setup["reps"][2]
    template = _template()
    client.force_login(setup["organiser"])
    response = _generate(client, event, template, scope="one", record=rep.pk)
    assert response.status_code == 200
    text = docx_text(response.content)
    assert rep.full_name in text and "Boltwerk" in text

    # Another event's representative, by id: refused, nothing produced.
    response = _generate(client, event, template, scope="one", record=setup["intruder"].pk)
    assert response.status_code == 302
    assert response["Content-Type"].startswith("text/html")
    page = client.get(response["Location"]).content.decode()
    assert "Choose a record in the list." in page
    assert JournalEntry.objects.filter(action="documents.generated").count() == 1

    # The other event's page itself: this organiser may not open it.
    other = setup["intruder_company"].event
    assert _generate(client, other, template, scope="all").status_code == 403
    url = reverse("events:bo_word_merge", kwargs={"pk": other.pk})
    assert client.get(url).status_code == 403


def test_records_are_one_events_and_the_users(setup):
    organiser = setup["organiser"]
    kind = merge.get_kind(word_merge.KIND_REPRESENTATIVE)
    params = word_merge.records_params(setup["event"])
    assert set(kind.get_records(organiser, params)) == set(setup["reps"])
    # No event: nothing; the other event: nothing for this organiser.
    assert not kind.get_records(organiser, {}).exists()
    other = word_merge.records_params(setup["intruder_company"].event)
    assert not kind.get_records(organiser, other).exists()
    # A superuser asking for the other event gets only that event's people.
    from civitas.core.models import User

    boss = User.objects.create_superuser("boss@example.org", "x-Password-123456")
    assert list(kind.get_records(boss, other)) == [setup["intruder"]]


def test_filters_validated_co_organiser_and_session(setup):
    event, organiser = setup["event"], setup["organiser"]
    acme, bolt = setup["companies"]
    pending = make_company(event, "Pending", reps=1, validated=False)
    co = CoOrganiser.objects.create(event=event, name="CCI Nord")
    Company.objects.filter(pk=bolt.pk).update(co_organiser=co)
    kind = merge.get_kind(word_merge.KIND_REPRESENTATIVE)
    everyone = kind.get_records(organiser, word_merge.records_params(event))
    assert pending.representatives.get() in everyone
    validated = kind.get_records(organiser, word_merge.records_params(event, validated=True))
    assert set(validated) == set(setup["reps"])
    by_co = kind.get_records(organiser, word_merge.records_params(event, co_organiser=co.pk))
    assert list(by_co) == list(bolt.representatives.all())
    session = event.days.get().sessions.get()
    absent = setup["reps"][0]
    absent.absent_sessions.add(session)
    present = kind.get_records(organiser, word_merge.records_params(event, session=session.pk))
    assert absent not in present and setup["reps"][1] in present
    other_session = setup["intruder_company"].event.days.get().sessions.get()
    foreign = word_merge.records_params(event, session=other_session.pk)
    assert not kind.get_records(organiser, foreign).exists()
    companies = merge.get_kind(word_merge.KIND_COMPANY)
    names = [c.name for c in companies.get_records(organiser, word_merge.records_params(event))]
    assert names == ["Acme", "Boltwerk", "Pending"]


def test_company_kind(client, setup):
    event = setup["event"]
    acme = setup["companies"][0]
    category = PriceCategory.objects.create(event=event, name="Entreprises", amount="100.00")
    Order.objects.create(event=event, company=acme, category=category, total_gross="1200.00")
    template = _template(COMPANY_LETTER, kind=word_merge.KIND_COMPANY, name="Entreprises")
    client.force_login(setup["organiser"])
    response = _generate(client, event, template, scope="one", record=acme.pk)
    text = docx_text(response.content)
    reps = ", ".join(r.full_name for r in acme.representatives.order_by("last_name", "first_name"))
    assert "Entreprise : Acme — Validated" in text and f"Représentants : {reps}" in text
    assert "Commande : 1,200.00 €" in text
    intruder = _generate(client, event, template, scope="one", record=setup["intruder_company"].pk)
    assert intruder.status_code == 302


def test_without_the_permission_refused(client, setup):
    event = setup["event"]
    template = _template()
    stranger = _organiser(event, "clerk@example.org", perms=["core.access_backoffice"])
    client.force_login(stranger)
    assert client.get(reverse("events:bo_word_merge", kwargs={"pk": event.pk})).status_code == 403
    assert _generate(client, event, template, scope="all").status_code == 403
    assert not JournalEntry.objects.filter(action="documents.generated").exists()
    # The kit's own check refuses too (e.g. a call from elsewhere).
    from civitas.core.documents import services

    with pytest.raises(services.GenerationError):
        services.generate(template, stranger, all_records=True, params={"event": event.pk})


def test_page_is_in_the_event_menu_and_lists_templates(client, setup):
    event = setup["event"]
    template = _template(name="Attestation 2027")
    client.force_login(setup["organiser"])
    page = client.get(reverse("events:bo_event", kwargs={"pk": event.pk})).content.decode()
    url = reverse("events:bo_word_merge", kwargs={"pk": event.pk})
    assert f'href="{url}"' in page
    page = client.get(url).content.decode()
    assert "Attestation 2027" in page and setup["reps"][0].full_name in page
    assert setup["intruder"].full_name not in page
    assert "{{ agenda }}" in page  # the fields are documented on the page
    action = reverse(
        "events:bo_word_merge_generate", kwargs={"pk": event.pk, "template_pk": template.pk}
    )
    assert action in page


@pytest.mark.parametrize(
    "data, expected",
    [
        (make_docx("Bonjour {{ prenom }}"), "Unknown merge fields"),
        (make_docx("Bonjour {{ full_name }"), "Merge field syntax error"),
    ],
)
def test_bad_templates_are_explained(data, expected):
    kind = merge.get_kind(word_merge.KIND_REPRESENTATIVE)
    with pytest.raises(merge.TemplateInvalid) as info:
        merge.validate_template(data, kind, "lettre.docx")
    assert expected in str(info.value)
    if expected.startswith("Unknown"):
        assert "{{ prenom }}" in str(info.value) and "full_name" in str(info.value)


def test_upload_of_a_bad_template_shows_the_message(client, setup):
    user = _organiser(
        setup["event"],
        "docs@example.org",
        perms=["core.access_backoffice", "documents.manage_templates", "documents.generate"],
    )
    # documents.* are organisation-wide permissions: grant them on the organisation.
    RoleAssignment.objects.filter(user=user).update(scope_type="organisation", scope_id=1)
    client.force_login(user)
    upload = ContentFile(make_docx("Bonjour {{ prenom }}"), name="lettre.docx")
    response = client.post(
        reverse("documents:template_upload"),
        {
            "name": "Lettre",
            "kind": word_merge.KIND_REPRESENTATIVE,
            "language": "fr",
            "upload": upload,
        },
    )
    assert response.status_code == 200
    assert "Unknown merge fields" in response.content.decode()
    assert not DocumentTemplate.objects.exists()


@pytest.mark.parametrize("code", sorted(word_merge.EXAMPLES))
def test_shipped_examples_are_valid_and_downloadable(client, setup, code):
    kind_code, _name = word_merge.EXAMPLES[code]
    data = word_merge.example_docx(code)
    used = merge.validate_template(data, merge.get_kind(kind_code), f"{code}.docx")
    assert used
    client.force_login(setup["organiser"])
    url = reverse("events:bo_word_merge_example", kwargs={"pk": setup["event"].pk, "code": code})
    response = client.get(url)
    assert response.status_code == 200 and response.content[:2] == b"PK"
    # Merged with a real person, the example reads as a letter.
    record = (
        setup["reps"][0] if kind_code == word_merge.KIND_REPRESENTATIVE else setup["companies"][0]
    )
    text = docx_text(merge.generate_one(data, merge.get_kind(kind_code), record))
    assert "Acme" in text and "{{" not in text


def test_every_field_is_documented_and_filled(setup):
    for code, record in (
        (word_merge.KIND_REPRESENTATIVE, setup["reps"][0]),
        (word_merge.KIND_COMPANY, setup["companies"][0]),
    ):
        kind = merge.get_kind(code)
        assert set(kind.merge_context(record)) == set(kind.all_fields())


def test_meetings_and_agenda_lines(setup):
    from civitas.events.models import Meeting, MeetingRequest, Room, Slot

    event = setup["event"]
    me, other = setup["reps"][0], setup["reps"][2]
    req = MeetingRequest.objects.create(event=event, sender=me, recipient=other)
    Meeting.objects.create(
        event=event,
        request=req,
        slot=Slot.objects.filter(session__day__event=event).order_by("start").first(),
        room=Room.objects.get(site__event=event),
        table_number=4,
        state=Meeting.State.SCHEDULED,
        published=True,
    )
    values = merge.get_kind(word_merge.KIND_REPRESENTATIVE).merge_context(me)
    assert values["meetings_count"] == 1
    assert f"{other.full_name} (Boltwerk)" in values["agenda"] and "table 4" in values["agenda"]
    company = merge.get_kind(word_merge.KIND_COMPANY).merge_context(setup["companies"][0])
    assert company["meetings_count"] == 1
    # In the shipped letter, the agenda is written on its own lines.
    data = word_merge.example_docx("lettre")
    text = docx_text(merge.generate_one(data, merge.get_kind(word_merge.KIND_REPRESENTATIVE), me))
    assert f"{other.full_name} (Boltwerk)" in text


def test_page_in_french(client, setup, settings):
    settings.LANGUAGE_CODE = "fr"
    _template(name="Attestation 2027")
    client.force_login(setup["organiser"])
    url = reverse("events:bo_word_merge", kwargs={"pk": setup["event"].pk})
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Publipostage Word" in page and "Représentant d’un événement" in page
    assert "Produire le lot (zip, 3 documents)" in page


def test_large_batch_runs_in_the_background(client, setup, settings):
    from civitas.core.models import JobProgress

    settings.CIVITAS_DOCUMENTS_SYNC_BATCH_LIMIT = 1
    event = setup["event"]
    client.force_login(setup["organiser"])
    response = _generate(client, event, _template(), scope="all", validated="1")
    assert response.status_code == 302
    job = JobProgress.objects.get(owner=setup["organiser"])
    assert response["Location"].endswith(f"?validated=1&job={job.pk}")
    assert job.status == JobProgress.Status.DONE
    with zipfile.ZipFile(io.BytesIO(job.result_file.read())) as archive:
        assert len(archive.namelist()) == 3
    page = client.get(response["Location"]).content.decode()
    assert reverse("core:job_download", args=[job.pk]) in page
