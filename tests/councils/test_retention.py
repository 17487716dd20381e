import datetime as dt
import io

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from civitas.core.models import JournalEntry
from civitas.councils.models import Delivery, Document, ProofBundle, Sending, Sitting
from civitas.councils.services import documents as docs
from civitas.councils.services import proof, retention
from civitas.councils.services import sending as svc

from .conftest import make_pdf


def sent(sitting):
    data = make_pdf(3000)
    doc = docs.add_file(
        sitting,
        kind="convocation",
        title="Convocation",
        fileobj=io.BytesIO(data),
        file_name="c.pdf",
        size=len(data),
    )
    sending = svc.send(sitting, Sending.Phase.BEFORE)
    proof.seal(sending)
    return doc


@pytest.mark.django_db
@pytest.mark.parametrize("keep", [True, False])
def test_purge_after_retention_is_journaled(sitting, keep):
    sitting.epci.keep_proof_bundles = keep
    sitting.epci.save()
    doc = sent(sitting)
    name = doc.file.name
    assert retention.purge_expired() == 0  # the sitting is in the future
    later = sitting.date + dt.timedelta(days=184)
    assert retention.purge_expired(now=later) == 1
    assert not default_storage.exists(name)
    assert not Delivery.objects.exists()
    entry = JournalEntry.objects.filter(action="councils.purged").get()
    assert entry.details["documents"][0]["sha256"] == doc.sha256
    if keep:
        assert ProofBundle.objects.count() == 1
        assert Sitting.objects.get().purged_at is not None
        assert Document.objects.get().file.name == ""
        assert retention.purge_expired(now=later) == 0  # once
    else:
        assert not Sitting.objects.exists() and not ProofBundle.objects.exists()


@pytest.mark.django_db
def test_retention_is_configuration(sitting, settings):
    sent(sitting)
    settings.CIVITAS_COUNCILS_RETENTION_DAYS = 400
    assert retention.purge_expired(now=sitting.date + dt.timedelta(days=200)) == 0
    assert timezone.now() < sitting.date
