"""The VAT decision: one function, `decide`, from the buyer's situation.

- French buyer (business or not), or EU buyer without a valid VAT number: the rate of the
  price (20 % by default).
- EU business buyer (outside France) whose VAT number VIES says is valid: no VAT, mention
  "Autoliquidation" and the buyer's VAT number.
- Buyer outside the EU: no VAT, mention "Exonération de TVA, article 259-1° du CGI".
- EU business whose VIES check is pending (VIES down): the decision is PENDING: nothing is
  charged until the periodic job gets an answer (never VAT that is not owed).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError

DEFAULT_RATE = Decimal("20.00")
CENT = Decimal("0.01")

EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)
# VAT numbers of Greece start with EL, of Northern Ireland (goods only) with XI.
_VAT_PREFIX = {"GR": "EL"}

REVERSE_CHARGE = "Autoliquidation"
EXPORT_MENTION = "Exonération de TVA, article 259-1° du CGI"


class Treatment:
    DOMESTIC = "domestic"
    REVERSE_CHARGE = "reverse_charge"
    EXPORT = "export"
    PENDING = "pending"


@dataclass(frozen=True)
class Buyer:
    name: str
    country: str = "FR"
    is_business: bool = True
    vat_number: str = ""
    address: str = ""
    email: str = ""


@dataclass(frozen=True)
class Decision:
    treatment: str
    mention: str = ""
    vat_number: str = ""  # the buyer's number printed with "Autoliquidation"

    @property
    def pending(self):
        return self.treatment == Treatment.PENDING

    def rate(self, price_rate: Decimal | None = None) -> Decimal:
        """The rate charged on a price whose own rate is `price_rate`."""
        if self.treatment == Treatment.DOMESTIC:
            return DEFAULT_RATE if price_rate is None else Decimal(price_rate)
        return Decimal("0.00")


def round_money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def line_amounts(quantity, unit_price, rate) -> tuple[Decimal, Decimal, Decimal]:
    """(net, vat, gross) of one line, rounded per line as printed on the invoice."""
    net = round_money(Decimal(quantity) * Decimal(unit_price))
    vat = round_money(net * Decimal(rate) / 100)
    return net, vat, net + vat


def normalise_vat_number(number: str) -> str:
    """Upper case, no spaces or dots; "" when empty."""
    return eu_vat.compact(number) if number and number.strip() else ""


def check_format(number: str, country: str) -> str:
    """The compact number when its format (and check digits) is valid for `country`,
    else raise ValueError with a message for the person."""
    compact = normalise_vat_number(number)
    if not compact:
        raise ValueError(_("Enter the VAT number."))
    prefix = _VAT_PREFIX.get(country.upper(), country.upper())
    if not compact.startswith(prefix):
        message = _("A VAT number of this country starts with %(prefix)s.")
        raise ValueError(message % {"prefix": prefix})
    try:
        return eu_vat.validate(compact)
    except ValidationError as exc:
        raise ValueError(_("This VAT number is not valid (format or check digits).")) from exc


def needs_vies(buyer: Buyer) -> bool:
    """True when the decision depends on a VIES answer."""
    country = buyer.country.upper()
    return (
        buyer.is_business and bool(buyer.vat_number) and country in EU_COUNTRIES and country != "FR"
    )


def decide(buyer: Buyer, check=None, *, seller_country: str = "FR") -> Decision:
    """The VAT treatment of a sale of services to `buyer`. `check` is the buyer's
    `VatCheck` (needed when `needs_vies(buyer)`)."""
    country = buyer.country.upper()
    if country == seller_country.upper():
        return Decision(Treatment.DOMESTIC)
    if country not in EU_COUNTRIES:
        return Decision(Treatment.EXPORT, EXPORT_MENTION)
    if not needs_vies(buyer):
        return Decision(Treatment.DOMESTIC)
    try:
        number = check_format(buyer.vat_number, country)
    except ValueError:
        return Decision(Treatment.DOMESTIC)
    status = getattr(check, "status", None)
    if status == "valid" and normalise_vat_number(check.vat_number) == number:
        return Decision(Treatment.REVERSE_CHARGE, REVERSE_CHARGE, number)
    if status == "invalid":
        return Decision(Treatment.DOMESTIC)
    return Decision(Treatment.PENDING)
