"""Mailings to a filtered set of an event's participants, sent through the core outbox.

The screen and the outbox use the same function, `participants(event, params)`: the count
and preview the organiser sees are the people the "events.participants" source returns
when the mailing is prepared. `params` is JSON (it is stored in Mailing.source_params):

    {"event": 12, "status": ["validated"], "sector": [3, 4], "country": ["FR"],
     "sessions": [7], "meetings": "with" | "without" | "", "language": "fr" | "en" | ""}

Empty lists and "" mean "no condition". A recipient is a representative (a person); the
placeholders of the subject and body are PLACEHOLDERS below.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civitas.core import journal
from civitas.core.outbox import recipients, templates
from civitas.core.outbox import services as outbox
from civitas.core.outbox.models import Mailing
from civitas.core.params import int_param
from civitas.core.sites import site_url

from ..models import Company, Event, Meeting, Representative
from . import ServiceError

SOURCE = "events.participants"
MEETINGS_WITH, MEETINGS_WITHOUT = "with", "without"

PLACEHOLDERS = {
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "name": gettext_lazy("First and last name"),
    "email": gettext_lazy("E-mail address"),
    "company": gettext_lazy("Company"),
    "event": gettext_lazy("Event name"),
    "event_url": gettext_lazy("Address of the event page"),
    "area_url": gettext_lazy("Address of the participant's area"),
    "agenda_url": gettext_lazy("Address of the participant's agenda"),
}


def _ints(values) -> list[int]:
    """The ids among `values` (anything else, including numbers out of range, skipped)."""
    return [n for n in map(int_param, values or []) if n is not None]


def _strs(values) -> list[str]:
    return [str(v) for v in (values or []) if str(v)]


def participants(event: Event, params: dict):
    """The representatives of `event` matching the filters in `params`."""
    params = params or {}
    qs = Representative.objects.filter(company__event=event)
    status = _strs(params.get("status"))
    if status:
        qs = qs.filter(company__status__in=status)
    sectors = _ints(params.get("sector"))
    if sectors:
        qs = qs.filter(company__sector_id__in=sectors)
    countries = [c.upper() for c in _strs(params.get("country"))]
    if countries:
        qs = qs.filter(company__country__in=countries)
    sessions = _ints(params.get("sessions"))
    if sessions:
        # Attending at least one of them = not absent from all of them.
        absent_from_all = (
            Representative.objects.filter(company__event=event, absent_sessions__in=sessions)
            .values("pk")
            .annotate(n=Count("absent_sessions"))
            .filter(n__gte=len(set(sessions)))
            .values("pk")
        )
        qs = qs.exclude(pk__in=absent_from_all)
    meetings = params.get("meetings") or ""
    if meetings in (MEETINGS_WITH, MEETINGS_WITHOUT):
        has = Exists(
            Meeting.objects.filter(state=Meeting.State.SCHEDULED).filter(
                Q(request__sender=OuterRef("pk")) | Q(request__recipient=OuterRef("pk"))
            )
        )
        qs = qs.filter(has) if meetings == MEETINGS_WITH else qs.filter(~has)
    language = params.get("language") or ""
    if language == "en":
        qs = qs.filter(user__language="en")
    elif language == "fr":
        qs = qs.filter(Q(user__isnull=True) | ~Q(user__language="en"))
    return qs.order_by("company__name", "last_name", "first_name", "pk")


def count(event: Event, params: dict) -> int:
    """Distinct addresses (what the outbox will send to)."""
    return participants(event, params).annotate(a=Lower("email")).values("a").distinct().count()


def _site() -> str:
    return site_url()


def recipient_for(rep: Representative, site=None) -> recipients.Recipient:
    event = rep.company.event
    site = site if site is not None else _site()
    slug = {"slug": event.slug}
    ctx = {
        "first_name": rep.first_name,
        "last_name": rep.last_name,
        "name": rep.full_name,
        "email": rep.email,
        "company": rep.company.name,
        "event": event.name,
        "event_url": site + reverse("events:event_page", kwargs=slug),
        "area_url": site + reverse("events:area_home", kwargs=slug),
        "agenda_url": site + reverse("events:area_agenda", kwargs=slug),
    }
    language = getattr(rep.user, "language", None) or "fr"
    return recipients.Recipient(rep.email, rep.full_name, language, ctx)


def source(params: dict):
    """The outbox source "events.participants": nobody without a valid event."""
    ids = _ints([(params or {}).get("event")])
    event = Event.objects.filter(pk=ids[0]).first() if ids else None
    if event is None:
        return
    site = _site()
    qs = participants(event, params).select_related("company__event", "user")
    for rep in qs.iterator(chunk_size=500):
        yield recipient_for(rep, site)


def register_source():
    recipients.register(
        SOURCE,
        gettext_lazy("Participants of an event (filtered)"),
        source,
        placeholders=PLACEHOLDERS,
        short_placeholders=True,
    )


# --- Texts ------------------------------------------------------------------------------------


def normalise_placeholders(text: str) -> str:
    """Accept {first_name} as well as {{ first_name }} for the known placeholders."""
    return outbox.normalise_mailing_text(text, SOURCE)


def all_placeholders() -> dict:
    return outbox.mailing_placeholders(SOURCE)


def check_text(text: str) -> list[str]:
    """The outbox's mailing checks, with this source's placeholders."""
    return outbox.check_mailing_text(text, SOURCE)


def category(event: Event) -> str:
    """Opt-out category: one per event, so a person can stop one event's news only."""
    return f"events.{event.slug}"[:60]


