"""Exporters of the events module (participants, requests, meetings), scoped per event."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.core.exports.registry import Exporter, InvalidFilter, register
from civitas.core.params import int_param
from civitas.core.permissions import restrict

from .models import (
    SCOPE_EVENT,
    Company,
    Event,
    ExtraField,
    Meeting,
    MeetingRequest,
    Representative,
    Session,
)
from .services import coorganisers, regform

PERM = "events.view_registrations"


class EventExporter(Exporter):
    """An exporter of one event's data: saved reports are bound to an event."""

    permission = PERM
    id_params = ("event",)
    scope_param = "event"
    scope_model = Event


def _choice(label, choices):
    return forms.ChoiceField(label=label, required=False, choices=[("", _("All"))] + choices)


def _scoped(qs, user, params, perm=PERM):
    """Only the events the user holds the permission on; `event` narrows to one."""
    qs = restrict(qs, user, perm)
    event = int_param(params.get("event"))  # checked by Exporter.clean_params (id_params)
    if event is not None:
        qs = qs.filter(**{qs.model.civitas_scope_fields[SCOPE_EVENT]: event})
    return qs


@register
class ParticipantExporter(EventExporter):
    code = "events.participants"
    label = _("Event participants")
    permission = PERM
    id_params = ("event",)
    filter_params = ("event", "status", "q", "co_organiser")

    def filter_fields(self):
        return {
            "status": _choice(_("Registration status"), Company.Status.choices),
            "q": forms.CharField(label=_("Company name contains"), required=False, max_length=200),
        }

    columns = [
        ("event", _("Event")),
        ("company", _("Company")),
        ("status", _("Status")),
        ("co_organiser", _("Co-organiser")),
        ("country", _("Country")),
        ("siret", _("SIRET")),
        ("vat", _("VAT number")),
        ("sector", _("Sector")),
        ("city", _("City")),
        ("first_name", _("First name")),
        ("last_name", _("Last name")),
        ("job_title", _("Job title")),
        ("email", _("E-mail")),
        ("phone", _("Mobile phone")),
        ("sessions", _("Sessions attended")),
        ("offers", _("Offers and requests")),
        ("registered_at", _("Registered at")),
    ]

    def queryset(self, user, params):
        self._add_extra_columns(_scoped(ExtraField.objects.all(), user, params))
        self._sessions = {}  # event id -> [(session id, label)]
        qs = (
            _scoped(Representative.objects.all(), user, params)
            .select_related("company__event", "company__sector", "company__co_organiser")
            .prefetch_related("absent_sessions", "company__offers")
        )
        if params.get("status") in Company.Status.values:
            qs = qs.filter(company__status=params["status"])
        if params.get("q"):
            qs = qs.filter(company__name__icontains=params["q"])
        if params.get("co_organiser"):
            companies = coorganisers.filter_companies(Company.objects.all(), params["co_organiser"])
            qs = qs.filter(company__in=companies)
        return qs.order_by("company__event_id", "company__name", "last_name")

    def row(self, r):
        c = r.company
        return {
            "event": c.event.name,
            "company": c.name,
            "status": c.get_status_display(),
            "co_organiser": c.co_organiser.name if c.co_organiser else "",
            "country": c.country.name or c.country.code,
            "siret": c.siret,
            "vat": c.vat_number,
            "sector": str(c.sector or ""),
            "city": c.city,
            "first_name": r.first_name,
            "last_name": r.last_name,
            "job_title": r.job_title,
            "email": r.email,
            "phone": r.phone,
            "sessions": self._attended(c.event_id, r),
            "offers": [f"{o.get_kind_display()} : {o.title}" for o in c.offers.all()],
            "registered_at": c.created_at,
            **self._extra_values(c, r),
        }

    def _attended(self, event_id, rep) -> list[str]:
        """The sessions of the event the person attends (all but those ticked absent)."""
        from .forms import session_label

        sessions = getattr(self, "_sessions", {})
        if event_id not in sessions:
            sessions[event_id] = [
                (s.pk, session_label(s))
                for s in Session.objects.filter(day__event_id=event_id)
                .select_related("day")
                .order_by("day__date", "start_time")
            ]
            self._sessions = sessions
        absent = {s.pk for s in rep.absent_sessions.all()}
        return [label for pk, label in sessions[event_id] if pk not in absent]

    # Extra registration fields: one column per (target, key) of the events exported.

    _extra = ()

    def _add_extra_columns(self, extra_fields):
        fields = extra_fields.order_by("target", "position", "pk")
        seen, self._extra = {}, []
        for f in fields:
            code = f"x.{f.target}.{f.key}"
            if code not in seen:
                seen[code] = f
                target = _("company") if f.target == regform.COMPANY else _("representative")
                self._extra.append((code, f"{f.label} ({target})"))
        self._fields = {}
        for f in fields:
            self._fields[(f.event_id, f.target, f.key)] = f
        self.columns = [*type(self).columns, *self._extra]

    def _extra_values(self, company, rep):
        out = {}
        for code, _label in self._extra:
            _x, target, key = code.split(".", 2)
            values = company.extra if target == regform.COMPANY else rep.extra
            f = self._fields.get((company.event_id, target, key))
            out[code] = regform.display(f, (values or {}).get(key)) if f else ""
        return out


