"""Word mail-merge of an event's participants and companies, through core's document kinds.

Two kinds of records are registered with `civitas.core.documents.merge` (module on_ready):

- "events_representative": one document per person (representative) of an event;
- "events_company": one document per company registered for an event.

Their records are always one event's (`params["event"]`), narrowed to what the user may see
(`permissions.restrict` with events.view_registrations, so a co-organiser only gets its own
companies). The organiser's filters, also parameters: `validated` ("1": validated companies
only), `co_organiser` (an id) and, for people, `session` (an id: present at that session).

    from civitas.events.services import word_merge
    word_merge.records_params(event, validated=True)      # {"event": "3", "validated": "1"}
    word_merge.example_docx("letter")                      # the shipped example template
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civitas.core import permissions
from civitas.core.documents import merge
from civitas.core.params import int_param

from ..models import Checkin, Company, Event, Meeting, Representative, Session

KIND_REPRESENTATIVE = "events_representative"
KIND_COMPANY = "events_company"
KINDS = (KIND_REPRESENTATIVE, KIND_COMPANY)
PERMISSION = "events.view_registrations"

EVENT_FIELDS = {
    "event_name": gettext_lazy("Event name"),
    "event_dates": gettext_lazy("Dates of the event (first and last day)"),
    "event_start": gettext_lazy("First day of the event"),
    "event_end": gettext_lazy("Last day of the event"),
    "event_place": gettext_lazy("Venue of the event"),
}

COMPANY_FIELDS = {
    "company": gettext_lazy("Company name"),
    "company_address": gettext_lazy("Company address (street, postcode and city, on lines)"),
    "city": gettext_lazy("City of the company"),
    "country": gettext_lazy("Country of the company"),
    "sector": gettext_lazy("Sector of the company"),
    "co_organiser": gettext_lazy("Co-organiser following the company"),
}

REPRESENTATIVE_FIELDS = {
    "civility": gettext_lazy("Civility (extra registration field “civility”, if the form has it)"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "full_name": gettext_lazy("First and last name"),
    "email": gettext_lazy("E-mail address"),
    "phone": gettext_lazy("Mobile phone"),
    "job_title": gettext_lazy("Job title"),
    **COMPANY_FIELDS,
    **EVENT_FIELDS,
    "meetings_count": gettext_lazy("Number of published meetings"),
    "agenda": gettext_lazy("Agenda: one line per published meeting (date, time, with whom, place)"),
    "checked_in": gettext_lazy("Checked in at the event (yes/no)"),
    "participant_number": gettext_lazy("Participant number (Civitas identifier)"),
    "badge_url": gettext_lazy(
        "Address of the badge QR code (check-in), for validated companies only"
    ),
}

COMPANY_KIND_FIELDS = {
    **COMPANY_FIELDS,
    **EVENT_FIELDS,
    "status": gettext_lazy("Registration status"),
    "representatives": gettext_lazy("Names of the representatives"),
    "meetings_count": gettext_lazy("Number of published meetings of the company"),
    "order_total": gettext_lazy("Order total incl. VAT (paid events only)"),
}


# --- Records ------------------------------------------------------------------------------


def records_params(event, *, validated=False, co_organiser=None, session=None) -> dict:
    """The query parameters the merge kinds read (strings, as in a query string)."""
    params = {"event": str(event.pk)}
    if validated:
        params["validated"] = "1"
    if co_organiser:
        params["co_organiser"] = str(co_organiser)
    if session:
        params["session"] = str(session)
    return params


def _company_filters(qs, params, prefix=""):
    if params.get("validated") in ("1", "on", "true", True):
        qs = qs.filter(**{f"{prefix}status": Company.Status.VALIDATED})
    co = int_param(params.get("co_organiser"))
    if co is not None:
        qs = qs.filter(**{f"{prefix}co_organiser_id": co})
    return qs


def representatives(user, params):
    """The people of one event (params["event"]) the user may see, with the filters."""
    event_id = int_param((params or {}).get("event"))
    if event_id is None:
        return Representative.objects.none()
    qs = Representative.objects.filter(company__event_id=event_id)
    qs = _company_filters(qs, params, "company__")
    session = int_param(params.get("session"))
    if session is not None:
        if not Session.objects.filter(pk=session, day__event_id=event_id).exists():
            return Representative.objects.none()
        qs = qs.exclude(absent_sessions=session)
    qs = permissions.restrict(qs, user, PERMISSION)
    return qs.select_related("company__event", "company__sector", "company__co_organiser").order_by(
        "company__name", "last_name", "first_name", "pk"
    )


def companies(user, params):
    """The companies of one event (params["event"]) the user may see, with the filters."""
    event_id = int_param((params or {}).get("event"))
    if event_id is None:
        return Company.objects.none()
    qs = _company_filters(Company.objects.filter(event_id=event_id), params)
    qs = permissions.restrict(qs, user, PERMISSION)
    return qs.select_related("event", "sector", "co_organiser").order_by("name", "pk")


# --- Values -------------------------------------------------------------------------------


def _date(d) -> str:
    return formats.date_format(d, "DATE_FORMAT") if d else ""


def event_values(event: Event) -> dict:
    if event.start_date == event.end_date:
        dates = _date(event.start_date)
    else:
        dates = _("from %(start)s to %(end)s") % {
            "start": _date(event.start_date),
            "end": _date(event.end_date),
        }
    return {
        "event_name": event.name,
        "event_dates": dates,
        "event_start": _date(event.start_date),
        "event_end": _date(event.end_date),
        "event_place": event.venue,
    }


def company_values(company: Company) -> dict:
    town = " ".join(x for x in (company.postcode, company.city) if x)
    return {
        "company": company.name,
        "company_address": "\n".join(x for x in (company.address.strip(), town) if x),
        "city": company.city,
        "country": str(company.country.name) if company.country else "",
        "sector": company.sector.label if company.sector else "",
        "co_organiser": company.co_organiser.name if company.co_organiser else "",
    }


def _published_meetings(q):
    return Meeting.objects.filter(q, state=Meeting.State.SCHEDULED, published=True)


def agenda_lines(rep: Representative) -> list[str]:
    """The published meetings of `rep` (with experts), one line each."""
    from . import agenda

    lines = []
    for day, items in agenda.by_day(rep):
        for m, other in items:
            if getattr(m, "is_expert_meeting", False):
                start, end = timezone.localtime(m.start), timezone.localtime(m.end)
                who = _("Expert: %(name)s") % {"name": other.full_name}
                place = getattr(other, "place", "") or ""
            else:
                start, end = timezone.localtime(m.slot.start), timezone.localtime(m.slot.end)
                who = f"{other.full_name} ({other.company.name})"
                place = _("%(room)s, table %(table)s") % {
                    "room": m.room,
                    "table": m.table_number,
                }
            line = f"{formats.date_format(day, 'SHORT_DATE_FORMAT')} {start:%H:%M}–{end:%H:%M} : "
            lines.append(line + " — ".join(x for x in (who, place) if x))
    return lines


def representative_context(rep: Representative) -> dict:
    from . import convocation

    company = rep.company
    lines = agenda_lines(rep)
    extra = rep.extra or {}
    validated = company.status == Company.Status.VALIDATED
    checked_in = Checkin.objects.filter(
        representative=rep, direction=Checkin.Direction.ENTRY
    ).exists()
    return {
        "civility": str(extra.get("civility") or extra.get("civilite") or ""),
        "first_name": rep.first_name,
        "last_name": rep.last_name,
        "full_name": rep.full_name,
        "email": rep.email,
        "phone": rep.phone,
        "job_title": rep.job_title,
        **company_values(company),
        **event_values(company.event),
        "meetings_count": len(lines),
        "agenda": "\n".join(lines),
        "checked_in": _("yes") if checked_in else _("no"),
        "participant_number": str(rep.pk),
        "badge_url": convocation.qr_payload(rep) if validated else "",
    }


def _money(amount) -> str:
    if amount is None:
        return ""
    return formats.number_format(Decimal(amount), 2, force_grouping=True) + " €"


def company_context(company: Company) -> dict:
    reps = list(company.representatives.order_by("last_name", "first_name"))
    meetings = (
        _published_meetings(
            Q(request__sender__company=company) | Q(request__recipient__company=company)
        )
        .values("pk")
        .distinct()
        .count()
    )
    order = getattr(company, "order", None)  # the paid events' order, if any
    return {
        **company_values(company),
        **event_values(company.event),
        "status": str(company.get_status_display()),
        "representatives": ", ".join(r.full_name for r in reps),
        "meetings_count": meetings,
        "order_total": _money(order.total_gross) if order is not None else "",
    }


def register_kinds():
    merge.register_kind(
        KIND_REPRESENTATIVE,
        gettext_lazy("Event representative"),
        fields=REPRESENTATIVE_FIELDS,
        records=representatives,
        context=representative_context,
        permission=PERMISSION,
        describe=lambda rep: f"{rep.full_name} ({rep.company.name})",
    )
    merge.register_kind(
        KIND_COMPANY,
        gettext_lazy("Event company"),
        fields=COMPANY_KIND_FIELDS,
        records=companies,
        context=company_context,
        permission=PERMISSION,
        describe=lambda company: company.name,
    )


# --- The event's page ---------------------------------------------------------------------


def templates():
    """The uploaded Word templates of the two event kinds (core's Documents)."""
    from civitas.core.documents.models import DocumentTemplate

    return DocumentTemplate.objects.filter(kind__in=KINDS).order_by("name", "pk")


# --- The shipped examples -----------------------------------------------------------------

EXAMPLES = {
    "attestation": (KIND_REPRESENTATIVE, "Attestation de participation"),
    "lettre": (KIND_REPRESENTATIVE, "Lettre aux participants"),
    "entreprise": (KIND_COMPANY, "Lettre aux entreprises"),
}


def example_docx(code: str) -> bytes:
    """One shipped example template, written with python-docx from the fields above (always
    valid for its kind: tests/events/test_mail_merge.py checks it with the kit)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    para = doc.add_paragraph
    if code == "attestation":
        para("{{ organisation_name }}")
        title = doc.add_heading("Attestation de participation", level=1)
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para(
            "Nous attestons que {{ civility }} {{ first_name }} {{ last_name }}, "
            "{{ job_title }} de la société {{ company }} ({{ city }}, {{ country }}), "
            "a participé à l’événement « {{ event_name }} », qui s’est tenu {{ event_dates }} "
            "à {{ event_place }}."
        )
        para("Nombre de rendez-vous d’affaires : {{ meetings_count }}.")
        para("Présence enregistrée à l’accueil : {{ checked_in }}.")
        para("Numéro de participant : {{ participant_number }}.")
        para("Fait le {{ today }}, pour servir et valoir ce que de droit.")
    elif code == "lettre":
        para("{{ company }}")
        para("{{ company_address }}")
        para("{{ country }}")
        para("Le {{ today }}")
        para("Objet : votre participation à « {{ event_name }} »")
        para("{{ civility }} {{ full_name }},")
        para(
            "Nous avons le plaisir de vous confirmer votre participation à « {{ event_name }} », "
            "{{ event_dates }}, à {{ event_place }}."
        )
        para("Vos rendez-vous ({{ meetings_count }}) :")
        para("{{ agenda }}")
        para("Votre badge (code QR à l’accueil) : {{ badge_url }}")
        para(
            "Pour toute question : {{ co_organiser }}. Nous vous écrirons à l’adresse "
            "{{ email }} ({{ phone }})."
        )
        para("{{ organisation_name }}")
    elif code == "entreprise":
        para("{{ company }}")
        para("{{ company_address }}")
        para("{{ country }}")
        para("Le {{ today }}")
        para("Objet : « {{ event_name }} », {{ event_dates }}")
        para("Madame, Monsieur,")
        para(
            "Votre entreprise ({{ sector }}) est inscrite à « {{ event_name }} » à "
            "{{ event_place }} ; statut de l’inscription : {{ status }}."
        )
        para("Vos représentants : {{ representatives }}.")
        para("Rendez-vous publiés : {{ meetings_count }}.")
        para("Montant de la commande : {{ order_total }}.")
        para("Votre interlocuteur : {{ co_organiser }}.")
        para("{{ organisation_name }}")
    else:
        raise KeyError(code)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
