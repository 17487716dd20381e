from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from civitas.core import uploads
from civitas.core.params import IdChoicesField, IdField

from ..models import Company, Offer, Representative, Session
from ..services import checks, regform
from .regform import ConfigurableFormMixin


class CompanyForm(ConfigurableFormMixin, forms.ModelForm):
    class Meta:
        model = Company
        fields = [
            "name",
            "country",
            "siret",
            "vat_number",
            "address",
            "postcode",
            "city",
            "website",
            "email",
            "phone",
            "sector",
            "description",
        ]
        help_texts = {
            "country": _("Two letters, e.g. FR, DE, IT."),
            "siret": _("Required for French companies: 14 digits."),
            "vat_number": _("Intra-EU VAT number, required for EU companies outside France."),
        }

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = event.sectors.all()
        self.fields["country"].widget.attrs.update({"autocomplete": "country", "size": 3})
        self.configure(event)

    def clean_country(self):
        value = (self.cleaned_data.get("country") or "").strip().upper()
        if len(value) != 2 or not value.isalpha():
            raise ValidationError(_("Use the two-letter country code (FR, DE, ...)."))
        return value

    def clean(self):
        data = super().clean()
        country = data.get("country")
        siret, vat = data.get("siret", ""), data.get("vat_number", "")
        if country == "FR":
            if not siret:
                self.add_error("siret", _("The SIRET number is required for French companies."))
            else:
                try:
                    data["siret"] = checks.clean_siret(siret)
                except ValidationError as e:
                    self.add_error("siret", e)
        elif siret:
            self.add_error("siret", _("A SIRET number only applies to French companies."))
        if country and checks.is_eu_country(country):
            if vat:
                try:
                    data["vat_number"] = checks.clean_vat(vat, country)
                except ValidationError as e:
                    self.add_error("vat_number", e)
            elif country != "FR":
                self.add_error(
                    "vat_number", _("The VAT number is required for companies in the EU.")
                )
        return data


def session_label(s: Session) -> str:
    """A session as people read it: day, name and hours (not the ISO date)."""
    return f"{s.day.date:%d/%m/%Y} · {s.name} ({s.start_time:%H:%M}–{s.end_time:%H:%M})"


class RepresentativeForm(ConfigurableFormMixin, forms.ModelForm):
    regform_target = regform.REPRESENTATIVE

    class Meta:
        model = Representative
        fields = ["first_name", "last_name", "job_title", "email", "phone", "absent_sessions"]
        widgets = {"absent_sessions": forms.CheckboxSelectMultiple}
        field_classes = {"absent_sessions": IdChoicesField}
        help_texts = {
            "phone": _("For SMS about your meetings, e.g. +33612345678."),
            "absent_sessions": _("Tick the sessions you will not attend."),
        }

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["absent_sessions"]
        field.queryset = Session.objects.filter(day__event=event).select_related("day")
        field.label_from_instance = session_label
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.configure(event)


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


class CatalogueSearchForm(forms.Form):
    """The public catalogue's query (screen and API): words and a sector id."""

    # No length limit: only the first catalogue.MAX_WORDS words are searched.
    q = forms.CharField(required=False)
    sector = IdField()

    def words_left_out(self) -> bool:
        from ..services.catalogue import too_many_words

        return too_many_words(self.cleaned_data.get("q", ""))

    def query(self) -> tuple[str, int | None]:
        """(words, sector id) of a valid query; what is valid of an invalid one."""
        data = getattr(self, "cleaned_data", {})
        return data.get("q", ""), data.get("sector")