@register
class RequestExporter(EventExporter):
    code = "events.requests"
    label = _("Meeting requests")
    permission = PERM
    id_params = ("event",)
    filter_params = ("event", "state")

    def filter_fields(self):
        return {"state": _choice(_("State"), MeetingRequest.State.choices)}

    columns = [
        ("rank", _("Order of arrival")),
        ("event", _("Event")),
        ("sent_at", _("Sent at")),
        ("from", _("From")),
        ("from_company", _("From (company)")),
        ("to", _("To")),
        ("to_company", _("To (company)")),
        ("state", _("State")),
        ("expires_at", _("Expires at")),
    ]

    def queryset(self, user, params):
        qs = _scoped(MeetingRequest.objects.all(), user, params)
        if params.get("state") in MeetingRequest.State.values:
            qs = qs.filter(state=params["state"])
        return qs.select_related("event", "sender__company", "recipient__company").order_by(
            "event_id", "created_at", "pk"
        )

    def row(self, r):
        return {
            "rank": r.pk,
            "event": r.event.name,
            "sent_at": r.created_at,
            "from": r.sender.full_name,
            "from_company": r.sender.company.name,
            "to": r.recipient.full_name,
            "to_company": r.recipient.company.name,
            "state": r.get_state_display(),
            "expires_at": r.expires_at,
        }


@register
class MeetingExporter(EventExporter):
    code = "events.meetings"
    label = _("Meetings")
    permission = PERM
    id_params = ("event",)
    filter_params = ("event",)
    columns = [
        ("event", _("Event")),
        ("start", _("Start")),
        ("end", _("End")),
        ("room", _("Room")),
        ("table", _("Table")),
        ("a", _("Participant A")),
        ("a_company", _("Company A")),
        ("b", _("Participant B")),
        ("b_company", _("Company B")),
        ("published", _("Published")),
    ]

    def queryset(self, user, params):
        return (
            _scoped(Meeting.objects.filter(state=Meeting.State.SCHEDULED), user, params)
            .select_related(
                "event",
                "slot",
                "room__site",
                "request__sender__company",
                "request__recipient__company",
            )
            # Only the columns of the file (companies and people carry long texts).
            .only(
                "published",
                "table_number",
                "event__name",
                "slot__start",
                "slot__end",
                "room__name",
                "room__site__name",
                "request__sender__first_name",
                "request__sender__last_name",
                "request__sender__company__name",
                "request__recipient__first_name",
                "request__recipient__last_name",
                "request__recipient__company__name",
            )
            .order_by("event_id", "slot__start", "room_id", "table_number")
        )

    def row(self, m):
        s, r = m.request.sender, m.request.recipient
        return {
            "event": m.event.name,
            "start": timezone.localtime(m.slot.start),
            "end": timezone.localtime(m.slot.end),
            "room": str(m.room),
            "table": m.table_number,
            "a": s.full_name,
            "a_company": s.company.name,
            "b": r.full_name,
            "b_company": r.company.name,
            "published": m.published,
        }


