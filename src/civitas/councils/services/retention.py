"""Retention: exchanges are kept CIVITAS_COUNCILS_RETENTION_DAYS (6 months) after the
sitting, then purged; what is removed is journaled. Proof bundles (manifests, journal
links, timestamps) are kept when the EPCI chooses so; documents and traces go."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from civitas.core import journal

from .. import conf
from ..models import Delivery, Document, ProofBundle, Sitting, Upload


def purge_expired(now=None) -> int:
    now = now or timezone.now()
    limit = now - timedelta(days=conf.retention_days())
    count = 0
    for sitting in Sitting.objects.filter(date__lt=limit, purged_at__isnull=True).select_related(
        "epci"
    ):
        purge_sitting(sitting)
        count += 1
    # Abandoned uploads (a day without a chunk).
    for upload in Upload.objects.filter(
        document__isnull=True, created_at__lt=now - timedelta(days=1)
    ):
        from django.core.files.storage import default_storage

        for part in upload.parts:
            default_storage.delete(part)
        upload.delete()
    return count


def purge_sitting(sitting):
    documents = list(sitting.documents.all())
    details = {
        "sitting": sitting.pk,
        "title": sitting.title,
        "date": sitting.date.isoformat(),
        "documents": [{"title": d.title, "sha256": d.sha256, "size": d.size} for d in documents],
        "deliveries": Delivery.objects.filter(sending__sitting=sitting).count(),
        "proofs_kept": sitting.epci.keep_proof_bundles,
        "proofs": list(
            ProofBundle.objects.filter(sending__sitting=sitting).values_list("sha256", flat=True)
        ),
    }
    with transaction.atomic():
        journal.record(
            "councils.purged",
            obj=sitting,
            object_repr=str(sitting),
            details=details,
        )
        for document in documents:
            document.file.delete(save=False)
        if sitting.epci.keep_proof_bundles:
            # The manifests stay (hashes, recipients, times); the files and traces go.
            Document.objects.filter(sitting=sitting).update(file="")
            Delivery.objects.filter(sending__sitting=sitting).delete()
            Sitting.objects.filter(pk=sitting.pk).update(purged_at=timezone.now())
        else:
            sitting.delete()
