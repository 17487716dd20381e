"""Sample URL arguments for tests/core/test_url_matrix.py."""


def url_samples():
    import datetime as dt
    import io

    from django.utils import timezone

    from civitas.core.models import Unit
    from civitas.councils.models import EPCI, Commune, Official, RecipientList, Sending, Sitting
    from civitas.councils.services import documents, sending

    unit = Unit.objects.create(name="CA Matrix")
    epci = EPCI.objects.create(unit=unit, name="CA Matrix")
    commune = Commune.objects.create(
        epci=epci, insee_code="67999", name="Matrixville", population=500
    )
    official = Official.objects.create(
        epci=epci, commune=commune, first_name="M", last_name="Atrix", email="m@matrix.example"
    )
    rlist = RecipientList.objects.create(epci=epci, name="All", kind="non_members")
    sitting = Sitting.objects.create(
        epci=epci,
        title="Matrix sitting",
        place="Here",
        date=timezone.now() + dt.timedelta(days=20),
        recipient_list=rlist,
    )
    data = b"%PDF-1.4\n" + b"x" * 100 + b"\n%%EOF\n"
    doc = documents.add_file(
        sitting,
        kind="convocation",
        title="Conv",
        fileobj=io.BytesIO(data),
        file_name="c.pdf",
        size=len(data),
    )
    upload = documents.start_upload(sitting, kind="note", title="n", file_name="n.pdf", size=10)
    sent = sending.send(sitting, Sending.Phase.BEFORE)
    delivery = sent.deliveries.first()
    token = sending.make_token(delivery)
    return {
        "councils:bo_epci": {"pk": epci.pk},
        "councils:bo_official_channel": {"pk": official.pk},
        "councils:bo_sitting": {"pk": sitting.pk},
        "councils:bo_sitting_edit": {"pk": sitting.pk},
        "councils:bo_document_add": {"pk": sitting.pk},
        "councils:bo_upload_start": {"pk": sitting.pk},
        "councils:bo_upload": {"pk": upload.pk},
        "councils:bo_document": {"pk": doc.pk},
        "councils:bo_document_preview": {"pk": doc.pk},
        "councils:bo_document_delete": {"pk": doc.pk},
        "councils:bo_send": {"pk": sitting.pk},
        "councils:bo_traces_csv": {"pk": sitting.pk},
        "councils:bo_paper": {"pk": sent.pk},
        "councils:bo_proof": {"pk": sent.pk},
        "councils:bo_proof_seal": {"pk": sent.pk},
        "councils:bo_certificate": {"pk": delivery.pk},
        "councils:my_sittings": {"token": token},
        "councils:my_document": {"token": token, "doc": doc.pk},
        "councils:my_acknowledge": {"token": token},
        "councils:my_zip": {"token": token},
    }