@register
class ExpertMeetingExporter(EventExporter):
    code = "events.expert_meetings"
    label = _("Expert meetings")
    permission = PERM
    id_params = ("event",)
    filter_params = ("event", "state")

    def filter_fields(self):
        from .models import ExpertMeeting

        return {"state": _choice(_("State"), ExpertMeeting.State.choices)}

    columns = [
        ("event", _("Event")),
        ("expert", _("Expert")),
        ("place", _("Place")),
        ("start", _("Start")),
        ("end", _("End")),
        ("participant", _("Participant")),
        ("company", _("Company")),
        ("subject", _("Subject")),
        ("state", _("State")),
        ("moved_from", _("Moved from")),
        ("sent_at", _("Sent at")),
    ]

    def queryset(self, user, params):
        from .models import ExpertMeeting

        qs = _scoped(ExpertMeeting.objects.all(), user, params)
        if params.get("state") in ExpertMeeting.State.values:
            qs = qs.filter(state=params["state"])
        return qs.select_related(
            "event", "expert", "moved_from", "representative__company", "topic"
        ).order_by("event_id", "expert__last_name", "start", "created_at")

    def row(self, m):
        return {
            "event": m.event.name,
            "expert": m.expert.full_name,
            "place": m.expert.place,
            "start": timezone.localtime(m.start) if m.start else None,
            "end": timezone.localtime(m.end) if m.end else None,
            "participant": m.representative.full_name,
            "company": m.representative.company.name,
            "subject": str(m.topic or ""),
            "state": m.get_state_display(),
            "moved_from": m.moved_from.full_name if m.moved_from else "",
            "sent_at": m.created_at,
        }


@register
class AnimationRegistrationExporter(EventExporter):
    """Registrations to the animations (workshops, conferences, trainings, round tables),
    waiting lists included: the list per animation and event of 003 §5."""

    code = "events.animation_registrations"
    label = _("Animation registrations")
    permission = PERM
    id_params = ("event", "animation")
    filter_params = ("event", "animation", "status")
    filter_labels = {"animation": _("Animation number")}

    def filter_fields(self):
        from .models import AnimationRegistration

        fields = super().filter_fields()
        fields["status"] = _choice(_("Status"), AnimationRegistration.Status.choices)
        return fields

    columns = [
        ("event", _("Event")),
        ("reference", _("Reference")),
        ("animation", _("Animation")),
        ("kind", _("Type")),
        ("start", _("Start")),
        ("end", _("End")),
        ("participant", _("Participant")),
        ("email", _("E-mail")),
        ("company", _("Company")),
        ("status", _("Status")),
        ("confirm_by", _("Confirm by")),
        ("reason", _("Reason")),
        ("registered_at", _("Registered at")),
    ]

    def queryset(self, user, params):
        from .models import AnimationRegistration

        qs = _scoped(AnimationRegistration.objects.all(), user, params)
        animation = int_param(params.get("animation"))
        if animation is not None:
            from .models import Animation

            event = int_param(params.get("event"))
            if (
                event is not None
                and not Animation.objects.filter(pk=animation, event_id=event).exists()
            ):
                raise InvalidFilter(
                    _("The animation %(n)s is not one of this event's.") % {"n": animation}
                )
            qs = qs.filter(animation_id=animation)
        if params.get("status") in AnimationRegistration.Status.values:
            qs = qs.filter(status=params["status"])
        return qs.select_related("animation__event", "representative__company").order_by(
            "animation__event_id", "animation__start", "animation_id", "created_at", "pk"
        )

    def row(self, r):
        a = r.animation
        return {
            "event": a.event.name,
            "reference": a.reference,
            "animation": a.title_fr,
            "kind": a.get_kind_display(),
            "start": timezone.localtime(a.start),
            "end": timezone.localtime(a.end),
            "participant": r.representative.full_name,
            "email": r.representative.email,
            "company": r.representative.company.name,
            "status": r.get_status_display(),
            "confirm_by": timezone.localtime(r.confirm_by) if r.confirm_by else None,
            "reason": r.reason,
            "registered_at": r.created_at,
        }


