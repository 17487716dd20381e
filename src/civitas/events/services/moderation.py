"""Validation of representatives and offers/requests, besides the company itself.

A company's items are validated together with it (registration.validate_registration);
a representative added, or an offer created or materially edited (title, description,
kind) by a participant afterwards waits for an administrator ("pending"), who validates
or rejects it here. Only validated items of validated companies are public.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.core import journal
from civitas.core.sites import absolute_url

from ..models import Company, ModerationStatus, Offer, Representative
from . import ServiceError, notify

PENDING = ModerationStatus.PENDING
VALIDATED = ModerationStatus.VALIDATED
REJECTED = ModerationStatus.REJECTED

# The fields whose change sends a validated offer back to the administrators.
MATERIAL_OFFER_FIELDS = ("title", "description", "kind")

KINDS = {"representative": Representative, "offer": Offer}


def visible_offers(qs=None):
    """Offers the public (and the other participants) may see."""
    return (qs if qs is not None else Offer.objects.all()).filter(moderation=VALIDATED)


def visible_representatives(qs=None):
    return (qs if qs is not None else Representative.objects.all()).filter(moderation=VALIDATED)


def offer_materially_changed(offer: Offer) -> bool:
    if offer.pk is None:
        return True
    before = Offer.objects.filter(pk=offer.pk).values(*MATERIAL_OFFER_FIELDS).first()
    if before is None:
        return True
    return any(before[f] != getattr(offer, f) for f in MATERIAL_OFFER_FIELDS)


def submit(item) -> None:
    """Mark an unsaved or edited item as awaiting validation (the caller saves it)."""
    item.moderation = PENDING
    item.moderated_at = None
    item.moderated_by = None
    item.moderation_reason = ""


@dataclass
class Pending:
    companies: list
    representatives: list
    offers: list

    @property
    def total(self) -> int:
        return len(self.companies) + len(self.representatives) + len(self.offers)


def pending_filter() -> Q:
    """Items of validated companies waiting for an administrator (items of a company not
    validated yet are validated with it)."""
    return Q(moderation=PENDING, company__status=Company.Status.VALIDATED)


def pending(event) -> Pending:
    return Pending(
        companies=list(
            event.companies.filter(status=Company.Status.REGISTERED).order_by("created_at")
        ),
        representatives=list(
            Representative.objects.filter(pending_filter(), company__event=event)
            .select_related("company")
            .order_by("company__name", "last_name")
        ),
        offers=list(
            Offer.objects.filter(pending_filter(), company__event=event)
            .select_related("company")
            .order_by("company__name", "title")
        ),
    )


def pending_counts(event) -> dict:
    return {
        "companies": event.companies.filter(status=Company.Status.REGISTERED).count(),
        "representatives": Representative.objects.filter(
            pending_filter(), company__event=event
        ).count(),
        "offers": Offer.objects.filter(pending_filter(), company__event=event).count(),
    }


def _locked(model, pk, event):
    item = (
        model.objects.select_for_update()
        .filter(pk=pk, company__event=event)
        .select_related("company__event")
        .first()
    )
    if item is None:
        raise ServiceError(_("This item does not belong to this event."))
    return item


def _refresh_search(company):
    from .registration import refresh_search_text

    refresh_search_text(company)


def _actor(actor, request):
    if actor is None and request is not None and request.user.is_authenticated:
        return request.user
    return actor


@transaction.atomic
def validate_item(kind: str, pk: int, event, *, actor=None, request=None):
    model = KINDS[kind]
    item = _locked(model, pk, event)
    if item.company.status != Company.Status.VALIDATED:
        raise ServiceError(
            _("%(company)s is not validated yet: validate the company first.")
            % {"company": item.company.name}
        )
    if item.moderation == VALIDATED:
        return item
    item.moderation = VALIDATED
    item.moderated_at = timezone.now()
    item.moderated_by = _actor(actor, request)
    item.moderation_reason = ""
    item.save(update_fields=["moderation", "moderated_at", "moderated_by", "moderation_reason"])
    if kind == "offer":
        _refresh_search(item.company)
    journal.record(f"events.{kind}_validated", request=request, actor=actor, obj=item)
    return item


@transaction.atomic
def reject_item(kind: str, pk: int, event, reason: str, *, actor=None, request=None):
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason for the rejection: the participant receives it."))
    model = KINDS[kind]
    item = _locked(model, pk, event)
    item.moderation = REJECTED
    item.moderated_at = timezone.now()
    item.moderated_by = _actor(actor, request)
    item.moderation_reason = reason
    item.save(update_fields=["moderation", "moderated_at", "moderated_by", "moderation_reason"])
    if kind == "offer":
        _refresh_search(item.company)
    journal.record(
        f"events.{kind}_rejected",
        request=request,
        actor=actor,
        obj=item,
        details={"reason": reason},
    )
    label = (
        _("Representative: %(name)s") % {"name": item.full_name}
        if kind == "representative"
        else _("Offer or request: %(title)s") % {"title": item.title}
    )
    _tell_rejection(item.company, label, reason, also=item if kind == "representative" else None)
    return item


def _tell_rejection(company, label, reason, also=None):
    recipients = list(visible_representatives(company.representatives.all()))
    if also is not None and also not in recipients:
        recipients.append(also)
    for rep in recipients:
        _tell_rejection_one(rep, company, label, reason)


@transaction.atomic
def reject_company(company: Company, reason: str, *, actor=None, request=None):
    """Reject a registration from the validation screen: always with a reason, which the
    people receive (the rejection itself is registration.reject_registration)."""
    from . import registration

    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason for the rejection: the participant receives it."))
    return registration.reject_registration(company, reason=reason, actor=actor, request=request)


def _tell_rejection_one(rep, company, label, reason):

    area = absolute_url("events:area_home", slug=company.event.slug)
    notify.tell(
        rep,
        "events.item_rejected",
        sms=False,
        extra={"company": company.name, "item": label, "reason": reason, "area_url": area},
    )


def validate_with_company(company: Company, *, actor=None) -> None:
    """Called when the company is validated: its pending items are validated with it."""
    now = timezone.now()
    for model in (Representative, Offer):
        model.objects.filter(company=company, moderation=PENDING).update(
            moderation=VALIDATED, moderated_at=now, moderated_by=actor, moderation_reason=""
        )


def bulk_validate(event, *, companies=(), representatives=(), offers=(), actor=None, request=None):
    """Validate several items at once; returns how many were validated. Companies first, so
    their own items validate with them."""
    from . import registration

    n = 0
    for company in Company.objects.filter(
        event=event, pk__in=list(companies), status=Company.Status.REGISTERED
    ):
        registration.validate_registration(company, actor=actor, request=request)
        n += 1
    for kind, ids in (("representative", representatives), ("offer", offers)):
        model = KINDS[kind]
        for pk in model.objects.filter(
            pending_filter(), company__event=event, pk__in=list(ids)
        ).values_list("pk", flat=True):
            validate_item(kind, pk, event, actor=actor, request=request)
            n += 1
    return n


@transaction.atomic
def add_representative(rep: Representative, *, by: Representative, absent_sessions=None):
    """A colleague added by a representative in their area: an account is made for them
    (without a password if new) and they wait for the organisers' validation (or for their
    company's, which validates them with it)."""
    from . import convocation, membership, regform

    company = by.company
    event = company.event
    if company.status == Company.Status.REJECTED:
        raise ServiceError(_("Your company's registration was not validated."))
    taken = Representative.objects.filter(company__event=event, email__iexact=rep.email).exclude(
        company__status=Company.Status.REJECTED
    )
    if taken.exists():
        raise ServiceError(
            _("%(emails)s is already registered for this event.") % {"emails": rep.email}
        )
    regform.check_values(event, regform.REPRESENTATIVE, rep, company.sector_id)
    rep.company = company
    submit(rep)
    # An existing account joins only once its holder confirms from the mailed link.
    user, created = membership.account_for(rep)
    rep.user = user
    rep.save()
    if absent_sessions is not None:
        rep.absent_sessions.set(absent_sessions)
    if user is None:
        membership.ask_confirmation(rep)
    else:
        from civitas.core import accounts

        area = absolute_url("events:area_home", slug=event.slug)
        extra = {
            "company": company.name,
            "area_url": area,
            "password_url": accounts.set_password_url(user) if created else "",
        }
        more, attachments = convocation.confirmation_parts(rep)
        extra.update(more)
        notify.tell(
            rep,
            "events.registration_received",
            sms=False,
            cc_admins=True,
            extra=extra,
            attachments=attachments,
        )
    journal.record(
        "events.representative_added",
        actor=by.user,
        obj=rep,
        details={"by": by.pk},
    )
    return rep
