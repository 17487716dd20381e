"""Registration of a company, its representatives and offers; validation by administrators."""

from __future__ import annotations

import unicodedata

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.core import journal
from civitas.core.models import User

from ..models import Company, Offer, Representative
from . import ServiceError, convocation, moderation, notify, regform, webhooks


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


def _site_url() -> str:
    from civitas.core.outbox.services import common_context

    return common_context()["site_url"].rstrip("/")


def password_url(user) -> str:
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    key = default_token_generator.make_token(user)
    return _site_url() + reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
    )


def _account_for(rep: Representative) -> tuple[User, bool]:
    """The person's civitas account (created without a password if new)."""
    from allauth.account.models import EmailAddress

    user = User.objects.filter(email__iexact=rep.email).first()
    if user is not None:
        return user, False
    user = User.objects.create_user(rep.email, None, full_name=rep.full_name, phone=rep.phone)
    EmailAddress.objects.create(user=user, email=rep.email, primary=True, verified=False)
    return user, True


@transaction.atomic
def register_company(event, company: Company, representatives, offers, *, request=None):
    """Save a registration in one transaction and send the confirmations.

    `company`, `representatives` and `offers` are unsaved model instances (from the forms);
    offers carry `_keywords` and `_key_figures` lists for their many-to-many fields.
    """
    if not event.registration_is_open():
        raise ServiceError(_("Registration is closed for this event."))
    if not representatives:
        raise ServiceError(_("At least one representative is needed."))
    emails = [r.email.lower() for r in representatives]
    if len(set(emails)) != len(emails):
        raise ServiceError(_("Each representative needs their own e-mail address."))
    taken = Representative.objects.filter(
        company__event=event, email__in=[r.email for r in representatives]
    ).exclude(company__status=Company.Status.REJECTED)
    if taken.exists():
        raise ServiceError(
            _("%(emails)s is already registered for this event.")
            % {"emails": ", ".join(t.email for t in taken)}
        )
    regform.check_values(event, regform.COMPANY, company, company.sector_id)
    for rep in representatives:
        regform.check_values(event, regform.REPRESENTATIVE, rep, company.sector_id)
    company.event = event
    company.status = Company.Status.REGISTERED
    company.save()
    created_accounts = []
    for rep in representatives:
        rep.company = company
        # Validated together with the company (services/moderation.py).
        moderation.submit(rep)
        user, created = _account_for(rep)
        rep.user = user
        rep.save()
        if created:
            created_accounts.append(user.pk)
    for offer in offers:
        offer.company = company
        moderation.submit(offer)
        offer.save()
        offer.keywords.set(getattr(offer, "_keywords", []))
        offer.key_figures.set(getattr(offer, "_key_figures", []))
    refresh_search_text(company)
    area = _site_url() + reverse("events:area_home", kwargs={"slug": event.slug})
    for i, rep in enumerate(representatives):
        extra = {"company": company.name, "area_url": area, "password_url": ""}
        if rep.user_id in created_accounts:
            extra["password_url"] = password_url(rep.user)
        # Login, programme and the PDF convocation with the check-in QR code.
        more, attachments = convocation.confirmation_parts(rep)
        extra.update(more)
        notify.tell(
            rep,
            "events.registration_received",
            sms=False,
            cc_admins=(i == 0),
            extra=extra,
            attachments=attachments,
        )
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
    area = _site_url() + reverse("events:area_home", kwargs={"slug": company.event.slug})
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
