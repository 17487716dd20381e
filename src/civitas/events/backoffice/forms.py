from django import forms
from django.utils.translation import gettext_lazy as _

from civitas.core import uploads

from ..models import (
    CooperationType,
    Day,
    Event,
    ExpertiseField,
    KeyFigure,
    Keyword,
    Room,
    Sector,
    Session,
    Site,
)


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
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
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

        self.fields["public_fields"].choices = [
            *Event.PUBLIC_FIELD_CHOICES,
            *public_choices(self.instance),
        ]

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
        fields = ["site", "name", "tables"]

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
