"""Validation shared by the portal and the back office."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
    receives_reports = forms.BooleanField(
        label=_("Receives the quarter reports by mail"),
        required=False,
        help_text=_("The structure's activity and SLA report, PDF attached, after each quarter."),
    )


# --- Configuration tables of the back office (backoffice/configuration.py) -------------

_DT = {"type": "datetime-local"}
_DT_FORMAT = "%Y-%m-%dT%H:%M"


def _dt():
    return forms.DateTimeInput(attrs=_DT, format=_DT_FORMAT)


class NewsForm(forms.ModelForm):
    class Meta:
        from .models import News

        model = News
        fields = ["title", "kind", "text", "pinned", "published_at", "starts_at", "ends_at"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 5}),
            "published_at": _dt(),
            "starts_at": _dt(),
            "ends_at": _dt(),
        }

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The end comes before the start."))
        return data


class FaqArticleForm(forms.ModelForm):
    class Meta:
        from .models import FaqArticle

        model = FaqArticle
        fields = ["product", "question", "answer", "published_at"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 8}), "published_at": _dt()}


class ReleaseNoteForm(forms.ModelForm):
    class Meta:
        from .models import ReleaseNote

        model = ReleaseNote
        fields = ["version", "text", "known_issues", "announced_at"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 8}),
            "known_issues": forms.Textarea(attrs={"rows": 4}),
            "announced_at": _dt(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = Version.objects.select_related("product")


class TimeBookForm(forms.ModelForm):
    """`structures`: the structures the agent may configure (scope)."""

    class Meta:
        from .models import TimeBook

        model = TimeBook
        fields = ["structure", "hours_bought", "starts_on", "phone_minutes_per_month"]
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, structures=None, **kwargs):
        super().__init__(*args, **kwargs)
        if structures is not None:
            self.fields["structure"].queryset = structures
        self.fields["hours_bought"].min_value = 0
        self.fields["hours_bought"].widget.attrs["min"] = 0


class SlaTableForm(forms.ModelForm):
    class Meta:
        model = SlaTable
        fields = ["code", "name", "source", "phase", "minor_to_major_days", "alerts_any_time"]


class SlaTargetForm(forms.ModelForm):
    class Meta:
        from .models import SlaTarget

        model = SlaTarget
        fields = ["level", "clock", "amount", "unit"]

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount is not None and amount <= 0:
            raise ValidationError(_("A deadline is a positive amount."))
        return amount


class _TargetFormSet(forms.BaseInlineFormSet):
    def clean(self):
        # Before Django's own unique check, which would only say "Please correct the duplicate
        # data" above the rows: the faulty row is marked with a sentence the reader understands
        # (and, being invalid, is left out of Django's check).
        seen = set()
        for form in self.forms:
            if not getattr(form, "cleaned_data", None) or form.cleaned_data.get("DELETE"):
                continue
            key = (form.cleaned_data.get("level"), form.cleaned_data.get("clock"))
            if None in key:
                continue
            if key in seen:
                form.add_error("clock", _("This level already has a target for this clock."))
            seen.add(key)
        super().clean()


def sla_target_formset():
    from .models import SlaTarget

    return forms.inlineformset_factory(
        SlaTable, SlaTarget, form=SlaTargetForm, formset=_TargetFormSet, extra=3, can_delete=True
    )


# With a context: a bare "Monday" in this catalogue would override Django's lower-case
# day names in every date of the platform (« Mercredi 10 mars » in the middle of a sentence).
WEEKDAYS = [
    pgettext_lazy("calendar form", "Monday"),
    pgettext_lazy("calendar form", "Tuesday"),
    pgettext_lazy("calendar form", "Wednesday"),
    pgettext_lazy("calendar form", "Thursday"),
    pgettext_lazy("calendar form", "Friday"),
    pgettext_lazy("calendar form", "Saturday"),
    pgettext_lazy("calendar form", "Sunday"),
]


def _clock_time(text):
    """ "9:00", "09:00", "9h", "9h30" -> time (ValueError otherwise)."""
    import re
    from datetime import time

    match = re.fullmatch(r"(\d{1,2})\s*[:hH]\s*(\d{2})?", text.strip())
    if not match:
        raise ValueError(text)
    return time(int(match[1]), int(match[2] or 0))


def _parse_segments(text):
    """ "09:00-12:00, 14:00-18:00" -> [["09:00", "12:00"], ["14:00", "18:00"]]."""

    segments = []
    for part in (p.strip() for p in text.replace(";", ",").split(",")):
        if not part:
            continue
        bounds = [b.strip() for b in part.replace("–", "-").split("-")]
        try:
            if len(bounds) != 2:
                raise ValueError
            start, end = (_clock_time(b) for b in bounds)
        except ValueError:
            raise ValidationError(
                _("“%(part)s” is not a segment: write 09:00-12:00, 14:00-18:00."),
                params={"part": part},
            ) from None
        if end <= start:
            raise ValidationError(_("“%(part)s” ends before it starts."), params={"part": part})
        segments.append([start.strftime("%H:%M"), end.strftime("%H:%M")])
    segments.sort()
    for (_a, end), (start, _b) in zip(segments, segments[1:], strict=False):
        if start < end:
            raise ValidationError(_("Two segments overlap."))
    return segments


def _parse_closures(text):
    """One closure a line: "2027-08-09 2027-08-13" (inclusive) or one date."""
    from datetime import date

    closures = []
    for line in (line.strip() for line in text.splitlines()):
        if not line:
            continue
        parts = line.replace("–", " ").replace(" - ", " ").split()
        try:
            if len(parts) not in (1, 2):
                raise ValueError
            first, last = date.fromisoformat(parts[0]), date.fromisoformat(parts[-1])
        except ValueError:
            raise ValidationError(
                _("“%(line)s” is not a closure: write 2027-08-09 2027-08-13 or one date."),
                params={"line": line},
            ) from None
        if last < first:
            raise ValidationError(_("“%(line)s” ends before it starts."), params={"line": line})
        closures.append([first.isoformat(), last.isoformat()])
    return closures


class SupportCalendarForm(forms.ModelForm):
    """Opening hours as text per weekday, closures one a line, holidays worked one a line:
    the JSON of the model is never typed by hand."""

    closures_text = forms.CharField(
        label=_("Closures"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One a line: first and last day (2027-08-09 2027-08-13) or one day."),
    )
    worked_text = forms.CharField(
        label=_("Holidays worked"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One a line, by its English name (Whit Monday)."),
    )

    class Meta:
        model = SupportCalendar
        fields = ["name", "region"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hours = self.instance.hours or {}
        for day, label in enumerate(WEEKDAYS):
            self.fields[f"day_{day}"] = forms.CharField(
                label=label,
                required=False,
                help_text=_("Open segments, e.g. 09:00-12:00, 14:00-18:00; empty: closed."),
            )
            self.initial.setdefault(
                f"day_{day}", ", ".join(f"{a}-{b}" for a, b in hours.get(str(day), []))
            )
        self.initial.setdefault(
            "closures_text",
            "\n".join(a if a == b else f"{a} {b}" for a, b in (self.instance.closures or [])),
        )
        self.initial.setdefault("worked_text", "\n".join(self.instance.worked_holidays or []))
        order = ["name", "region", *(f"day_{d}" for d in range(7)), "closures_text"]
        self.order_fields([*order, "worked_text"])

    def clean(self):
        data = super().clean()
        hours = {}
        for day in range(7):
            try:
                segments = _parse_segments(data.get(f"day_{day}") or "")
            except ValidationError as exc:
                self.add_error(f"day_{day}", exc)
                continue
            if segments:
                hours[str(day)] = segments
        try:
            closures = _parse_closures(data.get("closures_text") or "")
        except ValidationError as exc:
            self.add_error("closures_text", exc)
            closures = []
        worked = [w.strip() for w in (data.get("worked_text") or "").splitlines() if w.strip()]
        if self.errors:
            return data
        if not hours:
            raise ValidationError(_("Open the calendar on at least one day."))
        from datetime import date

        from civitas.core.calendar import BusinessCalendar

        try:  # the core calendar is the judge of the region and the holidays' names
            BusinessCalendar(
                hours={int(d): s for d, s in hours.items()},
                region=data.get("region") or "",
                closures=[(date.fromisoformat(a), date.fromisoformat(b)) for a, b in closures],
                worked_holidays=worked,
            )
        except ValueError as exc:
            field = "worked_text" if str(exc).startswith("worked_holidays") else "region"
            self.add_error(field, str(exc))
            return data
        self.instance.hours = hours
        self.instance.closures = closures
        self.instance.worked_holidays = worked
        return data


class TicketStateForm(forms.ModelForm):
    class Meta:
        model = TicketState
        fields = [
            "code",
            "label",
            "label_en",
            "side",
            "order",
            "initial",
            "frozen",
            "waits_customer",
            "resolves",
            "closed",
            "automatic",
            "auto_next",
            "auto_after_days",
        ]

    def clean(self):
        data = super().clean()
        if data.get("auto_next") and self.instance.pk and data["auto_next"].pk == self.instance.pk:
            self.add_error("auto_next", _("A state cannot lead to itself."))
        if data.get("initial"):
            others = TicketState.objects.filter(initial=True).exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error(
                    "initial",
                    _("“%(state)s” is already the initial state.")
                    % {"state": others.first().display_label},
                )
        return data


class SatisfactionForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Are you satisfied with how your request was handled?"),
        choices=[],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        from .models import Satisfaction

        super().__init__(*args, **kwargs)
        self.fields["score"].choices = list(reversed(Satisfaction.Score.choices))


class EvolutionForm(forms.ModelForm):
    """The provider's decision on an evolution request."""

    class Meta:
        from .models import Evolution

        model = Evolution
        fields = ["title", "decision", "interest", "priority", "version", "rationale"]
        widgets = {"rationale": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, product=None, **kwargs):
        super().__init__(*args, **kwargs)
        versions = Version.objects.select_related("product")
        if product is not None:
            versions = versions.filter(product=product)
        self.fields["version"].queryset = versions


class VersionForm(forms.ModelForm):
    class Meta:
        model = Version
        fields = ["product", "number", "planned_on", "released_on"]
        widgets = {
            "planned_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "released_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
