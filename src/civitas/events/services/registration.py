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
from . import (
    ServiceError,
    availability,
    convocation,
    coorganisers,
    membership,
    moderation,
    notify,
    regform,
    webhooks,
)


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
    coorganisers.assign(company)
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
    # The co-organiser following the company gets its own copy (services/coorganisers.py).
    coorganisers.send_copy(company, representatives)
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


def _open_requests(company: Company):
    from ..models import MeetingRequest

    return MeetingRequest.objects.filter(
        Q(sender__company=company) | Q(recipient__company=company),
        state__in=MeetingRequest.OPEN_STATES,
    )


def rejection_consequences(company: Company) -> dict:
    """What rejecting `company` would do, for the confirmation page: its open requests
    (cancelled) and among them the scheduled meetings (cancelled, partners told)."""
    from ..models import Meeting

    requests = _open_requests(company)
    meetings = Meeting.objects.filter(request__in=requests, state=Meeting.State.SCHEDULED)
    return {
        "requests": requests.count(),
        "meetings": meetings.select_related(
            "slot", "request__sender__company", "request__recipient__company"
        ).order_by("slot__start"),
        "partners": Company.objects.filter(
            Q(representatives__sent_requests__in=requests)
            | Q(representatives__received_requests__in=requests)
        )
        .exclude(pk=company.pk)
        .distinct()
        .count(),
    }


@transaction.atomic
def reject_registration(company: Company, *, reason: str = "", actor=None, request=None) -> Company:
    """Reject a registration, or withdraw one already validated. A validated company needs
    a reason. Its open requests are cancelled, with their meetings: each partner is told;
    the company's representatives get one message with the reason."""
    from . import meetings as meeting_svc

    company = Company.objects.select_for_update().get(pk=company.pk)
    if company.status == Company.Status.REJECTED:
        return company
    was_validated = company.status == Company.Status.VALIDATED
    reason = (reason or "").strip()
    if was_validated and not reason:
        raise ServiceError(
            _("Give a reason: this company is validated, and it is told why it is withdrawn.")
        )
    company.status = Company.Status.REJECTED
    company.save(update_fields=["status"])
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    reps = list(company.representatives.all())
    own = {rep.pk for rep in reps}
    cancelled = 0
    for req in _open_requests(company).select_related("sender", "recipient"):
        had_meeting = req.meetings.filter(state="scheduled").exists()
        meeting_svc.cancel_request(
            req, None, reason=_("Registration withdrawn"), actor=actor, untold=own
        )
        cancelled += had_meeting
    for rep in reps:
        notify.tell(
            rep,
            "events.registration_rejected",
            sms=False,
            extra={
                "company": company.name,
                "reason": reason,
                "withdrawn": was_validated,
                "meetings_cancelled": cancelled,
            },
        )
    journal.record(
        "events.company_rejected",
        request=request,
        actor=actor,
        obj=company,
        details={"reason": reason, "was_validated": was_validated, "meetings": cancelled},
    )
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
    rep: Representative,
    *,
    by: Representative,
    absent_sessions=None,
    confirmed=False,
    request=None,
) -> Representative:
    """Save a representative edited by themselves or a colleague of the same company. A
    session dropped where they have meetings raises availability.NeedsConfirmation (nothing
    saved) unless `confirmed`: then those meetings are cancelled and each partner told."""
    if by.company_id != rep.company_id:
        raise ServiceError(_("Only the company's representatives may edit it."))
    company = rep.company
    regform.check_values(company.event, regform.REPRESENTATIVE, rep, company.sector_id)
    rep.save()
    if absent_sessions is not None:
        availability.set_absences(rep, absent_sessions, confirmed=confirmed)
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


# --- Corrections by the organisers (back office) ----------------------------------------------


@transaction.atomic
def organiser_update_company(company: Company, *, actor=None, request=None) -> Company:
    """Save a company corrected by the organisers (the change trail keeps what changed)."""
    regform.check_values(company.event, regform.COMPANY, company, company.sector_id)
    company.save()
    refresh_search_text(company)
    journal.record("events.registration_edited", request=request, actor=actor, obj=company)
    return company


def _welcome(rep: Representative) -> None:
    """The account of a representative the organisers added or whose address they changed:
    a new account gets the registration mail with its set-password link; an existing
    account gets the link that attaches it once its holder confirms."""
    user, created = membership.account_for(rep)
    rep.user = user
    rep.save(update_fields=["user"])
    if user is None:
        membership.ask_confirmation(rep)
        return
    extra = {
        "company": rep.company.name,
        "area_url": absolute_url("events:area_home", slug=rep.company.event.slug),
        "password_url": accounts.set_password_url(user) if created else "",
    }
    more, attachments = convocation.confirmation_parts(rep)
    extra.update(more)
    notify.tell(
        rep, "events.registration_received", sms=False, extra=extra, attachments=attachments
    )


