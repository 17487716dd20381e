"""Rows of the traces export (CSV of a sitting, exporter of the EPCI)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .sending import smtp_times

TRACE_COLUMNS = [
    ("sitting", _("Sitting")),
    ("sitting_date", _("Date of the sitting")),
    ("phase", _("Sending")),
    ("sent_at", _("Sent on")),
    ("official", _("Official")),
    ("email", _("E-mail")),
    ("commune", _("Commune")),
    ("channel", _("Channel")),
    ("channel_chosen_at", _("Channel chosen on")),
    ("smtp_accepted_at", _("Accepted by the mail server")),
    ("paper_sent_at", _("Paper sending")),
    ("first_opened_at", _("First opening")),
    ("downloads", _("Downloads")),
    ("acknowledged_at", _("Acknowledged")),
]


def trace_rows(deliveries):
    deliveries = list(deliveries)
    smtp = smtp_times(deliveries)

    def t(v):
        return timezone.localtime(v).strftime("%Y-%m-%d %H:%M:%S") if v else ""

    for d in deliveries:
        s = d.sending
        yield {
            "sitting": s.sitting.title,
            "sitting_date": t(s.sitting.date),
            "phase": s.get_phase_display(),
            "sent_at": t(s.sent_at),
            "official": str(d.official),
            "email": d.email,
            "commune": d.official.commune.name,
            "channel": d.get_channel_display(),
            "channel_chosen_at": t(d.channel_chosen_at),
            "smtp_accepted_at": t(smtp.get(d.message_id, ("", None))[1]),
            "paper_sent_at": t(d.paper_sent_at),
            "first_opened_at": t(d.first_opened_at),
            "downloads": "; ".join(f"{x.document.title} {t(x.at)}" for x in d.downloads.all()),
            "acknowledged_at": t(d.acknowledged_at),
        }
