"""Proof bundle of a sending: a manifest with the SHA-256 of every document, each
recipient, their channel (and when they chose it) and the times of sending, SMTP
acceptance, paper sending, opening, downloads and acknowledgement. The manifest's SHA-256
is chained into core's journal and, when CIVITAS_COUNCILS_TSA_URL is set, timestamped by an
RFC 3161 authority. `verify()` recomputes everything and names each difference."""

import hashlib
import json
import urllib.request

from django.utils.translation import gettext as _

from civitas.core import journal

from .. import conf
from ..models import Document, ProofBundle
from . import ServiceError
from .documents import file_sha256
from .sending import smtp_times


def _t(value):
    return value.isoformat() if value else None


def build_manifest(sending) -> dict:
    sitting = sending.sitting
    deliveries = list(
        sending.deliveries.select_related("official__commune").prefetch_related("downloads")
    )
    smtp = smtp_times(deliveries)
    docs = list(sending.documents.order_by("pk"))
    return {
        "format": "civitas.councils.manifest/1",
        "epci": {"name": sitting.epci.name, "siren": sitting.epci.siren},
        "sitting": {
            "id": sitting.pk,
            "title": sitting.title,
            "body": sitting.body,
            "date": _t(sitting.date),
            "place": sitting.place,
            "urgency": sitting.urgency,
        },
        "sending": {
            "id": sending.pk,
            "phase": sending.phase,
            "sent_at": _t(sending.sent_at),
            "sent_by": getattr(sending.sent_by, "email", ""),
            "full_days": sending.full_days,
            "required_days": sending.required_days,
            "late_reason": sending.late_reason,
        },
        "documents": [
            {
                "id": d.pk,
                "kind": d.kind,
                "title": d.title,
                "file_name": d.original_name,
                "size": d.size,
                "sha256": d.sha256,
            }
            for d in docs
        ],
        "recipients": [
            {
                "id": dl.official_id,
                "name": str(dl.official),
                "email": dl.email,
                "commune": dl.official.commune.insee_code,
                "channel": dl.channel,
                "channel_chosen_at": _t(dl.channel_chosen_at),
                "queued_at": _t(dl.queued_at),
                "smtp_state": smtp.get(dl.message_id, ("", None))[0],
                "smtp_accepted_at": _t(smtp.get(dl.message_id, ("", None))[1]),
                "paper_sent_at": _t(dl.paper_sent_at),
                "first_opened_at": _t(dl.first_opened_at),
                "acknowledged_at": _t(dl.acknowledged_at),
                "downloads": [
                    {"document": x.document_id, "at": _t(x.at)}
                    for x in sorted(dl.downloads.all(), key=lambda x: (x.at, x.pk))
                ],
            }
            for dl in sorted(deliveries, key=lambda d: d.official_id)
        ],
    }


def canonical(manifest: dict) -> bytes:
    return json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def timestamp(data: bytes, url: str) -> tuple[bytes, object]:
    """Ask the RFC 3161 authority at `url` to timestamp SHA-256(data): (response, gen_time)."""
    from rfc3161_client import HashAlgorithm, TimestampRequestBuilder, decode_timestamp_response

    request = TimestampRequestBuilder().data(data).hash_algorithm(HashAlgorithm.SHA256).build()
    if not url.startswith(("http://", "https://")):
        raise ServiceError(_("The timestamp authority's address must start with http(s)://."))
    http = urllib.request.Request(  # noqa: S310 (scheme checked above; configured URL)
        url,
        data=request.as_bytes(),
        headers={"Content-Type": "application/timestamp-query"},
        method="POST",
    )
    with urllib.request.urlopen(http, timeout=30) as answer:  # noqa: S310 (configured URL)
        body = answer.read()
    response = decode_timestamp_response(body)
    if response.status not in (0, 1):
        raise ServiceError(_("The timestamp authority refused the request."))
    if response.tst_info.message_imprint.message != hashlib.sha256(data).digest():
        raise ServiceError(_("The timestamp authority answered for another document."))
    return body, response.tst_info.gen_time


