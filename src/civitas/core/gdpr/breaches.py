"""The register of personal-data breaches (GDPR art. 33 and 34): the only writer of Breach.

    breach = breaches.record(title=..., discovered_at=..., description=..., actor=user)
    breaches.notify_dpo(breach, actor=user)           # mail to the DPO, within 4 hours
    breaches.mark_cnil_notified(breach, "ABC-123", actor=user)
    breaches.send_due_alerts()                        # periodic: deadlines close or passed

Deadlines run from the discovery: 4 hours to tell the customer's data protection officer
(seed 002, annex I §VI), 72 hours to notify the CNIL (art. 33.1) unless the breach is unlikely
to result in a risk. Every change is journaled; the alerts are mailed once each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from civitas.core import accounts, journal
from civitas.core.outbox import services as outbox

from .models import Breach

DPO_DELAY = timedelta(hours=4)
CNIL_DELAY = timedelta(hours=72)
PERMISSION = "gdpr.manage_breaches"


def dpo_deadline(breach: Breach) -> datetime:
    return breach.discovered_at + DPO_DELAY


def cnil_deadline(breach: Breach) -> datetime:
    return breach.discovered_at + CNIL_DELAY


def cnil_required(breach: Breach) -> bool:
    """Notify the CNIL unless the breach was assessed as unlikely to result in a risk."""
    return breach.risk != Breach.Risk.NONE


def people_must_be_informed(breach: Breach) -> bool:
    return breach.risk == Breach.Risk.HIGH


@dataclass(frozen=True)
class Deadline:
    code: str  # "dpo" | "cnil" | "people"
    label: str
    due: datetime | None
    done_at: datetime | None

    def state(self, now=None) -> str:
        """done | late_done | overdue | soon | pending"""
        now = now or timezone.now()
        if self.done_at:
            return "late_done" if self.due and self.done_at > self.due else "done"
        if self.due is None:
            return "pending"
        if now > self.due:
            return "overdue"
        if self.due - now <= (timedelta(hours=1) if self.code == "dpo" else timedelta(hours=24)):
            return "soon"
        return "pending"


def deadlines(breach: Breach) -> list[Deadline]:
    out = [
        Deadline("dpo", _("Data protection officer"), dpo_deadline(breach), breach.dpo_notified_at)
    ]
    if cnil_required(breach) or breach.cnil_notified_at:
        out.append(Deadline("cnil", _("CNIL"), cnil_deadline(breach), breach.cnil_notified_at))
    if people_must_be_informed(breach) or breach.people_informed_at:
        out.append(Deadline("people", _("People concerned"), None, breach.people_informed_at))
    return out


def default_dpo_email() -> str:
    return getattr(settings, "CIVITAS_DPO_EMAIL", "") or ""


@transaction.atomic
def record(*, actor=None, request=None, **fields) -> Breach:
    fields.setdefault("dpo_email", default_dpo_email())
    breach = Breach.objects.create(created_by=actor, **fields)
    journal.record(
        "gdpr.breach_recorded",
        request=request,
        actor=actor,
        obj=breach,
        details={"risk": breach.risk, "discovered_at": breach.discovered_at.isoformat()},
    )
    return breach


@transaction.atomic
def update(breach: Breach, changed: list[str], *, actor=None, request=None) -> Breach:
    breach.save()
    journal.record(
        "gdpr.breach_changed", request=request, actor=actor, obj=breach, details={"fields": changed}
    )
    return breach


def _dpo_mail(breach: Breach) -> tuple[str, str]:
    with override(settings.LANGUAGE_CODE):
        subject = _("Personal-data breach %(ref)s: %(title)s") % {
            "ref": breach.reference,
            "title": breach.title,
        }
        body = render_to_string(
            "gdpr/breach_dpo_mail.txt",
            {
                "breach": breach,
                "cnil_deadline": cnil_deadline(breach),
                "cnil_required": cnil_required(breach),
            },
        )
    return subject, body


@transaction.atomic
def notify_dpo(breach: Breach, *, actor=None, request=None, now=None) -> None:
    """Mail the breach's summary to the data protection officer and note the time."""
    if not breach.dpo_email:
        raise ValueError(_("Enter the data protection officer's e-mail address first."))
    subject, body = _dpo_mail(breach)
    outbox.queue_email(breach.dpo_email, subject, body, related=breach, category="gdpr.breach")
    breach.dpo_notified_at = now or timezone.now()
    breach.save(update_fields=["dpo_notified_at", "updated_at"])
    journal.record(
        "gdpr.breach_dpo_notified",
        request=request,
        actor=actor,
        obj=breach,
        details={"to": breach.dpo_email, "late": breach.dpo_notified_at > dpo_deadline(breach)},
    )


