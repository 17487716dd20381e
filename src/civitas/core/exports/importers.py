"""Importers for the platform core: the organisation's units and users."""

from django.core.validators import EmailValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civitas.core import accounts, journal
from civitas.core.models import Unit, User

from .importing import Importer, ImportField, RowError, normalise, register_importer


def parse_unit_kind(value: str) -> str:
    wanted = normalise(value)
    synonyms = {"service": "service", "territoire": "territory", "etablissement": "establishment"}
    if wanted in synonyms:
        return synonyms[wanted]
    for code, label in Unit.Kind.choices:
        if wanted in (normalise(code), normalise(label)):
            return code
    raise ValueError(
        _("Unknown kind “%(value)s”; expected one of: %(choices)s.")
        % {"value": value, "choices": ", ".join(str(label) for _c, label in Unit.Kind.choices)}
    )


@register_importer
class UnitImporter(Importer):
    code = "core.units"
    label = gettext_lazy("Organisation units")
    permission = "core.manage_organisation"
    help_text = gettext_lazy(
        "One unit per line. The parent unit is given by its name; it must exist already or "
        "appear on an earlier line."
    )
    fields = [
        ImportField("name", gettext_lazy("Name"), required=True, aliases=("nom", "unite")),
        ImportField(
            "kind",
            gettext_lazy("Kind"),
            parser=parse_unit_kind,
            aliases=("type", "genre", "nature"),
            help_text=gettext_lazy("Service, territory or establishment (default: service)."),
        ),
        ImportField(
            "parent",
            gettext_lazy("Parent unit"),
            aliases=("parent", "unite parente", "rattachement"),
        ),
    ]

    def save_row(self, cleaned, context):
        name = cleaned["name"]
        if len(name) > 200:
            raise RowError(_("At most 200 characters."), "name")
        parent = None
        if cleaned.get("parent"):
            matches = list(Unit.objects.filter(name__iexact=cleaned["parent"])[:2])
            if not matches:
                raise RowError(_("No unit has this name."), "parent")
            if len(matches) > 1:
                raise RowError(_("Several units have this name."), "parent")
            parent = matches[0]
        if Unit.objects.filter(name__iexact=name, parent=parent).exists():
            raise RowError(_("This unit already exists at this place."), "name")
        unit = Unit.objects.create(name=name, kind=cleaned.get("kind") or "service", parent=parent)
        context.setdefault("created", []).append(unit.pk)


@register_importer
class UserImporter(Importer):
    code = "core.users"
    label = gettext_lazy("Users")
    permission = "core.manage_administrators"
    help_text = gettext_lazy(
        "Creates accounts without a password: people choose theirs with “Forgotten password”. "
        "Roles are assigned afterwards on each user's page."
    )
    fields = [
        ImportField(
            "email",
            gettext_lazy("E-mail address"),
            required=True,
            parser=lambda v: v.lower(),
            validators=[EmailValidator(message=gettext_lazy("Enter a valid e-mail address."))],
            aliases=("email", "courriel", "mail", "adresse e-mail", "adresse electronique"),
        ),
        ImportField(
            "full_name",
            gettext_lazy("Full name"),
            aliases=("nom", "nom complet", "nom et prenom", "prenom nom", "name"),
        ),
        ImportField(
            "phone",
            gettext_lazy("Mobile phone"),
            aliases=("telephone", "portable", "mobile", "tel"),
        ),
    ]

    def save_row(self, cleaned, context):
        email = cleaned["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise RowError(_("A user with this e-mail address already exists."), "email")
        if len(cleaned.get("full_name") or "") > 200:
            raise RowError(_("At most 200 characters."), "full_name")
        if len(cleaned.get("phone") or "") > 30:
            raise RowError(_("At most 30 characters."), "phone")
        user, _created = accounts.get_or_create(
            email,
            cleaned.get("full_name") or "",
            phone=cleaned.get("phone") or "",
            verified=True,
        )
        journal.record(
            "admin.user_created", actor=context["user"], obj=user, details={"via": "import"}
        )
