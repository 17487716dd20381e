from django import forms
from django.utils.translation import gettext_lazy as _

from civitas.core import uploads
from civitas.core.params import IdChoicesField

from ..forms import RepresentativeForm, mark_required, session_label
from ..models import Offer, Session
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
        self.fields["cooperation_type"].queryset = event.cooperation_types.all()
        self.fields["keywords"].queryset = event.keywords.all()
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


RepresentativeFormSet = forms.formset_factory(
    RepresentativeForm, extra=0, min_num=1, validate_min=True, max_num=20
)
OfferFormSet = forms.formset_factory(OfferForm, extra=0, min_num=1, validate_min=True, max_num=20)


class RequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message"), widget=forms.Textarea, required=False, max_length=2000
    )
    slot = forms.ModelChoiceField(label=_("Slot"), queryset=None, required=False)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        from ..models import Event, Slot

        if event.booking_mode == Event.BookingMode.SLOTS:
            self.fields["slot"].queryset = Slot.objects.filter(session__day__event=event)
            self.fields["slot"].required = True
        else:
            del self.fields["slot"]


# --- Sessions attended (frontoffice/availability.py) ---------------------------------------------


class SessionField(IdChoicesField):
    def label_from_instance(self, s):
        return session_label(s)


class AvailabilityForm(forms.Form):
    attended = SessionField(
        queryset=Session.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Sessions I attend"),
        help_text=_("Untick the sessions you will miss."),
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].queryset = Session.objects.filter(day__event=event).select_related(
            "day"
        )


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