@register
class OrderExporter(EventExporter):
    """Orders of an event (its sales), for saved reports and the orders list."""

    code = "events.orders"
    label = _("Orders")
    permission = "events.manage_sales"
    filter_params = ("event", "status")
    columns = [
        ("event", _("Event")),
        ("order", _("Order")),
        ("company", _("Company")),
        ("country", _("Country")),
        ("vat", _("VAT number")),
        ("category", _("Category")),
        ("promo", _("Promo code")),
        ("status", _("Status")),
        ("total_net", _("Total excl. VAT")),
        ("total_vat", _("VAT")),
        ("total_gross", _("Total incl. VAT")),
        ("created_at", _("Created at")),
        ("paid_at", _("Paid at")),
    ]

    def filter_fields(self):
        from .models import Order

        return {"status": _choice(_("Status"), Order.Status.choices)}

    def queryset(self, user, params):
        from .models import Order

        qs = _scoped(Order.objects.all(), user, params, self.permission)
        if params.get("status") in Order.Status.values:
            qs = qs.filter(status=params["status"])
        return qs.select_related("event", "company", "category", "promo").order_by("event_id", "pk")

    def row(self, o):
        return {
            "event": o.event.name,
            "order": o.pk,
            "company": o.company.name,
            "country": o.company.country.code,
            "vat": o.company.vat_number,
            "category": str(o.category or ""),
            "promo": o.promo.code if o.promo else "",
            "status": o.get_status_display(),
            "total_net": o.total_net,
            "total_vat": o.total_vat,
            "total_gross": o.total_gross,
            "created_at": o.created_at,
            "paid_at": o.paid_at,
        }


@register
class SurveyAnswerExporter(EventExporter):
    """Answers to an event's evaluations (surveys), one row per answer."""

    code = "events.survey_answers"
    label = _("Evaluation answers")
    permission = "events.send_mailings"  # who runs the surveys sees their results
    filter_params = ("event", "kind")
    columns = [
        ("event", _("Event")),
        ("survey", _("Survey")),
        ("question", _("Question")),
        ("answer", _("Answer")),
        ("participant", _("Participant")),
        ("company", _("Company")),
        ("meeting_with", _("Meeting with")),
        ("answered_at", _("Answered at")),
    ]

    def filter_fields(self):
        from .models import Survey

        return {"kind": _choice(_("Survey"), Survey.Kind.choices)}

    def queryset(self, user, params):
        from .models import Answer, Invitation, Survey

        invitations = _scoped(Invitation.objects.all(), user, params, self.permission)
        if params.get("kind") in Survey.Kind.values:
            invitations = invitations.filter(survey__kind=params["kind"])
        return (
            Answer.objects.filter(invitation__in=invitations)
            .select_related(
                "question",
                "invitation__survey__event",
                "invitation__representative__company",
                "invitation__meeting__request__sender__company",
                "invitation__meeting__request__recipient__company",
            )
            .order_by(
                "invitation__survey__event_id",
                "invitation__survey_id",
                "invitation_id",
                "question__order",
                "question_id",
            )
        )

    def row(self, a):
        inv = a.invitation
        rep = inv.representative
        other = ""
        if inv.meeting_id:
            req = inv.meeting.request
            peer = req.recipient if req.sender_id == rep.pk else req.sender
            other = f"{peer.full_name} ({peer.company.name})"
        return {
            "event": inv.survey.event.name,
            "survey": inv.survey.title,
            "question": a.question.label,
            "answer": a.value,
            "participant": rep.full_name,
            "company": rep.company.name,
            "meeting_with": other,
            "answered_at": inv.answered_at,
        }
