"""Feedback: the meeting evaluation (by each party, on the scale of seed 003: insufficient
interest / instructive, no cooperation planned / cooperation possible / partnership signed)
and the event evaluation, with question sets the organiser edits per event; invitations sent
at the chosen moment by a periodic job (once: a unique invitation per person and meeting),
one reminder to non-respondents, results counted per question and exported."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civitas.core.outbox import services as outbox
from civitas.core.outbox import templates
from civitas.core.sites import absolute_url

from ..models import (
    SCOPE_EVENT,
    Answer,
    Company,
    Invitation,
    Meeting,
    MeetingOutcome,
    Question,
    Representative,
    Survey,
)
from . import ServiceError

MEETING_SCALE = [
    "Intérêt insuffisant",
    "Instructif, pas de coopération prévue",
    "Coopération possible",
    "Partenariat signé",
]
EVENT_SCALE = ["Très satisfait", "Satisfait", "Peu satisfait", "Pas satisfait"]
MAX_TEXT = 2000


def register_templates():
    templates.register(
        "events.feedback_invitation",
        gettext_lazy("Events: feedback invitation"),
        placeholders={
            "event": gettext_lazy("Event name"),
            "name": gettext_lazy("Recipient's name"),
            "survey": gettext_lazy("Survey"),
            "about": gettext_lazy("What is evaluated"),
            "url": gettext_lazy("Link to the form"),
        },
        default_subject={"fr": "Votre avis : {{ survey }}", "en": "Your opinion: {{ survey }}"},
        default_body={
            "fr": "Bonjour {{ name }},\n\nMerci de nous donner votre avis ({{ about }}) : "
            "{{ url }}\n\n{{ organisation }}",
            "en": "Hello {{ name }},\n\nPlease tell us what you think ({{ about }}): "
            "{{ url }}\n\n{{ organisation }}",
        },
    )


def create_defaults(event, send_at=None) -> list[Survey]:
    """The two standard surveys with their standard questions (edited afterwards)."""
    send_at = send_at or timezone.make_aware(dt.datetime.combine(event.end_date, dt.time(18)))
    made = []
    if not event.surveys.filter(kind=Survey.Kind.MEETING).exists():
        s = Survey.objects.create(
            event=event, kind=Survey.Kind.MEETING, title=_("Meeting evaluation"), send_at=send_at
        )
        Question.objects.create(
            survey=s, label=_("Outcome of this meeting"), choices=MEETING_SCALE, order=1
        )
        Question.objects.create(survey=s, label=_("Comment"), kind=Question.Kind.TEXT, order=2)
        made.append(s)
    if not event.surveys.filter(kind=Survey.Kind.EVENT).exists():
        s = Survey.objects.create(
            event=event, kind=Survey.Kind.EVENT, title=_("Event evaluation"), send_at=send_at
        )
        Question.objects.create(
            survey=s, label=_("Overall, are you satisfied?"), choices=EVENT_SCALE, order=1
        )
        Question.objects.create(
            survey=s, label=_("What should we improve?"), kind=Question.Kind.TEXT, order=2
        )
        made.append(s)
    return made


def _targets(survey):
    """[(representative, meeting or None)] invited by this survey."""
    event = survey.event
    if survey.kind == Survey.Kind.EVENT:
        reps = Representative.objects.filter(
            company__event=event, company__status=Company.Status.VALIDATED
        ).select_related("company", "user")
        return [(r, None) for r in reps]
    no_show = MeetingOutcome.objects.filter(state=MeetingOutcome.State.NO_SHOW).values("meeting_id")
    meetings = (
        Meeting.objects.filter(
            event=event, state=Meeting.State.SCHEDULED, slot__start__lte=survey.send_at
        )
        .exclude(pk__in=no_show)
        .select_related("request__sender__user", "request__recipient__user", "slot")
    )
    out = []
    for m in meetings:
        out += [(m.request.sender, m), (m.request.recipient, m)]
    return out


def _mail(inv: Invitation):
    rep = inv.representative
    about = inv.survey.title
    if inv.meeting_id:
        m = inv.meeting
        other = m.request.recipient if m.request.sender_id == rep.pk else m.request.sender
        about = _("meeting of %(when)s with %(other)s") % {
            "when": f"{timezone.localtime(m.slot.start):%d/%m/%Y %H:%M}",
            "other": f"{other.full_name} ({other.company.name})",
        }
    outbox.send_message(
        "events.feedback_invitation",
        email=rep.email,
        context={
            "event": inv.survey.event.name,
            "name": rep.full_name,
            "survey": inv.survey.title,
            "about": about,
            "url": absolute_url(
                "events:feedback_answer", slug=inv.survey.event.slug, token=inv.token
            ),
        },
        language=getattr(rep.user, "language", None) or "fr",
        scope_type=SCOPE_EVENT,
        scope_id=inv.survey.event_id,
        essential=False,
    )


def send_due(now=None) -> int:
    """Invite for the surveys whose moment has come (each person and meeting once), and
    remind the non-respondents once, `remind_after_days` later."""
    now = now or timezone.now()
    count = 0
    for survey in Survey.objects.filter(send_at__lte=now, sent_at__isnull=True).select_related(
        "event"
    ):
        for rep, meeting in _targets(survey):
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        inv = Invitation.objects.create(
                            survey=survey, representative=rep, meeting=meeting
                        )
                except IntegrityError:
                    continue
                _mail(inv)
                count += 1
        Survey.objects.filter(pk=survey.pk).update(sent_at=now)
    for survey in Survey.objects.filter(
        sent_at__isnull=False, reminded_at__isnull=True, remind_after_days__gt=0
    ):
        if survey.sent_at + dt.timedelta(days=survey.remind_after_days) > now:
            continue
        # Claim the reminder first: a second worker finds it done.
        if not Survey.objects.filter(pk=survey.pk, reminded_at__isnull=True).update(
            reminded_at=now
        ):
            continue
        for inv in survey.invitations.filter(answered_at__isnull=True).select_related(
            "representative__user",
            "representative__company",
            "meeting__slot",
            "meeting__request__sender__company",
            "meeting__request__recipient__company",
        ):
            _mail(inv)
            count += 1
    return count


def answer(inv: Invitation, data: dict) -> None:
    """Record the answers ({question pk as str: value}); a form is answered once."""
    if inv.answered_at is not None:
        raise ServiceError(_("This form has already been answered. Thank you!"))
    values = {}
    for q in inv.survey.questions.all():
        value = str(data.get(str(q.pk)) or "").strip()
        if q.kind == Question.Kind.CHOICE:
            if value and value not in q.choices:
                raise ServiceError(_("Choose one of the proposed answers."))
            if not value:
                raise ServiceError(_("Answer the question: %(q)s") % {"q": q.label})
        elif len(value) > MAX_TEXT:
            raise ServiceError(_("%(n)s characters at most.") % {"n": MAX_TEXT})
        values[q] = value
    with transaction.atomic():
        updated = Invitation.objects.filter(pk=inv.pk, answered_at__isnull=True).update(
            answered_at=timezone.now()
        )
        if not updated:
            raise ServiceError(_("This form has already been answered. Thank you!"))
        Answer.objects.bulk_create(
            [Answer(invitation=inv, question=q, value=v) for q, v in values.items()]
        )


def results(survey) -> dict:
    """Counts per choice for each choice question, the texts for the others."""
    invited = survey.invitations.count()
    answered = survey.invitations.filter(answered_at__isnull=False).count()
    questions = []
    for q in survey.questions.all():
        values = list(q.answers.values_list("value", flat=True))
        if q.kind == Question.Kind.CHOICE:
            counts = Counter(values)
            questions.append((q, [(c, counts.get(c, 0)) for c in q.choices], []))
        else:
            questions.append((q, [], [v for v in values if v]))
    return {"invited": invited, "answered": answered, "questions": questions}


def export_rows(survey):
    """Header and rows for the CSV export: one row per answered form."""
    qs = list(survey.questions.all())
    header = [_("Company"), _("Name"), _("Meeting"), _("Answered at")] + [q.label for q in qs]
    rows = []
    for inv in (
        survey.invitations.filter(answered_at__isnull=False)
        .select_related("representative__company", "meeting__slot")
        .prefetch_related("answers")
    ):
        by_q = {a.question_id: a.value for a in inv.answers.all()}
        rows.append(
            [
                inv.representative.company.name,
                inv.representative.full_name,
                str(inv.meeting.slot) if inv.meeting_id else "",
                timezone.localtime(inv.answered_at).strftime("%d/%m/%Y %H:%M"),
            ]
            + [by_q.get(q.pk, "") for q in qs]
        )
    return header, rows


THANKS = gettext_lazy("Thank you for your answer.")
