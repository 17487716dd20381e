"""Two requests send the same chunk of an upload at once (a client retrying while the first
try is still running). Without the row lock both are stored and the offset moves twice (a
corrupted document); with it, one is stored and the other is told the offset to resume from."""

import io
import threading

import pytest
from django.core.files.storage import default_storage
from django.db import connection

from civitas.core.locking import race_test
from civitas.councils.models import Upload
from civitas.councils.services import ServiceError
from civitas.councils.services import documents as svc

from .conftest import make_pdf


def _race(sitting, locks):
    data = make_pdf(4000)
    upload = svc.start_upload(sitting, kind="note", title="n", file_name="n.pdf", size=len(data))
    start = threading.Barrier(2)
    results = []

    def send():
        try:
            start.wait()
            svc.append_chunk(upload.pk, 0, io.BytesIO(data[:1000]), 1000)
            results.append("ok")
        except ServiceError as exc:
            results.append(getattr(exc, "offset", str(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    with race_test(locks=locks, after_checks=0.5):
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    stored = default_storage.listdir(f"councils/uploads/{upload.pk}")[1]
    return results, Upload.objects.get(pk=upload.pk), stored


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_race_exists_without_the_lock(sitting):
    results, upload, stored = _race(sitting, locks=False)
    assert results == ["ok", "ok"]  # the same bytes accepted twice
    assert len(stored) == 2 and len(upload.parts) == 1  # one write lost, an orphan part


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_lock_lets_one_chunk_in(sitting):
    results, upload, stored = _race(sitting, locks=True)
    assert sorted(results, key=str) == [1000, "ok"]
    assert upload.offset == 1000 and len(upload.parts) == 1 and len(stored) == 1