def seal(sending, *, request=None) -> ProofBundle:
    manifest = build_manifest(sending)
    data = canonical(manifest)
    digest = hashlib.sha256(data).hexdigest()
    bundle = ProofBundle(sending=sending, manifest=data.decode(), sha256=digest)
    url = conf.tsa_url()
    if url:
        token, gen_time = timestamp(data, url)
        bundle.tsa_url, bundle.tsa_token, bundle.tsa_time = url, token, gen_time
    entry = journal.record(
        "councils.proof_sealed",
        request=request,
        obj=sending,
        details={
            "manifest_sha256": digest,
            "timestamped": bool(url),
            "tsa_time": _t(bundle.tsa_time),
        },
    )
    bundle.journal_entry_id, bundle.journal_hash = entry.pk, entry.hash
    bundle.save()
    return bundle


def verify(bundle) -> list[str]:
    """Every difference between the sealed bundle and what is stored now ([] = valid)."""
    from civitas.core.models import JournalEntry

    problems = []
    data = bundle.manifest.encode()
    if hashlib.sha256(data).hexdigest() != bundle.sha256:
        problems.append(_("The manifest was changed after sealing."))
    entry = JournalEntry.objects.filter(pk=bundle.journal_entry_id).first()
    if entry is None or entry.hash != bundle.journal_hash:
        problems.append(_("The journal entry of this bundle is missing or different."))
    elif (
        entry.details.get("manifest_sha256") != bundle.sha256 or entry.compute_hash() != entry.hash
    ):
        problems.append(_("The journal entry does not match this manifest."))
    if bundle.tsa_token:
        from rfc3161_client import decode_timestamp_response

        try:
            response = decode_timestamp_response(bytes(bundle.tsa_token))
            if response.tst_info.message_imprint.message != hashlib.sha256(data).digest():
                problems.append(_("The RFC 3161 timestamp is for another manifest."))
        except Exception:  # noqa: BLE001 (a damaged token is a finding, not a crash)
            problems.append(_("The RFC 3161 timestamp token is damaged."))
    sealed = json.loads(bundle.manifest)
    for doc in sealed.get("documents", []):
        current = Document.objects.filter(pk=doc["id"]).first()
        if current is None:
            problems.append(_("Document “%(t)s” no longer exists.") % {"t": doc["title"]})
            continue
        try:
            digest = file_sha256(current)
        except OSError:
            problems.append(_("The file of “%(t)s” is missing.") % {"t": doc["title"]})
            continue
        if digest != doc["sha256"] or current.sha256 != doc["sha256"]:
            problems.append(
                _("Document “%(t)s” was changed: its SHA-256 differs from the manifest.")
                % {"t": doc["title"]}
            )
    now = build_manifest(bundle.sending)
    fields = (
        "channel",
        "channel_chosen_at",
        "queued_at",
        "paper_sent_at",
        "first_opened_at",
        "acknowledged_at",
        "smtp_accepted_at",
    )
    current = {r["id"]: r for r in now["recipients"]}
    for rec in sealed.get("recipients", []):
        cur = current.get(rec["id"])
        if cur is None:
            problems.append(_("Recipient %(n)s is missing.") % {"n": rec["name"]})
            continue
        for name in fields:
            # Times recorded after sealing (a later opening) are not a change; a sealed
            # time that differs is.
            if rec[name] is not None and cur[name] != rec[name]:
                problems.append(
                    _("Recipient %(n)s: %(f)s changed from %(a)s to %(b)s.")
                    % {"n": rec["name"], "f": name, "a": rec[name], "b": cur[name]}
                )
        sealed_dl = {(d["document"], d["at"]) for d in rec["downloads"]}
        if not sealed_dl <= {(d["document"], d["at"]) for d in cur["downloads"]}:
            problems.append(_("Recipient %(n)s: downloads were changed.") % {"n": rec["name"]})
    if sealed.get("sending", {}).get("sent_at") != now["sending"]["sent_at"]:
        problems.append(_("The time of sending was changed."))
    if bundle.tsa_time is None and conf.tsa_url():
        problems.append(_("This bundle has no RFC 3161 timestamp."))
    return problems


def latest(sending):
    return sending.proofs.order_by("-created_at", "-pk").first()