@transaction.atomic
def organiser_save_representative(
    rep: Representative, *, absent_sessions=None, confirmed=False, actor=None, request=None
) -> Representative:
    """Add or correct a representative from the back office. A changed address is told to
    both addresses (the old one learns that it no longer receives the event's messages) and
    the account follows the new address; a new representative is welcomed as at
    registration. Sessions dropped where the person has meetings: as update_representative
    (availability.NeedsConfirmation unless `confirmed`)."""
    company = rep.company
    event = company.event
    regform.check_values(event, regform.REPRESENTATIVE, rep, company.sector_id)
    rep.email = rep.email.strip().lower()
    others = Representative.objects.filter(company__event=event, email__iexact=rep.email).exclude(
        company__status=Company.Status.REJECTED
    )
    if rep.pk:
        others = others.exclude(pk=rep.pk)
    if others.exists():
        raise ServiceError(_("This e-mail address is already registered for this event."))
    is_new = rep.pk is None
    old_email = None
    if not is_new:
        old_email = Representative.objects.filter(pk=rep.pk).values_list("email", flat=True)[0]
        if old_email.lower() == rep.email:
            old_email = None
    if is_new and company.status == Company.Status.VALIDATED:
        rep.moderation = "validated"
        rep.moderated_at = timezone.now()
        rep.moderated_by = actor
    rep.save()
    cancelled = []
    if absent_sessions is not None:
        if is_new:
            rep.absent_sessions.set(absent_sessions)
        else:
            cancelled = availability.set_absences(rep, absent_sessions, confirmed=confirmed)
    if is_new or old_email:
        if old_email:
            notify.tell_address(
                event,
                old_email,
                "events.representative_email_changed",
                language=getattr(rep.user, "language", None) or "fr",
                extra={"name": rep.full_name, "company": company.name, "new_email": rep.email},
            )
        _welcome(rep)
    journal.record(
        "events.representative_added" if is_new else "events.representative_edited",
        request=request,
        actor=actor,
        obj=rep,
        details={
            "email_changed": bool(old_email),
            "meetings_cancelled": [m.pk for m in cancelled],
        },
    )
    return rep


@transaction.atomic
def organiser_remove_representative(
    rep: Representative, *, reason: str, actor=None, request=None
) -> int:
    """Remove a representative (never the last one: withdraw the company instead). Their
    open requests are cancelled and each partner told. Returns how many were cancelled."""
    from ..models import MeetingRequest
    from . import meetings as meeting_svc

    rep = Representative.objects.select_for_update().select_related("company").get(pk=rep.pk)
    if rep.company.representatives.count() <= 1:
        raise ServiceError(
            _("This is the company's only representative: withdraw the registration instead.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give a reason: it is kept in the journal."))
    open_requests = MeetingRequest.objects.filter(
        Q(sender=rep) | Q(recipient=rep), state__in=MeetingRequest.OPEN_STATES
    )
    cancelled = 0
    for req in open_requests.select_related("sender", "recipient"):
        meeting_svc.cancel_request(
            req, None, reason=_("Representative removed"), actor=actor, untold={rep.pk}
        )
        cancelled += 1
    journal.record(
        "events.representative_removed",
        request=request,
        actor=actor,
        obj=rep.company,
        details={"representative": rep.full_name, "reason": reason, "cancelled": cancelled},
    )
    rep.delete()
    return cancelled


@transaction.atomic
def organiser_save_offer(
    offer: Offer, *, keywords=None, key_figures=None, actor=None, request=None
) -> Offer:
    """Add or correct an offer or request of a company from the back office. The organisers
    are the ones who validate: what they write is validated at once when the company is
    (the change trail keeps the text before and after)."""
    company = offer.company
    is_new = offer.pk is None
    if not is_new and not Offer.objects.filter(pk=offer.pk, company=company).exists():
        raise ServiceError(_("This offer belongs to another company."))
    if company.status == Company.Status.VALIDATED:
        offer.moderation = "validated"
        offer.moderated_at = timezone.now()
        offer.moderated_by = actor
        offer.moderation_reason = ""
    offer.save()
    if keywords is not None:
        offer.keywords.set(keywords)
    if key_figures is not None:
        offer.key_figures.set(key_figures)
    refresh_search_text(company)
    journal.record(
        "events.offer_added" if is_new else "events.offer_edited",
        request=request,
        actor=actor,
        obj=company,
        details={"offer": offer.pk, "title": offer.title},
    )
    return offer


@transaction.atomic
def organiser_delete_offer(offer: Offer, *, reason: str, actor=None, request=None) -> None:
    """Remove an offer or request of a company from the back office, with a reason kept in
    the journal (the change trail keeps the removed text)."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give a reason: it is kept in the journal."))
    company = offer.company
    journal.record(
        "events.offer_removed",
        request=request,
        actor=actor,
        obj=company,
        details={"offer": offer.pk, "title": offer.title, "reason": reason},
    )
    offer.delete()
    refresh_search_text(company)


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
