import io
import zipfile

import pytest
from django.test import Client

from civitas.councils.models import Delivery, Document, Sending
from civitas.councils.services import documents as docs
from civitas.councils.services import sending as svc
from tests.conftest import add_totp, make_user

from .conftest import make_pdf


@pytest.fixture
def clerk(db, epci):
    from civitas.core import accounts
    from civitas.core.models import Role

    role = Role.objects.create(
        code="council_clerk_t",
        name="Greffe",
        permissions=[
            "core.access_backoffice",
            "councils.view_sittings",
            "councils.send_documents",
            "councils.manage_officials",
        ],
    )
    user = make_user("greffe@example.org")
    accounts.grant(user, role, ("unit", epci.unit_id))
    add_totp(user)
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def other_clerk(db, unit_tree):
    from civitas.core import accounts
    from civitas.core.models import Role

    role = Role.objects.create(
        code="other_clerk",
        name="Autre",
        permissions=["core.access_backoffice", "councils.view_sittings", "councils.send_documents"],
    )
    user = make_user("autre@example.org")
    accounts.grant(user, role, ("unit", unit_tree["south"].pk))
    add_totp(user)
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_scopes(clerk, other_clerk, sitting):
    assert clerk.get(f"/backoffice/conseils/seances/{sitting.pk}/").status_code == 200
    assert other_clerk.get(f"/backoffice/conseils/seances/{sitting.pk}/").status_code == 403
    assert sitting.title in clerk.get("/backoffice/conseils/").content.decode()
    assert sitting.title not in other_clerk.get("/backoffice/conseils/").content.decode()


@pytest.mark.django_db
def test_chunk_protocol(clerk, sitting, settings):
    settings.CIVITAS_COUNCILS_MAX_CHUNK_BYTES = 1024
    data = make_pdf(2500)
    r = clerk.post(
        f"/backoffice/conseils/seances/{sitting.pk}/televersement/",
        {"kind": "convocation", "title": "Conv", "file_name": "c.pdf", "size": len(data)},
    )
    assert r.status_code == 201
    url = r.json()["url"]
    r = clerk.put(f"{url}?offset=0", data[:1024], content_type="application/octet-stream")
    assert r.json()["offset"] == 1024
    # Resuming with a wrong offset: 409 and the offset to continue from.
    r = clerk.put(f"{url}?offset=0", data[:1024], content_type="application/octet-stream")
    assert r.status_code == 409 and r.json()["offset"] == 1024
    assert clerk.get(url).json()["offset"] == 1024
    clerk.put(f"{url}?offset=1024", data[1024:2048], content_type="application/octet-stream")
    r = clerk.put(f"{url}?offset=2048", data[2048:], content_type="application/octet-stream")
    assert r.status_code == 200 and r.json()["document"]
    doc = Document.objects.get(pk=r.json()["document"])
    response = clerk.get(f"/backoffice/conseils/documents/{doc.pk}/")
    assert b"".join(response.streaming_content) == data
    # Bad input is a 4xx, never a 500.
    assert (
        clerk.put(f"{url}?offset=abc", b"x", content_type="application/octet-stream").status_code
        == 400
    )
    r = clerk.post(
        f"/backoffice/conseils/seances/{sitting.pk}/televersement/",
        {"kind": "note", "file_name": "x.pdf", "size": "lots"},
    )
    assert r.status_code == 400


@pytest.mark.django_db
def test_form_upload_refuses_wrong_content(clerk, sitting):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("note.pdf", b"<html><script>x</script></html>")
    r = clerk.post(
        f"/backoffice/conseils/seances/{sitting.pk}/document/",
        {"kind": "note", "title": "Note", "file": fake},
        follow=True,
    )
    assert "not what its extension says" in r.content.decode()
    assert not Document.objects.exists()


def prepare(sitting):
    data = make_pdf(4000)
    return docs.add_file(
        sitting,
        kind="convocation",
        title="Convocation",
        fileobj=io.BytesIO(data),
        file_name="convocation.pdf",
        size=len(data),
    )


@pytest.mark.django_db
def test_send_then_official_opens_downloads_acknowledges(clerk, sitting):
    doc = prepare(sitting)
    r = clerk.post(
        f"/backoffice/conseils/seances/{sitting.pk}/envoyer/", {"phase": "before"}, follow=True
    )
    assert "Sent to 2 recipient(s)" in r.content.decode()
    sending = Sending.objects.get(sitting=sitting)
    assert sending.proofs.count() == 1
    anne = sending.deliveries.get(official__email="anne@petiteville.fr")
    token = svc.make_token(anne)
    official = Client()
    page = official.get(f"/conseils/s/{token}/")
    assert page.status_code == 200 and "Convocation" in page.content.decode()
    assert Delivery.objects.get(pk=anne.pk).first_opened_at is not None
    r = official.get(f"/conseils/s/{token}/document/{doc.pk}/")
    assert b"".join(r.streaming_content).startswith(b"%PDF")
    r = official.get(f"/conseils/s/{token}/tout.zip")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(r.streaming_content)))
    assert archive.namelist() == ["01-convocation.pdf"]
    assert archive.read("01-convocation.pdf").startswith(b"%PDF")
    assert anne.downloads.count() == 2
    official.post(f"/conseils/s/{token}/accuse-reception/")
    assert Delivery.objects.get(pk=anne.pk).acknowledged_at is not None
    # Tampered and unknown links.
    assert official.get(f"/conseils/s/{token}x/").status_code == 404
    assert official.get("/conseils/s/nonsense/").status_code == 404
    # The clerk sees it, in the page, the CSV and the certificate.
    detail = clerk.get(f"/backoffice/conseils/seances/{sitting.pk}/").content.decode()
    assert "Martin" in detail
    csv_text = clerk.get(f"/backoffice/conseils/seances/{sitting.pk}/traces.csv").content.decode()
    assert "anne@petiteville.fr" in csv_text and "Electronic" in csv_text
    pdf = clerk.get(f"/backoffice/conseils/destinataires/{anne.pk}/attestation.pdf")
    assert pdf.content.startswith(b"%PDF")
    proof_page = clerk.get(f"/backoffice/conseils/envois/{sending.pk}/preuve/").content.decode()
    assert "Verified" in proof_page


