"""Whom to meet: an offer of one company paired with a request of the other that matches it.

A pair matches when the offer and the request share keywords, or when the two companies
are in the same sector (NACE code); nothing else makes a suggestion (an offer and a request
with nothing in common are never paired). Each suggestion says why in words, e.g.
« Vous recherchez « emballage bio » ; Société X propose « emballages compostables »
(mots-clés communs : emballage) », never as a raw score. The order (most matching pairs and
shared keywords first) is internal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from ..models import Company, MeetingRequest, Offer, Representative


@dataclass
class Suggestion:
    company: Company
    reasons: list[str] = field(default_factory=list)
    weight: int = 0  # ordering only, never shown


def _same_sector(a: Company, b: Company) -> bool:
    if not (a.sector_id and b.sector_id):
        return False
    if a.sector_id == b.sector_id:
        return True
    return bool(a.sector.code) and a.sector.code == b.sector.code


def _sector_words(company: Company) -> str:
    sector = company.sector
    return sector.code or sector.label


def match(mine: Offer, theirs: Offer, me: Company, them: Company) -> str | None:
    """Why `mine` and `theirs` (one offer, one request) match, in words; None if they do not."""
    if mine.kind == theirs.kind:
        return None
    my_kw = {k.pk: k.label for k in mine.keywords.all()}
    shared = sorted({my_kw[k.pk] for k in theirs.keywords.all() if k.pk in my_kw})
    if shared:
        why = _("shared keywords: %(k)s") % {"k": ", ".join(shared)}
    elif _same_sector(me, them):
        why = _("sector %(s)s") % {"s": _sector_words(them)}
    else:
        return None
    params = {"a": mine.title, "company": them.name, "b": theirs.title, "why": why}
    if mine.kind == Offer.Kind.REQUEST:
        return _("You are looking for “%(a)s”; %(company)s offers “%(b)s” (%(why)s).") % params
    return _("You offer “%(a)s”; %(company)s is looking for “%(b)s” (%(why)s).") % params


def suggestions(rep: Representative, limit: int = 20) -> list[Suggestion]:
    me = Company.objects.select_related("sector").get(pk=rep.company_id)
    event = me.event
    mine = list(me.offers.prefetch_related("keywords"))
    if not mine:
        return []
    talking = set(
        MeetingRequest.objects.filter(
            Q(sender__company=me) | Q(recipient__company=me),
            state__in=MeetingRequest.OPEN_STATES,
        ).values_list("sender__company_id", "recipient__company_id")
    )
    busy = {c for pair in talking for c in pair} - {me.pk}
    others = (
        Company.objects.filter(event=event, status=Company.Status.VALIDATED)
        .exclude(pk=me.pk)
        .exclude(pk__in=busy)
        .select_related("sector")
        .prefetch_related(
            Prefetch(
                "offers",
                queryset=Offer.objects.filter(moderation="validated").prefetch_related("keywords"),
            )
        )
    )
    out = []
    for company in others:
        s = Suggestion(company)
        for a in mine:
            for b in company.offers.all():
                why = match(a, b, me, company)
                if why is None:
                    continue
                s.reasons.append(why)
                shared = {k.pk for k in a.keywords.all()} & {k.pk for k in b.keywords.all()}
                s.weight += 2 + len(shared)
        if s.reasons:
            out.append(s)
    out.sort(key=lambda s: (-s.weight, s.company.name.lower()))
    return out[:limit]
