"""Registration of a company, its representatives and offers; validation by administrators."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.core import accounts, journal, throttle
from civitas.core.sites import absolute_url

from ..models import Company, Offer, Representative
from . import ServiceError, convocation, membership, moderation, notify, regform, webhooks


def normalise(text: str) -> str:
    """Lower case without accents: the catalogue search compares these."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def refresh_search_text(company: Company) -> None:
    parts = [company.name, company.description, company.city, str(company.sector or "")]
    # Once the company is public, only its validated offers: a pending one must not make it
    # found by its words. Before, its offers will be validated with it.
    offers = company.offers.exclude(moderation=moderation.REJECTED)
    if company.status == Company.Status.VALIDATED:
        offers = moderation.visible_offers(offers)
    for offer in offers.prefetch_related("keywords", "key_figures"):
        parts += [offer.title, offer.description]
        parts += [f"{k.label_fr} {k.label_en}" for k in offer.keywords.all()]
        parts += [f"{k.label_fr} {k.label_en}" for k in offer.key_figures.all()]
    text = normalise(" ".join(p for p in parts if p))
    Company.objects.filter(pk=company.pk).update(search_text=text)
    company.search_text = text


def _throttle(event, representatives, request) -> None:
    """At most so many registrations per address and per IP address (counted in the
    database, before the registration's transaction: a refused attempt counts too)."""
    limits = getattr(settings, "CIVITAS_EVENTS_REGISTRATION_THROTTLE", {})
    period = timedelta(seconds=int(limits.get("period", 3600)))
    values = [("events.register.email", r.email, limits.get("email", 5)) for r in representatives]
    ip = journal.client_ip(request)
    if ip:
        values.append(("events.register.ip", ip, limits.get("ip", 30)))
    allowed = True
    for scope, value, limit in values:
        allowed &= throttle.hit(scope, value, limit=int(limit), period=period)
    if not allowed:
        raise ServiceError(
            _("Too many registrations were sent from here or for these addresses. Try again later.")
        )


def register_company(event, company: Company, representatives, offers, *, request=None):
    """Save a registration in one transaction and send the confirmations.

    `company`, `representatives` and `offers` are unsaved model instances (from the forms);
    offers carry `_keywords` and `_key_figures` lists for their many-to-many fields.

    The answer is the same whether or not an address has an account or is already
    registered for the event (services/membership.py): a representative whose address is
    already registered is left out and the address gets a notice; one whose address has an
    account is saved without it until the account's holder confirms from a mailed link. The
    representatives left out have no primary key afterwards. If none is left, nothing is
    saved and the company is returned unsaved."""
    if not event.registration_is_open():
        raise ServiceError(_("Registration is closed for this event."))
    if not representatives:
        raise ServiceError(_("At least one representative is needed."))
    emails = [r.email.lower() for r in representatives]
    if len(set(emails)) != len(emails):
        raise ServiceError(_("Each representative needs their own e-mail address."))
    _throttle(event, representatives, request)
    return _register(event, company, representatives, offers, request=request)


def registered_emails(event, emails) -> set[str]:
    """Those of `emails` (lower case) already given for a representative of the event."""
    wanted = {e.lower() for e in emails}
    if not wanted:
        return set()
    query = Q()
    for email in wanted:
        query |= Q(email__iexact=email)
    taken = Representative.objects.filter(query, company__event=event).exclude(
        company__status=Company.Status.REJECTED
    )
    return {e.lower() for e in taken.values_list("email", flat=True)}


@transaction.atomic
def _register(event, company, representatives, offers, *, request=None):
    regform.check_values(event, regform.COMPANY, company, company.sector_id)
    for rep in representatives:
        regform.check_values(event, regform.REPRESENTATIVE, rep, company.sector_id)
    taken = registered_emails(event, [r.email for r in representatives])
    for rep in representatives:
        if rep.email.lower() in taken:
            membership.tell_already_registered(event, rep.email, company.name)
    representatives = [r for r in representatives if r.email.lower() not in taken]
    if not representatives:
        journal.record(
            "events.registration_not_saved",
            request=request,
            obj=event,
            details={"reason": "addresses already registered", "count": len(taken)},
        )
        return company
    company.event = event
    company.status = Company.Status.REGISTERED
    company.save()
    created_accounts, to_confirm = [], []
    for rep in representatives:
        rep.company = company
        # Validated together with the company (services/moderation.py).
        moderation.submit(rep)
        user, created = membership.account_for(rep)
        rep.user = user
        rep.save()
        if created:
            created_accounts.append(user.pk)
        elif user is None:
            to_confirm.append(rep.pk)
    for offer in offers:
        offer.company = company
        moderation.submit(offer)
        offer.save()
        offer.keywords.set(getattr(offer, "_keywords", []))
        offer.key_figures.set(getattr(offer, "_key_figures", []))
    refresh_search_text(company)
    area = absolute_url("events:area_home", slug=event.slug)
    cc_admins = True  # the organisers get a copy of the first confirmation
    for rep in representatives:
        if rep.pk in to_confirm:
            # An existing account: its holder confirms first (then gets the usual mail).
            membership.ask_confirmation(rep)
            continue
        extra = {"company": company.name, "area_url": area, "password_url": ""}
        if rep.user_id in created_accounts:
            extra["password_url"] = accounts.set_password_url(rep.user)
        # Login, programme and the PDF convocation with the check-in QR code.
        more, attachments = convocation.confirmation_parts(rep)
        extra.update(more)
        notify.tell(
            rep,
            "events.registration_received",
            sms=False,
            cc_admins=cc_admins,
            extra=extra,
            attachments=attachments,
        )
        cc_admins = False
    journal.record("events.company_registered", request=request, obj=company)
    webhooks.company_changed(company, webhooks.Topic.COMPANY_REGISTERED)
    return company


