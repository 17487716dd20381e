"""Whom to meet: offer↔request complementarity, shared keywords, same sector; with reasons."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from ..models import Company, MeetingRequest, Offer, Representative

W_COMPLEMENT = 5
W_KEYWORD = 2
W_SECTOR = 1


@dataclass
class Suggestion:
    company: Company
    score: int = 0
    reasons: list[str] = field(default_factory=list)


def _offer_terms(offer):
    return {k.pk for k in offer.keywords.all()}, offer.cooperation_type_id


def suggestions(rep: Representative, limit: int = 20) -> list[Suggestion]:
    me = rep.company
    event = me.event
    mine = list(me.offers.prefetch_related("keywords"))
    my_kw = {k.pk: k.label for o in mine for k in o.keywords.all()}
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
        theirs = list(company.offers.all())
        for a in mine:
            a_kw, a_coop = _offer_terms(a)
            for b in theirs:
                if a.kind == b.kind:
                    continue
                b_kw, b_coop = _offer_terms(b)
                if a_kw & b_kw or (a_coop and a_coop == b_coop):
                    s.score += W_COMPLEMENT
                    if a.kind == Offer.Kind.OFFER:
                        s.reasons.append(
                            _("Your offer “%(a)s” answers their request “%(b)s”.")
                            % {"a": a.title, "b": b.title}
                        )
                    else:
                        s.reasons.append(
                            _("Their offer “%(b)s” answers your request “%(a)s”.")
                            % {"a": a.title, "b": b.title}
                        )
        shared = sorted({my_kw[k.pk] for b in theirs for k in b.keywords.all() if k.pk in my_kw})
        if shared:
            s.score += W_KEYWORD * len(shared)
            s.reasons.append(_("Shared keywords: %(k)s.") % {"k": ", ".join(shared)})
        if me.sector_id and company.sector_id == me.sector_id:
            s.score += W_SECTOR
            s.reasons.append(_("Same sector: %(s)s.") % {"s": company.sector})
        if s.score:
            out.append(s)
    out.sort(key=lambda s: (-s.score, s.company.name.lower()))
    return out[:limit]
