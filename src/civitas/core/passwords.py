import re
import unicodedata
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class OrganisationPolicyValidator:
    """Minimum length from the organisation's password policy (default 12)."""

    def _min_length(self):
        from .models import Organisation

        try:
            return Organisation.get().password_min_length
        except Exception:  # database not ready (first migration)
            return 12

    def validate(self, password, user=None):
        minimum = self._min_length()
        if len(password) < minimum:
            raise ValidationError(
                ngettext(
                    "This password is too short. It must contain at least %(min)d character.",
                    "This password is too short. It must contain at least %(min)d characters.",
                    minimum,
                ),
                code="password_too_short",
                params={"min": minimum},
            )

    def get_help_text(self):
        minimum = self._min_length()
        return _("Your password must contain at least %(min)d characters.") % {"min": minimum}


@cache
def _french_list() -> frozenset[str]:
    path = Path(__file__).resolve().parent / "data" / "common-passwords-fr.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(ln.strip() for ln in lines if ln.strip() and not ln.startswith("#"))


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class FrenchCommonPasswordValidator:
    """Django's list is English; French users pick « azerty », « motdepasse », « soleil »…
    Refuse those words, alone or followed by digits and symbols, whatever the case."""

    def validate(self, password, user=None):
        plain = _plain(password)
        root = re.sub(r"[\d\W_]+$", "", plain)
        root = re.sub(r"^[\d\W_]+", "", root)
        words = _french_list()
        if plain in words or root in words:
            raise ValidationError(
                _("This password is too common: it is a frequent word followed by digits."),
                code="password_too_common",
            )

    def get_help_text(self):
        return _("Your password cannot be a frequent word such as “azerty” or “soleil”.")
