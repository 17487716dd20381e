from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.core import uploads
from civitas.core.params import IdChoicesField

from ..forms import (
    RepresentativeForm,
    SessionsAttendedField,
    mark_required,
    session_label,
    sessions_of,
)
from ..models import Offer, Session, Slot
from ..services import checks


class OfferForm(forms.ModelForm):
    class Meta:
        model = Offer
        fields = [
            "kind",
            "title",
            "description",
            "cooperation_type",
            "keywords",
            "key_figures",
            "attachment",
        ]
        widgets = {
            "keywords": forms.CheckboxSelectMultiple,
            "key_figures": forms.CheckboxSelectMultiple,
        }
        field_classes = {"keywords": IdChoicesField, "key_figures": IdChoicesField}
        help_texts = {
            "attachment": _("PDF, PNG, JPEG, WebP or MP4, 10 MB at most."),
        }

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        # Retired entries are no longer offered, but stay on an offer that has them.
        kept = self.instance.pk is not None
        keywords = set(self.instance.keywords.values_list("pk", flat=True)) if kept else set()
        coop = self.instance.cooperation_type_id
        self.fields["cooperation_type"].queryset = event.cooperation_types.filter(
            Q(retired=False) | Q(pk=coop)
        )
        self.fields["keywords"].queryset = event.keywords.filter(
            Q(retired=False) | Q(pk__in=keywords)
        )
        self.fields["key_figures"].queryset = event.key_figures.all()
        # An event without key figures would show an empty group of boxes.
        if not event.key_figures.exists():
            del self.fields["key_figures"]
        mark_required(self)

    def clean_attachment(self):
        f = self.cleaned_data.get("attachment")
        if uploads.is_new_upload(f):
            self.attachment_type = checks.check_attachment(f)
            # Images re-encoded without metadata, PDFs parsed: polyglots are refused.
            f = uploads.clean_upload(f, {"image", "pdf"})[1]
        return f

    def instance_for_registration(self):
        offer = self.save(commit=False)
        offer.attachment_type = getattr(self, "attachment_type", "")
        offer._keywords = list(self.cleaned_data.get("keywords") or [])
        offer._key_figures = list(self.cleaned_data.get("key_figures") or [])
        return offer


class SessionPicker(IdChoicesField):
    """Sessions as people read them (day, name, hours)."""

    def label_from_instance(self, s):
        return session_label(s)


RepresentativeFormSet = forms.formset_factory(
    RepresentativeForm, extra=0, min_num=1, validate_min=True, max_num=20
)
OfferFormSet = forms.formset_factory(OfferForm, extra=0, min_num=1, validate_min=True, max_num=20)


class SlotField(forms.ModelChoiceField):
    def label_from_instance(self, slot):
        return f"{slot} · {slot.session.name}"


class RequestForm(forms.Form):
    """A meeting request. As the event allows: a slot to book (required when the event only
    books slots, optional when both ways are open) and, without a slot, preferred sessions."""

    message = forms.CharField(
        label=_("Message"), widget=forms.Textarea, required=False, max_length=2000
    )
    slot = SlotField(label=_("Slot to book"), queryset=Slot.objects.none(), required=False)
    preferred_sessions = SessionPicker(
        queryset=Session.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Sessions you prefer"),
        help_text=_(
            "Without a slot: the organisers’ scheduling places the meeting at a time you both "
            "attend; tick the sessions you prefer (shown to the person you ask and to the "
            "organisers)."
        ),
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        if event.books_slots:
            field = self.fields["slot"]
            field.queryset = Slot.objects.filter(
                session__day__event=event, start__gt=timezone.now()
            ).select_related("session")
            if event.takes_requests:
                field.empty_label = _("No slot: the organisers schedule the meeting")
                field.help_text = _("Book a free slot now, or leave it empty to send a request.")
            else:
                field.required = True
        else:
            del self.fields["slot"]
        if event.takes_requests:
            self.fields["preferred_sessions"].queryset = Session.objects.filter(
                day__event=event
            ).select_related("day")
        else:
            del self.fields["preferred_sessions"]

    def clean(self):
        data = super().clean()
        if data.get("slot") and data.get("preferred_sessions"):
            self.add_error(
                "preferred_sessions",
                _("Either book a slot or tick preferred sessions, not both."),
            )
        return data


# --- Sessions attended (frontoffice/availability.py) ---------------------------------------------


class AvailabilityForm(forms.Form):
    """The participant area's "My sessions": the same field as the registration form."""

    attended = SessionsAttendedField()

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].queryset = sessions_of(event)


# --- Expert meetings (frontoffice/experts.py) ----------------------------------------------------


class ExpertRequestForm(forms.Form):
    topic = forms.ModelChoiceField(
        label=_("Subject"), queryset=None, required=False, empty_label="—"
    )
    message = forms.CharField(
        label=_("Your project and what you expect from the meeting"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=3000,
        help_text=_(
            "Outline your project, the sectors and countries you target and your questions: "
            "the expert reads it before the meeting."
        ),
    )

    def __init__(self, *args, expert, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = expert.fields.all()


# --- A representative added from the area (frontoffice/regform_views.py) -------------------------


class AreaRepresentativeForm(RepresentativeForm):
    """A representative's profile in the area: the e-mail address is the login, shown
    read-only (only the organisers change it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].disabled = True
        self.fields["email"].help_text = _("Your login: ask the organisers to change it.")
