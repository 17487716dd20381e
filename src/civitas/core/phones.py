"""Phone numbers of the core kit: one way to validate and store them (E.164, phonenumbers).

```python
from civitas.core import phones

phones.to_e164("06 12 34 56 78")          # "+33612345678" (national numbers: region FR)
phones.to_e164("0049 151 23456789")       # "+4915123456789"
phones.to_e164("+33 1 23 45 67 89", mobile=True)   # ValueError: a landline, no SMS
phones.to_e164("")                        # "" (no number)
```

SMS depend on these numbers: forms store what `to_e164` returns, and `PhoneField` is the form
field that does it, with a message saying what is wrong.
"""

from __future__ import annotations

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DEFAULT_REGION = "FR"

_NOT_MOBILE = {
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.TOLL_FREE,
    phonenumbers.PhoneNumberType.PREMIUM_RATE,
    phonenumbers.PhoneNumberType.SHARED_COST,
}


def to_e164(value, *, region: str = DEFAULT_REGION, mobile: bool = False) -> str:
    """The number in E.164 ("+33612345678"); "" for an empty value.

    National numbers are read in `region` (France by default); "00" is read as "+". Raises
    ValueError with a message for the person when the number cannot be a real one (or, with
    `mobile=True`, when it is a landline or a special-rate number, which receive no SMS)."""
    raw = str(value or "").strip()
    if not raw:
        return ""
    text = raw
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(
            _("“%(value)s” is not a phone number: type it as 06 12 34 56 78 or +33 6 12 34 56 78.")
            % {"value": raw}
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(
            _(
                "“%(value)s” is not a valid phone number: check the number of digits, and "
                "start with the country code (+49…) for a number outside France."
            )
            % {"value": raw}
        )
    if mobile and phonenumbers.number_type(number) in _NOT_MOBILE:
        raise ValueError(
            _("“%(value)s” is not a mobile number: text messages need a mobile phone.")
            % {"value": raw}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_or_keep(value, *, region: str = DEFAULT_REGION) -> tuple[str, bool]:
    """(E.164 number, True) when `value` parses, else (value unchanged, False): for data
    migrations and imports that must not lose what they cannot read."""
    try:
        return to_e164(value, region=region), True
    except ValueError:
        return str(value or ""), False


class PhoneField(forms.CharField):
    """A form field that cleans to E.164 (`mobile=True`: a mobile number)."""

    default_error_messages = {"invalid": gettext_lazy("Enter a valid phone number.")}

    def __init__(self, *, mobile: bool = False, region: str = DEFAULT_REGION, **kwargs):
        self.mobile, self.region = mobile, region
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.setdefault("type", "tel")
        attrs.setdefault("autocomplete", "tel")
        return attrs

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return to_e164(value, region=self.region, mobile=self.mobile)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from exc
