"""Back-office forms of the animations (workshops, conferences, trainings, round tables)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from civitas.core import accounts, uploads

from ..models import Animation, AnimationRegistration, Representative, Room, Site, Speaker

_DT = {"type": "datetime-local"}
_DT_FORMAT = "%Y-%m-%dT%H:%M"


class AnimationForm(forms.ModelForm):
    class Meta:
        model = Animation
        fields = [
            "kind",
            "title_fr",
            "title_en",
            "reference",
            "description",
            "start",
            "end",
            "site",
            "address_kind",
            "address",
            "room",
            "room_name",
            "capacity",
            "quota_enforced",
            "full_policy",
            "offer_hours",
            "person_in_charge",
            "public",
            "price",
            "forecast_rate",
            "forecast_date",
        ]
        widgets = {
            "start": forms.DateTimeInput(attrs=_DT, format=_DT_FORMAT),
            "end": forms.DateTimeInput(attrs=_DT, format=_DT_FORMAT),
            "forecast_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
            "address": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(event=event)
        self.fields["room"].queryset = Room.objects.filter(site__event=event).select_related("site")
        organisers = [u.pk for u in accounts.holders("events.manage_event", event)]
        if self.instance.person_in_charge_id:
            organisers.append(self.instance.person_in_charge_id)
        self.fields["person_in_charge"].queryset = get_user_model().objects.filter(
            pk__in=organisers
        )
        self.fields["price"].help_text = _("Empty: free. Billing comes with the payment module.")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The end must be after the start."))
        rate = data.get("forecast_rate")
        if rate is not None and rate > 100:
            self.add_error("forecast_rate", _("A rate is at most 100 %."))
        if (rate is None) != (data.get("forecast_date") is None):
            self.add_error("forecast_date", _("Give both the forecast and its alert date."))
        room = data.get("room")
        if room and not data.get("capacity") and not room.capacity:
            self.add_error(
                "capacity", _("This room has no capacity: give the number of seats here.")
            )
        return data


class SpeakerForm(forms.ModelForm):
    class Meta:
        model = Speaker
        fields = ["name", "company", "contact", "theme", "photo"]

    def clean_photo(self):
        return uploads.clean_image_field(self.cleaned_data.get("photo"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class ReasonRequiredForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class TransferForm(forms.Form):
    target = forms.ModelChoiceField(label=_("Transfer to"), queryset=Animation.objects.none())

    def __init__(self, *args, registration: AnimationRegistration, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = (
            Animation.objects.filter(event_id=registration.animation.event_id)
            .exclude(pk=registration.animation_id)
            .exclude(status=Animation.Status.CANCELLED)
        )


class AddParticipantForm(forms.Form):
    representative = forms.ModelChoiceField(
        label=_("Participant"), queryset=Representative.objects.none()
    )

    def __init__(self, *args, animation: Animation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["representative"].queryset = (
            Representative.objects.filter(company__event_id=animation.event_id)
            .exclude(
                animation_registrations__animation=animation,
                animation_registrations__status__in=AnimationRegistration.ACTIVE,
            )
            .select_related("company")
            .order_by("last_name", "first_name")
        )
