import datetime as dt
import io
import json

import pytest
from django.core.files.storage import default_storage

from civitas.councils.models import Delivery, Sending
from civitas.councils.services import documents as docs
from civitas.councils.services import proof
from civitas.councils.services import sending as svc

from .conftest import make_pdf
from .tsa import LocalTSA


def sent(sitting):
    data = make_pdf(5000)
    doc = docs.add_file(
        sitting,
        kind="convocation",
        title="Convocation",
        fileobj=io.BytesIO(data),
        file_name="c.pdf",
        size=len(data),
    )
    sending = svc.send(sitting, Sending.Phase.BEFORE)
    anne = sending.deliveries.get(official__email="anne@petiteville.fr")
    svc.record_download(anne, doc)
    svc.acknowledge(anne)
    return sending, doc, anne


@pytest.mark.django_db
def test_manifest_holds_hashes_recipients_and_times(sitting):
    sending, doc, anne = sent(sitting)
    bundle = proof.seal(sending)
    manifest = json.loads(bundle.manifest)
    assert manifest["documents"][0]["sha256"] == doc.sha256
    rec = {r["email"]: r for r in manifest["recipients"]}
    assert rec["anne@petiteville.fr"]["acknowledged_at"] is not None
    assert rec["paul@petiteville.fr"]["channel"] == "paper"
    assert rec["paul@petiteville.fr"]["channel_chosen_at"]
    assert len(rec["anne@petiteville.fr"]["downloads"]) == 1
    # Chained in core's journal.
    from civitas.core.models import JournalEntry

    entry = JournalEntry.objects.get(pk=bundle.journal_entry_id)
    assert entry.details["manifest_sha256"] == bundle.sha256
    assert proof.verify(bundle) == []
    # A later opening by someone else is not a change of the sealed facts.
    svc.record_paper(sending.deliveries.get(official__email="paul@petiteville.fr"))
    assert proof.verify(bundle) == []


@pytest.mark.django_db
def test_changed_document_is_detected(sitting):
    sending, doc, _anne = sent(sitting)
    bundle = proof.seal(sending)
    with default_storage.open(doc.file.name, "wb") as f:
        f.write(make_pdf(5000, marker=b"y"))
    problems = proof.verify(bundle)
    assert any("SHA-256" in p for p in problems)


@pytest.mark.django_db
def test_changed_time_is_detected(sitting):
    sending, _doc, anne = sent(sitting)
    bundle = proof.seal(sending)
    Delivery.objects.filter(pk=anne.pk).update(
        acknowledged_at=anne.acknowledged_at - dt.timedelta(days=3)
    )
    problems = proof.verify(bundle)
    assert any("acknowledged_at" in p for p in problems)
    # A changed manifest is detected too.
    bundle.manifest = bundle.manifest.replace("Convocation", "Convocatio!")
    assert any("manifest" in p for p in proof.verify(bundle))


@pytest.mark.django_db
def test_rfc3161_timestamp_from_a_local_authority(sitting, settings):
    sending, _doc, _anne = sent(sitting)
    with LocalTSA() as tsa:
        settings.CIVITAS_COUNCILS_TSA_URL = tsa.url
        bundle = proof.seal(sending)
    assert tsa.requests == 1
    assert bundle.tsa_token and bundle.tsa_time is not None
    assert proof.verify(bundle) == []
    # A token for another manifest is detected.
    bundle.manifest = bundle.manifest.replace("Conseil", "Conseil!")
    import hashlib

    bundle.sha256 = hashlib.sha256(bundle.manifest.encode()).hexdigest()
    problems = proof.verify(bundle)
    assert any("RFC 3161" in p for p in problems)
