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
