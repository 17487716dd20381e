"""Expert meetings (003 §4.2.3): expert profiles, requests/meetings with experts, absences.

An expert is a person (possibly with a user account) who meets companies one to one at a
fixed place (a desk or a room) during the sessions they attend. Their slots follow the
session's times with their own slot length when it differs from the B2B one. A request of
a representative becomes a meeting (state "scheduled", with its start and end) either at
once ("as they come" mode) or when the organiser chooses among the candidates
("pre-assignment" mode). The assignment mode is set per expert: one event often mixes a
much sought-after expert, whose few places the organiser arbitrates, with others who take
requests in arrival order.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .event import Day, Event, EventChild, Session
from .lists import Sector, _Labelled
from .registration import Representative


class ExpertiseField(_Labelled):
    """A field of expertise (export, customs, financing, IP...), per event. Two experts are
    interchangeable for a meeting when they share its field."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="expertise_fields")

    class Meta:
        verbose_name = _("field of expertise")
        verbose_name_plural = _("fields of expertise")
        ordering = ["label_fr"]


def _photo_to(instance, filename):
    return f"events/{instance.event_id}/experts/{filename}"


class Expert(EventChild):
    class Mode(models.TextChoices):
        AS_THEY_COME = "as_they_come", _("Assigned as requests come, up to the quota")
        PRE_ASSIGNMENT = "pre_assignment", _("Candidates chosen by the organiser")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="experts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_experts",
        help_text=_("Lets the expert see their agenda in their area."),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("mobile phone"), max_length=30, blank=True)
    fields = models.ManyToManyField(
        ExpertiseField, verbose_name=_("fields of expertise"), related_name="experts"
    )
    bio = models.TextField(_("public profile"), blank=True)
    photo = models.ImageField(_("photo"), upload_to=_photo_to, blank=True)
    # The profile of the participants the expert wants to meet.
    sought_sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors sought"), blank=True, related_name="+"
    )
    sought_countries = models.CharField(
        _("countries sought"),
        max_length=200,
        blank=True,
        help_text=_("Two-letter codes separated by commas, e.g. FR, DE, MA."),
    )
    sought_profile = models.TextField(_("profile sought"), blank=True)
    sessions = models.ManyToManyField(
        Session, verbose_name=_("sessions attended"), related_name="experts"
    )
    place = models.CharField(
        _("place"), max_length=200, help_text=_("Room or desk where the expert receives.")
    )
    slot_minutes = models.PositiveIntegerField(
        _("meeting length (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(5)],
        help_text=_("Leave empty to use the slot length of each session."),
    )
    quota = models.PositiveIntegerField(
        _("maximum number of meetings"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit other than the expert's slots."),
    )
    mode = models.CharField(
        _("assignment mode"), max_length=20, choices=Mode.choices, default=Mode.AS_THEY_COME
    )
    is_public = models.BooleanField(_("shown in the public catalogue"), default=True)
    absent = models.BooleanField(_("absent for the whole event"), default=False, editable=False)
    absent_days = models.ManyToManyField(
        Day, verbose_name=_("days of absence"), blank=True, editable=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def countries(self) -> list[str]:
        return [c.strip().upper() for c in self.sought_countries.split(",") if c.strip()]


class ExpertMeeting(EventChild):
    """A representative's request to meet an expert and, once placed, the meeting itself."""

    class State(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate (awaiting the organiser's choice)")
        SCHEDULED = "scheduled", _("Scheduled")
        NOT_RETAINED = "not_retained", _("Not retained")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATES = (State.CANDIDATE, State.SCHEDULED)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="expert_meetings")
    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="meetings"
    )
    representative = models.ForeignKey(
        Representative,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="expert_meetings",
    )
    topic = models.ForeignKey(
        ExpertiseField,
        verbose_name=_("subject"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.TextField(_("your project and what you expect"), blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.CANDIDATE
    )
    # Order of arrival.
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.RESTRICT, related_name="+"
    )
    start = models.DateTimeField(_("start"), null=True, blank=True)
    end = models.DateTimeField(_("end"), null=True, blank=True)
    moved_from = models.ForeignKey(
        Expert,
        verbose_name=_("moved from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    is_expert_meeting = True  # lets shared agenda templates tell it from a B2B meeting

    class Meta:
        verbose_name = _("expert meeting")
        verbose_name_plural = _("expert meetings")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["event", "state"])]
        constraints = [
            # Second line of defence behind the row locks of services/experts.py.
            models.UniqueConstraint(
                fields=["expert", "start"],
                condition=models.Q(state="scheduled"),
                name="events_expertmeeting_one_per_expert_slot",
            ),
            models.UniqueConstraint(
                fields=["representative", "start"],
                condition=models.Q(state="scheduled"),
                name="events_expertmeeting_one_per_person_slot",
            ),
        ]

    def __str__(self):
        return f"{self.representative.full_name} → {self.expert.full_name}"


class ExpertAbsence(EventChild):
    """An expert marked absent (a day or the whole event) and what became of their
    meetings: the report the organiser reads."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="expert_absences")
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="absences")
    day = models.ForeignKey(
        Day,
        verbose_name=_("day"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Leave empty for the whole event."),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # [{"meeting", "old_start", "new_start", "place"}]; names are read from the meetings.
    moved = models.JSONField(default=list, blank=True)
    # [{"meeting", "old_start", "reason"}]
    cancelled = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("expert absence")
        verbose_name_plural = _("expert absences")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.expert} – {self.day or _('whole event')}"
