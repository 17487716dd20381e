"""The convocation: programme of the event and a check-in QR code, as text and as PDF.

The QR code encodes the address of the back-office check-in lookup of the representative
(…/checkin/<token>/): a phone camera opens it directly, a hand scanner types it. The token
is random (192 bits), unique, and distinct from the calendar feed's secret, so a printed
convocation gives access to nothing but that permission-protected lookup.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from civitas.core.documents import pdf, qr
from civitas.core.sites import absolute_url

from ..models import Event, Representative
from . import regform

QR_SCALE = 8  # pixels per module in the PNG embedded in the PDF


@dataclass
class ProgrammeDay:
    date: object
    sessions: list


def programme(event: Event) -> dict:
    """Days with their B2B sessions, the venue and the sites of the event."""
    days = [
        ProgrammeDay(d.date, list(d.sessions.all()))
        for d in event.days.prefetch_related("sessions").order_by("date")
    ]
    sites = list(event.sites.all())
    return {"venue": event.venue, "days": days, "sites": sites, "animations": animations(event)}


def animations(event: Event) -> list:
    """The public animations of the event that are not cancelled, in time order."""
    return list(
        event.animations.filter(public=True)
        .exclude(status="cancelled")
        .select_related("room", "site")
        .prefetch_related("speakers")
        .order_by("start", "pk")
    )


def _date(value) -> str:
    return formats.date_format(value, "l j F Y")


def programme_text(event: Event) -> str:
    """The programme as plain text (for the e-mail), in the active language."""
    prog = programme(event)
    lines = []
    if event.start_date == event.end_date:
        lines.append(_("Date: %(d)s") % {"d": _date(event.start_date)})
    else:
        lines.append(
            _("Dates: %(a)s – %(b)s") % {"a": _date(event.start_date), "b": _date(event.end_date)}
        )
    if prog["venue"]:
        lines.append(_("Venue: %(v)s") % {"v": prog["venue"]})
    for site in prog["sites"]:
        address = " ".join(site.address.split())
        lines.append(f"- {site.name}" + (f", {address}" if address else ""))
    if prog["days"]:
        lines.append("")
        lines.append(_("Programme:"))
        for day in prog["days"]:
            lines.append(f"* {_date(day.date)}")
            for s in day.sessions:
                lines.append(
                    "    "
                    + _("%(name)s: %(start)s – %(end)s, business meetings of %(m)s minutes")
                    % {
                        "name": s.name,
                        "start": s.start_time.strftime("%H:%M"),
                        "end": s.end_time.strftime("%H:%M"),
                        "m": s.slot_minutes,
                    }
                )
    if prog["animations"]:
        lines.append("")
        lines.append(_("Workshops and conferences:"))
        for a in prog["animations"]:
            start, end = timezone.localtime(a.start), timezone.localtime(a.end)
            lines.append(
                f"* {_date(start.date())} {start:%H:%M}–{end:%H:%M} "
                f"{a.get_kind_display()} : {a.title}"
            )
    return "\n".join(lines)


def qr_payload(rep: Representative) -> str:
    """What the QR code says: the absolute address of the check-in lookup."""
    return absolute_url("events:bo_checkin", pk=rep.company.event_id, token=rep.checkin_token)


def qr_png_data_uri(payload: str) -> str:
    png = qr.png(payload, QR_SCALE, border=4)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def context(rep: Representative) -> dict:
    event = rep.company.event
    payload = qr_payload(rep)
    return {
        "event": event,
        "rep": rep,
        "company": rep.company,
        "programme": programme(event),
        "my_animations": _my_animations(rep),
        "qr_payload": payload,
        "qr_png": qr_png_data_uri(payload),
        "extra_rows": regform.rows(event, regform.REPRESENTATIVE, rep.extra),
        "title": _("Convocation"),
    }


def _my_animations(rep: Representative) -> set[int]:
    """The animations this person holds a seat at (none for an unsaved preview)."""
    if rep.pk is None:
        return set()
    return set(
        rep.animation_registrations.filter(status__in=("registered", "offered")).values_list(
            "animation_id", flat=True
        )
    )


def language_of(rep: Representative) -> str:
    return getattr(rep.user, "language", None) or "fr"


def convocation_pdf(rep: Representative, language: str | None = None) -> bytes:
    with translation.override(language or translation.get_language() or language_of(rep)):
        return pdf.render_pdf("events/convocation/convocation_pdf.html", context(rep))


def file_name(rep: Representative) -> str:
    return f"convocation-{rep.company.event.slug}-{slugify(rep.full_name) or rep.pk}.pdf"


def confirmation_parts(rep: Representative) -> tuple[dict, list]:
    """(template context additions, attachments) of the confirmation e-mail, in the
    language of the e-mail."""
    language = language_of(rep)
    with translation.override(language):
        extra = {"login": rep.email, "programme": programme_text(rep.company.event)}
        attachment = (file_name(rep), convocation_pdf(rep, language), "application/pdf")
    return extra, [attachment]