@pytest.mark.django_db
def test_expired_link(sitting, settings):
    prepare(sitting)
    sending = svc.send(sitting, Sending.Phase.BEFORE)
    token = svc.make_token(sending.deliveries.first())
    settings.CIVITAS_COUNCILS_LINK_DAYS = -1
    assert Client().get(f"/conseils/s/{token}/").status_code == 410


@pytest.mark.django_db
def test_paper_recording_and_late_reason(clerk, sitting):
    prepare(sitting)
    from datetime import timedelta

    from django.utils import timezone

    sitting.date = timezone.now() + timedelta(days=2)
    sitting.save()
    r = clerk.post(
        f"/backoffice/conseils/seances/{sitting.pk}/envoyer/", {"phase": "before"}, follow=True
    )
    assert "Give the reason" in r.content.decode()
    assert not Sending.objects.exists()
    clerk.post(
        f"/backoffice/conseils/seances/{sitting.pk}/envoyer/",
        {"phase": "before", "late_reason": "Urgence budgétaire"},
    )
    sending = Sending.objects.get()
    paul = sending.deliveries.get(channel="paper")
    page = clerk.get(f"/backoffice/conseils/envois/{sending.pk}/papier/").content.decode()
    assert "Petiteville" in page and "Durand" in page
    clerk.post(f"/backoffice/conseils/envois/{sending.pk}/papier/", {"delivery": [paul.pk]})
    assert Delivery.objects.get(pk=paul.pk).paper_sent_at is not None


@pytest.mark.django_db
def test_traces_exporter(sitting, clerk):
    from civitas.core.exports.registry import get

    prepare(sitting)
    svc.send(sitting, Sending.Phase.BEFORE)
    exporter = get("councils.traces")
    from civitas.core.models import User

    user = User.objects.get(email="greffe@example.org")
    rows = [exporter.values(o) for o in exporter.queryset(user, {"sitting": str(sitting.pk)})]
    assert len(rows) == 2 and any("anne@petiteville.fr" in r for r in rows)


@pytest.mark.django_db
def test_official_with_an_account(sitting):
    prepare(sitting)
    svc.send(sitting, Sending.Phase.BEFORE)
    user = make_user("anne@petiteville.fr")
    client = Client()
    client.force_login(user)
    page = client.get("/espace/conseils/").content.decode()
    assert sitting.title in page
    from civitas.councils.home import my_sittings_context

    class R:
        pass

    request = R()
    request.user = user
    assert my_sittings_context(request) == {}
    request.user = make_user("nobody@example.org")
    assert my_sittings_context(request) is None


@pytest.mark.django_db
def test_clerk_records_a_channel_change(clerk, perimeter):
    from civitas.core.models import JournalEntry

    anne = perimeter["officials"][0]
    before = anne.channel_chosen_at
    r = clerk.post(f"/backoffice/conseils/elus/{anne.pk}/canal/", {"channel": "paper"})
    assert r.status_code == 302
    anne.refresh_from_db()
    assert anne.channel == "paper" and anne.channel_chosen_at > before
    assert JournalEntry.objects.filter(action="councils.channel_changed").exists()
    assert (
        clerk.post(f"/backoffice/conseils/elus/{anne.pk}/canal/", {"channel": "pigeon"}).status_code
        == 302
    )
    anne.refresh_from_db()
    assert anne.channel == "paper"
    page = clerk.get(f"/backoffice/conseils/epci/{anne.epci_id}/").content.decode()
    assert "anne@petiteville.fr" in page


@pytest.mark.django_db
def test_a_pdf_has_a_preview_of_its_first_page(clerk, other_clerk, sitting):
    import io

    from django.core.files.storage import default_storage
    from weasyprint import HTML

    from civitas.councils.services import documents as svc

    pdf = HTML(string="<h1>Convocation</h1><p>Conseil communautaire du 12 mars</p>").write_pdf()
    doc = svc.add_file(
        sitting,
        kind="convocation",
        title="Convocation",
        fileobj=io.BytesIO(pdf),
        file_name="convocation.pdf",
        size=len(pdf),
    )
    url = f"/backoffice/conseils/documents/{doc.pk}/apercu.png"
    response = clerk.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG\r\n\x1a\n")
    assert default_storage.exists(svc.preview_name(doc))  # made once, then served
    assert url in clerk.get(f"/backoffice/conseils/seances/{sitting.pk}/").content.decode()
    assert other_clerk.get(url).status_code == 403  # another EPCI's clerk


@pytest.mark.django_db
def test_a_document_that_is_no_pdf_has_no_preview(clerk, sitting):
    import io

    from civitas.councils.services import documents as svc

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
    doc = svc.add_file(
        sitting,
        kind="item",
        title="Plan",
        fileobj=io.BytesIO(png),
        file_name="plan.png",
        size=len(png),
    )
    assert clerk.get(f"/backoffice/conseils/documents/{doc.pk}/apercu.png").status_code == 404