@transaction.atomic
def mark_cnil_notified(
    breach: Breach, reference: str, *, late_reason="", actor=None, request=None, now=None
) -> None:
    when = now or timezone.now()
    if when > cnil_deadline(breach) and not (late_reason or breach.late_reason).strip():
        raise ValueError(
            _("The 72-hour deadline has passed: give the reasons for the delay (art. 33.1).")
        )
    breach.cnil_notified_at = when
    breach.cnil_reference = reference.strip()[:60]
    if late_reason:
        breach.late_reason = late_reason
    breach.save(update_fields=["cnil_notified_at", "cnil_reference", "late_reason", "updated_at"])
    journal.record(
        "gdpr.breach_cnil_notified",
        request=request,
        actor=actor,
        obj=breach,
        details={"reference": breach.cnil_reference, "late": when > cnil_deadline(breach)},
    )


@transaction.atomic
def mark_people_informed(breach: Breach, *, actor=None, request=None, now=None) -> None:
    breach.people_informed_at = now or timezone.now()
    breach.save(update_fields=["people_informed_at", "updated_at"])
    journal.record("gdpr.breach_people_informed", request=request, actor=actor, obj=breach)


@transaction.atomic
def close(breach: Breach, *, actor=None, request=None, now=None) -> None:
    missing = [d.label for d in deadlines(breach) if not d.done_at]
    if missing:
        raise ValueError(
            _("Still to do before closing: %(list)s.") % {"list": ", ".join(map(str, missing))}
        )
    breach.status = Breach.Status.CLOSED
    breach.closed_at = now or timezone.now()
    breach.save(update_fields=["status", "closed_at", "updated_at"])
    journal.record("gdpr.breach_closed", request=request, actor=actor, obj=breach)


def alert_recipients() -> list[str]:
    """E-mail addresses of the people who hold the breach-register permission."""
    return [u.email for u in accounts.holders(PERMISSION) if u.email]


def send_due_alerts(now=None) -> int:
    """Mail the register's managers when a deadline is within reach or passed (once each)."""
    now = now or timezone.now()
    sent = 0
    for breach in Breach.objects.filter(status=Breach.Status.OPEN):
        for d in deadlines(breach):
            state = d.state(now)
            if state not in ("soon", "overdue"):
                continue
            key = f"{d.code}:{state}"
            with transaction.atomic():
                locked = Breach.objects.select_for_update().get(pk=breach.pk)
                if key in locked.alerts_sent:
                    continue
                recipients = alert_recipients()
                with override(settings.LANGUAGE_CODE):
                    if state == "overdue":
                        subject = _("Overdue: %(who)s not notified of breach %(ref)s")
                    else:
                        subject = _("Deadline close: notify %(who)s of breach %(ref)s")
                    subject = subject % {"who": d.label, "ref": locked.reference}
                    body = render_to_string(
                        "gdpr/breach_alert_mail.txt",
                        {"breach": locked, "deadline": d, "state": state},
                    )
                for address in recipients:
                    outbox.queue_email(address, subject, body, related=locked)
                locked.alerts_sent = [*locked.alerts_sent, key]
                locked.save(update_fields=["alerts_sent"])
                journal.record(
                    "gdpr.breach_alert",
                    obj=locked,
                    details={"deadline": d.code, "state": state, "recipients": len(recipients)},
                )
                sent += 1
    return sent
