"""The event's keyword and cooperation-type lists, edited by the organiser: rename, merge
(the offers that had the merged entry get the kept one) and retire (no longer offered to
choose, kept on the offers that have it). The catalogue search text of the companies
concerned follows a rename or a merge."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from civitas.core import journal, locking

from ..models import Company, CooperationType, Keyword, Offer
from . import ServiceError
from .registration import refresh_search_text

KINDS = {"keyword": Keyword, "cooperation_type": CooperationType}


def model_of(kind: str):
    return KINDS[kind]


def usage(event, kind: str) -> dict[int, int]:
    """{entry id: number of offers that use it}."""
    from django.db.models import Count

    if kind == "keyword":
        rows = (
            Offer.keywords.through.objects.filter(keyword__event=event)
            .values("keyword_id")
            .annotate(n=Count("pk"))
            .values_list("keyword_id", "n")
        )
    else:
        rows = (
            Offer.objects.filter(cooperation_type__event=event)
            .values("cooperation_type_id")
            .annotate(n=Count("pk"))
            .values_list("cooperation_type_id", "n")
        )
    return dict(rows)


def _companies(kind: str, entry_ids) -> list[int]:
    if kind == "keyword":
        qs = Offer.objects.filter(keywords__in=entry_ids)
    else:
        qs = Offer.objects.filter(cooperation_type__in=entry_ids)
    return sorted(set(qs.values_list("company_id", flat=True)))


def _refresh(company_ids) -> None:
    for company in Company.objects.filter(pk__in=company_ids).select_related("sector"):
        refresh_search_text(company)


@transaction.atomic
def rename(entry, label_fr: str, label_en: str = "", *, request=None):
    label_fr, label_en = (label_fr or "").strip(), (label_en or "").strip()
    if not label_fr:
        raise ServiceError(_("The French label is required."))
    kind = "keyword" if isinstance(entry, Keyword) else "cooperation_type"
    if (
        type(entry)
        .objects.filter(event_id=entry.event_id, label_fr__iexact=label_fr)
        .exclude(pk=entry.pk)
        .exists()
    ):
        raise ServiceError(
            _("“%(l)s” already exists in this list: merge the two instead.") % {"l": label_fr}
        )
    before = entry.label_fr
    entry.label_fr, entry.label_en = label_fr[:200], label_en[:200]
    entry.save(update_fields=["label_fr", "label_en"])
    if kind == "keyword":
        _refresh(_companies(kind, [entry.pk]))
    journal.record(f"events.{kind}_renamed", request=request, obj=entry, details={"before": before})
    return entry


@transaction.atomic
def merge(source, target, *, request=None):
    """Every offer with `source` gets `target` instead; `source` is deleted."""
    model = type(source)
    if type(target) is not model or target.event_id != source.event_id:
        raise ServiceError(_("Choose an entry of the same list."))
    if target.pk == source.pk:
        raise ServiceError(_("An entry cannot be merged into itself."))
    kind = "keyword" if model is Keyword else "cooperation_type"
    locking.lock(rows=[model.objects.filter(pk__in=[source.pk, target.pk])])
    companies = _companies(kind, [source.pk])
    if kind == "keyword":
        through = Offer.keywords.through
        offer_ids = list(through.objects.filter(keyword=source).values_list("offer_id", flat=True))
        for offer in Offer.objects.filter(pk__in=offer_ids):
            offer.keywords.add(target)  # a no-op where the offer already had it
        through.objects.filter(keyword=source).delete()
    else:
        for offer in Offer.objects.filter(cooperation_type=source):
            offer.cooperation_type = target
            offer.save(update_fields=["cooperation_type"])
    label = source.label_fr
    journal.record(
        f"events.{kind}_merged",
        request=request,
        obj=target,
        details={"merged": label, "merged_id": source.pk, "offers": len(companies)},
    )
    source.delete()
    _refresh(companies)
    return target


@transaction.atomic
def retire(entry, retired: bool = True, *, request=None):
    kind = "keyword" if isinstance(entry, Keyword) else "cooperation_type"
    entry.retired = retired
    entry.save(update_fields=["retired"])
    journal.record(
        f"events.{kind}_{'retired' if retired else 'reinstated'}", request=request, obj=entry
    )
    return entry
