"""Badges: the design of an event and its PDF (one badge, a batch in the background).

A batch is rendered in chunks merged with pypdf, so 1,500 badges need the memory of one
chunk, not of the whole document (bench/badges.py measures time and peak memory).
The badge's QR code is the convocation's (services/convocation.py): the check-in screen
accepts both. Printing a badge does not check the person in (badge-printing station).
"""

from __future__ import annotations

import io

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from civitas.core import jobs, journal
from civitas.core.documents import pdf, qr

from ..models import BadgeDesign, Company, Representative
from . import convocation

CHUNK = 160  # badges per WeasyPrint document (a multiple of 8 and 10: whole sheets)
PER_PAGE = {BadgeDesign.Paper.A4_8: 8, BadgeDesign.Paper.A4_10: 10, BadgeDesign.Paper.A6: 1}


def design_of(event) -> BadgeDesign:
    """The event's design (the default one, unsaved, when none was set)."""
    try:
        return event.badge_design
    except BadgeDesign.DoesNotExist:
        return BadgeDesign(event=event)


def people(event, rep_ids=None):
    """Who gets a badge: the representatives of validated companies (or those asked)."""
    qs = Representative.objects.filter(
        company__event=event, company__status=Company.Status.VALIDATED
    ).select_related("company__sector")
    if rep_ids is not None:
        qs = qs.filter(pk__in=list(rep_ids))
    return qs.order_by("company__name", "last_name", "first_name", "pk")


def _badge(rep, design) -> dict:
    return {
        "rep": rep,
        "company": rep.company,
        "qr_svg": qr.svg(convocation.qr_payload(rep), scale=2, border=2)
        if design.shows("qr")
        else "",
    }


def _render(event, reps, design) -> bytes:
    per_page = PER_PAGE.get(design.paper, 8)
    badges = [_badge(r, design) for r in reps]
    pages = [badges[i : i + per_page] for i in range(0, len(badges), per_page)]
    return pdf.render_pdf(
        "events/badges/badges_pdf.html",
        {
            "event": event,
            "design": design,
            "pages": pages,
            "logo_url": event.logo.url if design.show_logo and event.logo else "",
            "title": _("Badges"),
        },
    )


def badges_pdf(event, reps, design=None, progress=None) -> bytes:
    """One PDF with the badges of `reps`, rendered by chunks."""
    from pypdf import PdfReader, PdfWriter

    design = design or design_of(event)
    reps = list(reps)
    if len(reps) <= CHUNK:
        data = _render(event, reps, design)
        if progress:
            progress(len(reps), max(len(reps), 1))
        return data
    writer = PdfWriter()
    for start in range(0, len(reps), CHUNK):
        chunk = reps[start : start + CHUNK]
        for page in PdfReader(io.BytesIO(_render(event, chunk, design))).pages:
            writer.add_page(page)
        if progress:
            progress(start + len(chunk), len(reps))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def electronic(rep) -> dict:
    """The participant's electronic badge: what the phone screen and the wallet PDF show.

    Only a representative of a validated company has a badge (the same rule as printing)."""
    company = rep.company
    event = company.event
    design = design_of(event)
    payload = convocation.qr_payload(rep)
    return {
        "event": event,
        "rep": rep,
        "company": company,
        "design": design,
        "valid": company.status == Company.Status.VALIDATED,
        "qr_payload": payload,
        "qr_svg": qr.svg(payload, scale=6, border=4),
        "logo_url": event.logo.url if design.show_logo and event.logo else "",
    }


def wallet_pdf(rep) -> bytes:
    """One badge on a phone-sized page (the QR code large enough to scan from a screen),
    to keep in a phone's files or print."""
    ctx = electronic(rep)
    ctx["title"] = _("Badge")
    return pdf.render_pdf("events/badges/wallet_pdf.html", ctx)


def badge_file_name(event, rep=None) -> str:
    if rep is None:
        return f"badges-{event.slug}.pdf"
    return f"badge-{event.slug}-{slugify(rep.full_name) or rep.pk}.pdf"


def start_batch(event, *, user=None, request=None):
    """All the badges of an event in a background job; returns its JobProgress."""
    from ..tasks import print_badges

    job = jobs.create("events.badges", _("Badges of %(e)s") % {"e": event}, owner=user)
    journal.record("events.badges_printed", request=request, actor=user, obj=event)
    transaction.on_commit(lambda: print_badges.enqueue(event.pk, str(job.pk)))
    return job


def build_batch(event, progress=None) -> tuple[bytes, int]:
    reps = list(people(event))
    return badges_pdf(event, reps, progress=progress), len(reps)
