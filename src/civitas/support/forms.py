"""Validation shared by the portal and the back office."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from civitas.core import uploads

from .models import (
    Level,
    Product,
    Queue,
    Service,
    SlaTable,
    Structure,
    SupportCalendar,
    TicketState,
    UserRequest,
    Version,
)

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def clean_attachment(value):
    """(kind, file) of a screenshot or a PDF within the size limit; anything else refused."""
    if not value:
        return None
    if value.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(_("The file is too large (10 MB at most)."))
    kind, cleaned = uploads.clean_upload(value)  # ValidationError with a message
    if not kind:
        raise ValidationError(_("Attach a screenshot (PNG, JPEG, GIF, WebP) or a PDF file."))
    return kind, cleaned


class TicketForm(forms.Form):
    product = forms.ModelChoiceField(Product.objects.all(), label=_("Product"))
    version = forms.ModelChoiceField(
        Version.objects.select_related("product"), label=_("Version"), required=False
    )
    service = forms.ChoiceField(choices=Service.choices, label=_("Service"))
    level = forms.TypedChoiceField(
        choices=Level.choices, coerce=int, label=_("Level"), initial=Level.SERIOUS
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    text = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Quote the error message exactly as it appears."),
    )
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("A screenshot or a PDF file, 10 MB at most."),
    )

    def clean_attachment(self):
        return clean_attachment(self.cleaned_data.get("attachment"))

    def clean(self):
        data = super().clean()
        version, product = data.get("version"), data.get("product")
        if version and product and version.product_id != product.pk:
            self.add_error("version", _("This version is not a version of the product."))
        return data


class CustomerReplyForm(forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}))
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def clean_attachment(self):
        return clean_attachment(self.cleaned_data.get("attachment"))


class AgentReplyForm(forms.Form):
    text = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 6}))
    state = forms.ModelChoiceField(
        TicketState.objects.filter(side="provider", automatic=False, initial=False),
        label=_("New state"),
    )
    workaround = forms.BooleanField(label=_("A workaround is delivered"), required=False)
    fixed_in = forms.ModelChoiceField(
        Version.objects.select_related("product"),
        label=_("Fixed in version"),
        required=False,
        help_text=_("Links the ticket to the version's release notes."),
    )
    minutes = forms.IntegerField(
        label=_("Time spent (minutes)"),
        required=False,
        min_value=1,
        max_value=10000,
        help_text=_("Deducted from the structure's time book."),
    )
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def clean_attachment(self):
        return clean_attachment(self.cleaned_data.get("attachment"))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 3}))


class QualifyForm(forms.Form):
    level = forms.TypedChoiceField(choices=Level.choices, coerce=int, label=_("Level"))
    service = forms.ChoiceField(choices=Service.choices, label=_("Service"))
    sla_table = forms.ModelChoiceField(SlaTable.objects.all(), label=_("SLA table"))
    calendar = forms.ModelChoiceField(SupportCalendar.objects.all(), label=_("Calendar"))
    queue = forms.ModelChoiceField(Queue.objects.all(), label=_("Queue"), required=False)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when a blocking ticket is lowered: the customer receives it."),
    )


class UserRequestForm(forms.Form):
    action = forms.ChoiceField(choices=UserRequest.Action.choices, label=_("Request"))
    email = forms.EmailField(label=_("E-mail"))
    full_name = forms.CharField(label=_("Name"), max_length=200, required=False)


class FaqSearchForm(forms.Form):
    q = forms.CharField(label=_("Keywords"), required=False, max_length=200)
    product = forms.ModelChoiceField(Product.objects.all(), label=_("Product"), required=False)


class StructureForm(forms.ModelForm):
    class Meta:
        model = Structure
        fields = ["name", "unit", "account_manager", "calendar", "sla_table", "max_portal_users"]


class CorrespondentForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    full_name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(
        choices=[("user", _("Simple user")), ("referent", _("Référent"))], label=_("Kind")
    )