@transaction.atomic
def validate_registration(company: Company, *, actor=None, request=None) -> Company:
    company = Company.objects.select_for_update().get(pk=company.pk)
    if company.status == Company.Status.VALIDATED:
        return company
    company.status = Company.Status.VALIDATED
    company.validated_at = timezone.now()
    company.save(update_fields=["status", "validated_at"])
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    # Its representatives and offers registered with it are validated with it.
    moderation.validate_with_company(company, actor=actor)
    refresh_search_text(company)
    area = absolute_url("events:area_home", slug=company.event.slug)
    for rep in company.representatives.all():
        notify.tell(
            rep,
            "events.registration_validated",
            sms=False,
            extra={"company": company.name, "area_url": area},
        )
    journal.record("events.company_validated", request=request, actor=actor, obj=company)
    webhooks.company_changed(company, webhooks.Topic.COMPANY_VALIDATED)
    return company


@transaction.atomic
def reject_registration(company: Company, *, actor=None, request=None) -> Company:
    company = Company.objects.select_for_update().get(pk=company.pk)
    company.status = Company.Status.REJECTED
    company.save(update_fields=["status"])
    journal.record("events.company_rejected", request=request, actor=actor, obj=company)
    webhooks.company_changed(company, webhooks.Topic.COMPANY_REJECTED)
    return company


@transaction.atomic
def update_company(company: Company, *, by: Representative, request=None) -> Company:
    """Save a company edited by one of its representatives."""
    if by.company_id != company.pk:
        raise ServiceError(_("Only the company's representatives may edit it."))
    regform.check_values(company.event, regform.COMPANY, company, company.sector_id)
    company.save()
    refresh_search_text(company)
    return company


@transaction.atomic
def update_representative(
    rep: Representative, *, by: Representative, absent_sessions=None, request=None
) -> Representative:
    """Save a representative edited by themselves or a colleague of the same company."""
    if by.company_id != rep.company_id:
        raise ServiceError(_("Only the company's representatives may edit it."))
    company = rep.company
    regform.check_values(company.event, regform.REPRESENTATIVE, rep, company.sector_id)
    rep.save()
    if absent_sessions is not None:
        rep.absent_sessions.set(absent_sessions)
    return rep


@transaction.atomic
def save_offer(offer: Offer, *, by: Representative, keywords=None, key_figures=None) -> Offer:
    if offer.pk and offer.company_id != by.company_id:
        raise ServiceError(_("Only the company's representatives may edit its offers."))
    offer.company = by.company
    if moderation.offer_materially_changed(offer):
        # New or rewritten (title, description, kind): an administrator validates it again.
        moderation.submit(offer)
    offer.save()
    if keywords is not None:
        offer.keywords.set(keywords)
    if key_figures is not None:
        offer.key_figures.set(key_figures)
    refresh_search_text(by.company)
    return offer


@transaction.atomic
def delete_offer(offer: Offer, *, by: Representative) -> None:
    if offer.company_id != by.company_id:
        raise ServiceError(_("Only the company's representatives may delete its offers."))
    offer.delete()
    refresh_search_text(by.company)


def register_on_site(event, company: Company, representatives, *, request=None):
    """An organiser registers a walk-in on the day: the same saving as an online
    registration (confirmations, membership rules), whatever the registration dates, then
    validated at once (the organiser is the one validating)."""
    if not representatives:
        raise ServiceError(_("At least one representative is needed."))
    company = _register(event, company, representatives, [], request=request)
    if company.pk is None:
        return company
    return validate_registration(company, request=request)