def preview(event: Event, params: dict, subject="", body="", limit=10) -> dict:
    """Count, first recipients and the texts rendered for the first one."""
    qs = participants(event, params).select_related("company__event", "user")
    first = list(qs[:limit])
    out = {"count": count(event, params), "first": first, "subject": "", "body": "", "error": ""}
    if not (subject or body):
        return out
    problems = check_text(subject) + check_text(body)
    if problems:
        out["error"] = " ".join(str(p) for p in problems)
        return out
    sample = (
        recipient_for(first[0])
        if first
        else recipients.Recipient("person@example.org", "Camille Martin", "fr", {})
    )
    ctx = {
        **outbox.common_context(),
        "name": sample.name,
        "email": sample.address,
        "unsubscribe_url": outbox.unsubscribe_url(sample.address, category(event)),
        **sample.context,
    }
    out["subject"] = templates.render(normalise_placeholders(subject), ctx).strip()
    out["body"] = templates.render(normalise_placeholders(body), ctx)
    return out


# --- Sending ----------------------------------------------------------------------------------


def event_mailings(event: Event):
    return Mailing.objects.filter(source=SOURCE, source_params__event=event.pk).select_related(
        "created_by"
    )


@transaction.atomic
def send(
    event: Event,
    params: dict,
    *,
    subject: str,
    body: str,
    subject_en: str = "",
    body_en: str = "",
    essential: bool = False,
    user=None,
    request=None,
) -> list[Mailing]:
    """Create the outbox mailing(s) and start them; journaled.

    With an English text, two mailings go out: French to everyone whose account is not in
    English, English to the others. Opt-outs apply unless `essential`.
    """
    params = {k: v for k, v in (params or {}).items() if k != "language"}
    params["event"] = event.pk
    texts = [("fr", subject, body)]
    if subject_en.strip() or body_en.strip():
        if not (subject_en.strip() and body_en.strip()):
            raise ServiceError(_("Give both the English subject and the English text, or none."))
        texts.append(("en", subject_en, body_en))
    for _lang, s, b in texts:
        problems = check_text(s) + check_text(b)
        if problems:
            raise ServiceError(" ".join(str(p) for p in problems))
    total = count(event, params)
    if not total:
        raise ServiceError(_("No participant matches these filters: nothing to send."))
    created = []
    for language, s, b in texts:
        mailing_params = {**params, "language": language} if len(texts) > 1 else dict(params)
        try:
            mailing = outbox.create_mailing(
                source=SOURCE,
                params=mailing_params,
                subject=s,
                body=b,
                category=category(event),
                essential=essential,
                language=language,
                user=user,
                journal_action=None,  # one entry below for the French and English mailings
            )
        except outbox.MailingError as exc:
            raise ServiceError(str(exc)) from exc
        created.append(mailing)
    journal.record(
        "events.mailing_sent",
        request=request,
        actor=user,
        obj=event,
        details={
            "mailings": [m.pk for m in created],
            "params": params,
            "recipients": total,
            "essential": essential,
            "subject": subject[:200],
        },
    )
    return created


def filter_choices(event: Event) -> dict:
    """Values offered by the filter form."""
    countries = (
        Company.objects.filter(event=event)
        .values_list("country", flat=True)
        .distinct()
        .order_by("country")
    )
    return {"countries": [c for c in countries if c]}
