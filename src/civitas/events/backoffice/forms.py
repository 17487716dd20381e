from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from civitas.core import phones, uploads
from civitas.core.params import IdChoicesField

from ..models import (
    Company,
    CooperationType,
    Day,
    Event,
    Expert,
    ExpertiseField,
    ExpertMeeting,
    ExtraField,
    KeyFigure,
    Keyword,
    Room,
    Sector,
    Session,
    Site,
    Slot,
    WebhookSubscription,
)
from ..services import expert_moves as expert_moves_svc
from ..services import experts as experts_svc
from ..services import mailing as mailing_svc
from ..services import placement, regform, webhooks

Topic = WebhookSubscription.Topic


def time_range_label(start, end) -> str:
    start, end = timezone.localtime(start), timezone.localtime(end)
    return f"{start:%d/%m/%Y %H:%M}–{end:%H:%M}"


# Addresses under /evenements/ that are not events.
RESERVED_EVENT_SLUGS = {"agenda"}


class EventForm(forms.ModelForm):
    public_fields = forms.MultipleChoiceField(
        label=_("Public fields in the catalogue"),
        choices=Event.PUBLIC_FIELD_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=[("fr", "Français"), ("en", "English")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Event
        fields = [
            "name",
            "slug",
            "start_date",
            "end_date",
            "registration_opens",
            "registration_closes",
            "languages",
            "venue",
            "booking_mode",
            "request_expiry_days",
            "allow_messages_before_acceptance",
            "banner",
            "logo",
            "logo_link",
            "primary_colour",
            "secondary_colour",
            # welcome_text, practical_info, contact_text, legal_notice: now the mini-site's
            # Wagtail pages (they only seed those pages when the event is created).
            "organiser_email",
            "public_fields",
            "is_published",
            "parent",
            "forecast_registrations",
            "forecast_date",
            "minisite_closes_on",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "forecast_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "minisite_closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "registration_opens": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "registration_closes": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "primary_colour": forms.TextInput(attrs={"type": "color"}),
            "secondary_colour": forms.TextInput(attrs={"type": "color"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The event's extra company fields can be published too (services/regform.py).
        from ..services.regform import public_choices

        # A parent is an event that is itself no operation, other than this one.
        parents = Event.objects.filter(parent__isnull=True).order_by("-start_date", "name")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["public_fields"].choices = [
            *Event.PUBLIC_FIELD_CHOICES,
            *public_choices(self.instance),
        ]

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        # /evenements/agenda/ is the public agenda (frontoffice/urls.py).
        if slug and slug.lower() in RESERVED_EVENT_SLUGS:
            raise forms.ValidationError(
                _("“%(slug)s” is reserved for a page of the site; choose another short name.")
                % {"slug": slug}
            )
        return slug

    def clean_banner(self):
        return uploads.clean_image_field(self.cleaned_data.get("banner"))

    def clean_logo(self):
        return uploads.clean_image_field(self.cleaned_data.get("logo"))

    def clean(self):
        data = super().clean()
        if (
            data.get("start_date")
            and data.get("end_date")
            and data["end_date"] < data["start_date"]
        ):
            self.add_error("end_date", _("The last day is before the first day."))
        parent = data.get("parent")
        if parent is not None and self.instance.pk and self.instance.operations.exists():
            self.add_error(
                "parent", _("This event has linked operations: it cannot be one itself.")
            )
        if data.get("forecast_date") and not data.get("forecast_registrations"):
            self.add_error(
                "forecast_registrations", _("Give the forecast the alert date is about.")
            )
        if (
            data.get("minisite_closes_on")
            and data.get("end_date")
            and data["minisite_closes_on"] <= data["end_date"]
        ):
            self.add_error(
                "minisite_closes_on", _("The public pages can go offline only after the event.")
            )
        return data


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["day", "name", "start_time", "end_time", "slot_minutes"]
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].queryset = event.days.all()

    def clean(self):
        data = super().clean()
        if (
            data.get("start_time")
            and data.get("end_time")
            and data["end_time"] <= data["start_time"]
        ):
            self.add_error("end_time", _("The session ends before it starts."))
        return data


class RoomForm(forms.ModelForm):
    class Meta:
        model = Room
        fields = ["site", "name", "tables", "capacity"]

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = event.sites.all()


def _simple(model, fields, widgets=None):
    meta = type("Meta", (), {"model": model, "fields": fields, "widgets": widgets or {}})

    def __init__(self, *args, event, **kwargs):
        forms.ModelForm.__init__(self, *args, **kwargs)

    return type(f"{model.__name__}Form", (forms.ModelForm,), {"Meta": meta, "__init__": __init__})


ITEM_FORMS = {
    "site": (_("Site"), _simple(Site, ["name", "address"])),
    "room": (_("Room"), RoomForm),
    "day": (_("Day"), _simple(Day, ["date"], {"date": forms.DateInput(attrs={"type": "date"})})),
    "session": (_("B2B session"), SessionForm),
    "sector": (_("Sector"), _simple(Sector, ["code", "label_fr", "label_en"])),
    "keyword": (_("Keyword"), _simple(Keyword, ["label_fr", "label_en"])),
    "key_figure": (_("Key figure"), _simple(KeyFigure, ["label_fr", "label_en"])),
    "cooperation_type": (_("Cooperation type"), _simple(CooperationType, ["label_fr", "label_en"])),
    "expertise_field": (
        _("Field of expertise"),
        _simple(ExpertiseField, ["label_fr", "label_en"]),
    ),
}


# --- Meetings placed, moved and cancelled by hand (backoffice/manual.py) ---------------------


class SlotField(forms.ModelChoiceField):
    def __init__(self, *args, notes=None, **kwargs):
        self.notes = notes or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, slot):
        start, end = timezone.localtime(slot.start), timezone.localtime(slot.end)
        label = f"{start:%d/%m/%Y %H:%M}–{end:%H:%M} · {slot.session.name}"
        note = self.notes.get(slot.pk)
        return f"{label} — {note}" if note else label


class PlacementForm(forms.Form):
    slot = SlotField(queryset=Slot.objects.none(), label=_("Slot"))
    room = forms.ModelChoiceField(
        queryset=Room.objects.none(),
        required=False,
        label=_("Room"),
        empty_label=_("First free table in any room"),
    )
    table = forms.IntegerField(
        required=False,
        min_value=1,
        label=_("Table"),
        help_text=_("Leave empty for the first free table of the room."),
    )
    publish = forms.BooleanField(
        required=False,
        initial=True,
        label=_("Publish now and tell both parties (e-mail and SMS)"),
        help_text=_("Otherwise the meeting stays a draft until the next publication."),
    )

    override_absence = forms.BooleanField(
        required=False,
        label=_("Place it anyway if one of the two people does not attend the session"),
        help_text=_(
            "Only a declared absence is overridden, never another meeting at the same time."
        ),
    )
    absence_reason = forms.CharField(
        required=False,
        max_length=300,
        label=_("Reason for placing despite the absence"),
        help_text=_("Required to place anyway; kept on the meeting and in the journal."),
    )

    def __init__(self, *args, event, req, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = Slot.objects.filter(
            session__day__event=event
        ).select_related("session")
        self.fields["slot"].notes = placement.slot_notes(req, meeting)
        self.fields["room"].queryset = Room.objects.filter(site__event=event).select_related("site")
        if meeting is not None:
            del self.fields["publish"]
            self.fields["slot"].initial = meeting.slot_id

    def clean(self):
        data = super().clean()
        if data.get("override_absence") and not (data.get("absence_reason") or "").strip():
            self.add_error(
                "absence_reason",
                _("Give the reason for placing the meeting despite an absence."),
            )
        return data

    def absence_reason_or_none(self):
        """What services/manual.py takes: the reason when overriding, else None."""
        if self.cleaned_data.get("override_absence"):
            return self.cleaned_data["absence_reason"]
        return None


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("Sent to both parties if the meeting was published."),
    )
    close_request = forms.BooleanField(
        required=False,
        label=_("The two parties no longer want to meet: close the request too"),
        help_text=_(
            "Otherwise the request stays confirmed and waits for a new place (by hand or "
            "with the incremental fill)."
        ),
    )


# --- Experts (backoffice/experts.py) -------------------------------------------------------------


class ExpertForm(forms.ModelForm):
    class Meta:
        model = Expert
        fields = [
            "first_name",
            "last_name",
            "job_title",
            "organisation",
            "email",
            "phone",
            "fields",
            "bio",
            "photo",
            "sought_sectors",
            "sought_countries",
            "sought_profile",
            "sessions",
            "place",
            "slot_minutes",
            "quota",
            "mode",
            "is_public",
        ]
        widgets = {
            "fields": forms.CheckboxSelectMultiple,
            "sessions": forms.CheckboxSelectMultiple,
            "sought_sectors": forms.CheckboxSelectMultiple,
            "mode": forms.RadioSelect,
        }
        field_classes = {
            "phone": phones.PhoneField,
            "fields": IdChoicesField,
            "sought_sectors": IdChoicesField,
            "sessions": IdChoicesField,
        }
        help_texts = {
            "email": _("If a user account has this address, the expert sees their agenda in it."),
            "phone": _("For SMS about their meetings, e.g. +33612345678."),
        }

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fields"].queryset = event.expertise_fields.all()
        self.fields["sought_sectors"].queryset = event.sectors.all()
        sessions = Session.objects.filter(day__event=event).select_related("day")
        self.fields["sessions"].queryset = sessions
        if not event.expertise_fields.exists():
            self.fields["fields"].help_text = _(
                "Add the event's fields of expertise first (event page, Add: field of expertise)."
            )

    def clean_photo(self):
        return uploads.clean_image_field(self.cleaned_data.get("photo"))

    def clean_sought_countries(self):
        codes = [c.strip().upper() for c in self.cleaned_data["sought_countries"].split(",")]
        codes = [c for c in codes if c]
        bad = [c for c in codes if len(c) != 2 or not c.isalpha()]
        if bad:
            raise ValidationError(
                _("Use two-letter country codes separated by commas (not: %(bad)s).")
                % {"bad": ", ".join(bad)}
            )
        return ", ".join(codes)


class CandidatesForm(forms.Form):
    chosen = IdChoicesField(
        label=_("Candidates retained"),
        queryset=ExpertMeeting.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "In order of arrival. Ticked: the automatic pre-assignment (order of arrival, "
            "within the places left, only candidates who can be placed). Those not ticked "
            "are told they are not retained."
        ),
    )

    def __init__(self, *args, expert, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["chosen"]
        field.queryset = experts_svc.candidates(expert)
        field.label_from_instance = self.label

    @staticmethod
    def label(em):
        rep = em.representative
        text = f"{rep.full_name} ({rep.company.name}, {rep.company.country.name})"
        text += f" – {timezone.localtime(em.created_at):%d/%m %H:%M}"
        if em.topic_id:
            text += f" – {em.topic}"
        if em.message:
            text += f" – « {em.message[:200]} »"
        return text


class AbsenceForm(forms.Form):
    day = forms.ModelChoiceField(
        label=_("Absent on"),
        queryset=None,
        required=False,
        empty_label=_("The whole event"),
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].queryset = event.days.all()
        self.fields["day"].label_from_instance = lambda day: f"{day.date:%d/%m/%Y}"


# --- Expert meeting moves (backoffice/expert_moves.py) -------------------------------------------


class MoveForm(forms.Form):
    target = forms.ChoiceField(
        label=_("New expert and time"),
        help_text=_(
            "Only the times when the participant is free (no B2B meeting, no other expert "
            "meeting, session attended) and, for another expert, with a place left."
        ),
    )

    def __init__(self, *args, em, options, **kwargs):
        super().__init__(*args, **kwargs)
        groups: dict[int, tuple[str, list]] = {}
        for o in options:
            name = o.expert.full_name
            if o.expert.pk == em.expert_id:
                name = _("%(name)s (same expert)") % {"name": name}
            label = f"{time_range_label(o.time.start, o.time.end)} – {o.expert.place}"
            groups.setdefault(o.expert.pk, (name, []))[1].append((o.key, label))
        choices = [("", "---------")] + [(name, items) for name, items in groups.values()]
        # A choice taken since the page was shown stays selectable, so the organiser reads
        # why it is refused next to what they chose.
        posted = self.data.get(self.add_prefix("target")) if self.is_bound else None
        known = {o.key for o in options}
        parsed = expert_moves_svc.parse_key(posted) if posted else None
        if posted and posted not in known and parsed is not None:
            expert = Expert.objects.filter(pk=parsed[0], event_id=em.event_id).first()
            t = None
            if expert is not None:
                times = experts_svc.expert_times(expert)
                t = next((t for t in times if t.start == parsed[1]), None)
            if t is not None:
                label = f"{expert.full_name} – {time_range_label(t.start, t.end)}"
                choices.append((_("No longer free"), [(posted, label)]))
        self.fields["target"].choices = choices

    def clean_target(self):
        parsed = expert_moves_svc.parse_key(self.cleaned_data["target"])
        if parsed is None:
            raise forms.ValidationError(_("Choose an expert and a time in the list."))
        return parsed


# --- Mailings (backoffice/mailing.py) ------------------------------------------------------------


_TEXT_HELP = _(
    "Placeholders: {first_name}, {last_name}, {name}, {company}, {event}, {event_url}, "
    "{area_url}, {agenda_url} (or {{ first_name }}...)."
)


class FilterForm(forms.Form):
    status = forms.MultipleChoiceField(
        label=_("Registration status"),
        choices=Company.Status.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sector = IdChoicesField(
        label=_("Sectors"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    country = forms.MultipleChoiceField(
        label=_("Countries"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sessions = IdChoicesField(
        label=_("Attending at least one of these sessions"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    meetings = forms.ChoiceField(
        label=_("Meetings"),
        choices=[
            ("", _("With or without meetings")),
            (mailing_svc.MEETINGS_WITH, _("With at least one scheduled meeting")),
            (mailing_svc.MEETINGS_WITHOUT, _("Without any scheduled meeting")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["sector"].queryset = event.sectors.all()
        sessions = Session.objects.filter(day__event=event).select_related("day")
        self.fields["sessions"].queryset = sessions
        self.fields["country"].choices = [
            (c, countries.name(c) or c) for c in mailing_svc.filter_choices(event)["countries"]
        ]

    def params(self) -> dict:
        data = self.cleaned_data
        return {
            "event": self.event.pk,
            "status": list(data.get("status") or []),
            "sector": [s.pk for s in data.get("sector") or []],
            "country": list(data.get("country") or []),
            "sessions": [s.pk for s in data.get("sessions") or []],
            "meetings": data.get("meetings") or "",
        }


class MailingForm(FilterForm):
    subject = forms.CharField(label=_("Subject"), max_length=255)
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 10}), help_text=_TEXT_HELP
    )
    subject_en = forms.CharField(
        label=_("Subject in English (optional)"), max_length=255, required=False
    )
    body_en = forms.CharField(
        label=_("Text in English (optional)"),
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        help_text=_("If given, participants whose account is in English receive this version."),
    )
    essential = forms.BooleanField(
        label=_("Service message: also send to people who unsubscribed"),
        required=False,
        help_text=_(
            "Only for information every participant must receive (change of venue, "
            "schedule). Otherwise opt-outs are respected."
        ),
    )

    def _check(self, name):
        value = self.cleaned_data.get(name, "")
        problems = mailing_svc.check_text(value)
        if problems:
            raise forms.ValidationError(problems)
        return value

    def clean_subject(self):
        return self._check("subject")

    def clean_body(self):
        return self._check("body")

    def clean_subject_en(self):
        return self._check("subject_en")

    def clean_body_en(self):
        return self._check("body_en")

    def clean(self):
        data = super().clean()
        if bool(data.get("subject_en")) != bool(data.get("body_en")):
            self.add_error(
                "body_en" if data.get("subject_en") else "subject_en",
                _("Give both the English subject and the English text, or none."),
            )
        return data


# --- Moderation (backoffice/moderation.py) -------------------------------------------------------


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the participant)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


# --- Waiting lists (backoffice/waitlist.py) ------------------------------------------------------


class RemoveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=300,
        help_text=_("Kept in the action journal; the parties are not mailed."),
    )


# --- Webhooks (backoffice/webhooks.py) -----------------------------------------------------------


class WebhookForm(forms.ModelForm):
    topics = forms.MultipleChoiceField(
        label=_("Notifications sent"),
        choices=[(v, label) for v, label in Topic.choices if v != Topic.PING],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each change of these kinds in this event is POSTed to the address."),
    )

    class Meta:
        model = WebhookSubscription
        fields = ["name", "url", "topics", "is_active"]
        help_texts = {"name": _("For you, e.g. “CRM Selligent”.")}

    def clean_url(self):
        url = self.cleaned_data["url"]
        problem = webhooks.target_problem(url)
        if problem:
            raise ValidationError(problem)
        return url


# --- Registration form settings (backoffice/regform.py) ----------------------------------------

TARGET_LABELS = {regform.COMPANY: _("Company"), regform.REPRESENTATIVE: _("Representative")}


def _form_name(code: str) -> str:
    return code.replace(".", "__")


class StandardFieldsForm(forms.Form):
    """One choice per configurable standard field: shown optional, required or hidden."""

    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for target, fields in regform.CONFIGURABLE.items():
            for name, allowed in fields.items():
                code = f"{target}.{name}"
                self.fields[_form_name(code)] = forms.ChoiceField(
                    label=f"{TARGET_LABELS[target]} — {regform.standard_label(target, name)}",
                    choices=[(s, regform.STATE_LABELS[s]) for s in allowed],
                    initial=current.get(code, regform.OPTIONAL),
                )

    def standard(self) -> dict:
        return {
            f"{t}.{n}": self.cleaned_data[_form_name(f"{t}.{n}")]
            for t, fields in regform.CONFIGURABLE.items()
            for n in fields
        }


class ExtraFieldForm(forms.ModelForm):
    public = forms.BooleanField(
        label=_("Shown in the public catalogue"),
        required=False,
        help_text=_("Company fields only."),
    )

    class Meta:
        model = ExtraField
        fields = [
            "target",
            "key",
            "label_fr",
            "label_en",
            "help_fr",
            "help_en",
            "kind",
            "choices",
            "required",
            "sectors",
            "position",
        ]
        field_classes = {"sectors": IdChoicesField}
        widgets = {
            "sectors": forms.CheckboxSelectMultiple,
            "choices": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.instance.event = event
        self.fields["sectors"].queryset = event.sectors.all()
        self.fields["public"].initial = self.instance.public_code in (event.public_fields or [])
        if self.instance.pk:
            # The answers are stored under the key, on the company or the representative.
            for name in ("key", "target"):
                self.fields[name].disabled = True
            self.fields["key"].help_text = _("The key cannot change once the field exists.")

    def clean_key(self):
        key = self.cleaned_data["key"]
        target = self.cleaned_data.get("target") or self.instance.target
        taken = ExtraField.objects.filter(event=self.event, target=target, key=key)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Another field of this form already uses this key."))
        return key

    def clean(self):
        data = super().clean()
        kind, target = data.get("kind"), data.get("target")
        if kind in ExtraField.CHOICE_KINDS and not (data.get("choices") or "").strip():
            self.add_error("choices", _("A choice list needs at least one choice."))
        if target and target != regform.COMPANY:
            if data.get("sectors"):
                self.add_error("sectors", _("Only company fields can depend on the sector."))
            if data.get("public"):
                self.add_error("public", _("Only company fields can be shown in the catalogue."))
        return data
