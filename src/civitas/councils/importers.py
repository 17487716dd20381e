"""CSV imports of communes and elected officials through core's import framework.

Re-importing updates: a commune is found by its INSEE code, an official by e-mail within the
EPCI; nothing is duplicated.
"""

from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civitas.core.exports.importing import (
    Importer,
    ImportField,
    RowError,
    normalise,
    register_importer,
)
from civitas.core.permissions import restrict

from .models import EPCI, Commune, Mandate, Official
from .services import perimeter

PERM = "councils.manage_officials"


def parse_population(value: str) -> int:
    digits = value.replace(" ", "").replace("\u202f", "").replace("\xa0", "")
    if not digits.isdigit():
        raise ValueError(_("The population must be a whole number."))
    return int(digits)


def parse_bool(value: str) -> bool:
    wanted = normalise(value)
    if wanted in ("oui", "yes", "o", "y", "1", "vrai", "true", "x"):
        return True
    if wanted in ("non", "no", "n", "0", "faux", "false"):
        return False
    raise ValueError(_("Expected yes or no."))


def parse_channel(value: str) -> str:
    wanted = normalise(value)
    if wanted in ("papier", "paper", "courrier", "postal"):
        return Official.Channel.PAPER
    if wanted in ("electronique", "electronic", "email", "mail", "courriel", "numerique"):
        return Official.Channel.ELECTRONIC
    raise ValueError(_("Expected “electronic” or “paper”."))


MANDATE_WORDS = {
    "maire": Mandate.MAYOR,
    "adjoint": Mandate.DEPUTY,
    "adjointe": Mandate.DEPUTY,
    "adjointaumaire": Mandate.DEPUTY,
    "conseiller": Mandate.COUNCILLOR,
    "conseillere": Mandate.COUNCILLOR,
    "conseillermunicipal": Mandate.COUNCILLOR,
    "conseilleremunicipale": Mandate.COUNCILLOR,
    "delegue": Mandate.DELEGATE,
    "deleguee": Mandate.DELEGATE,
    "conseillercommunautaire": Mandate.DELEGATE,
    "conseillerecommunautaire": Mandate.DELEGATE,
}


def parse_mandates(value: str) -> list[str]:
    codes = []
    for part in value.replace(";", ",").replace("/", ",").split(","):
        word = normalise(part)
        if not word:
            continue
        code = MANDATE_WORDS.get(word) or next(
            (c for c, label in Mandate.choices if word in (normalise(c), normalise(label))), None
        )
        if code is None:
            raise ValueError(_("Unknown mandate “%(value)s”.") % {"value": part.strip()})
        if code not in codes:
            codes.append(str(code))
    return codes


class _EPCIImporter(Importer):
    permission = PERM

    def start(self, user):
        context = super().start(user)
        epcis = list(restrict(EPCI.objects.all(), user, PERM)) if user else []
        if user is None:
            epcis = list(EPCI.objects.all())
        context["epcis"] = epcis
        return context

    def epci(self, cleaned, context) -> EPCI:
        wanted = cleaned.get("epci")
        epcis = context["epcis"]
        if wanted:
            match = [e for e in epcis if wanted in (e.siren, e.name)]
            if len(match) != 1:
                raise RowError(_("Unknown EPCI (name or SIREN)."), "epci")
            return match[0]
        if len(epcis) != 1:
            raise RowError(
                _("Say which EPCI in an “EPCI” column (you manage %(n)s).") % {"n": len(epcis)},
                "epci",
            )
        return epcis[0]


EPCI_FIELD = ImportField(
    "epci", gettext_lazy("EPCI"), aliases=("intercommunalite", "siren epci", "groupement")
)


@register_importer
class CommuneImporter(_EPCIImporter):
    code = "councils.communes"
    label = gettext_lazy("Member communes (councils)")
    help_text = gettext_lazy(
        "One commune per line: INSEE code, name, population. An existing INSEE code is updated."
    )
    fields = [
        ImportField(
            "insee_code",
            gettext_lazy("INSEE code"),
            required=True,
            parser=perimeter.clean_insee,
            aliases=("insee", "code insee", "code commune", "codgeo"),
        ),
        ImportField("name", gettext_lazy("Name"), required=True, aliases=("nom", "commune")),
        ImportField(
            "population",
            gettext_lazy("Population"),
            required=True,
            parser=parse_population,
            aliases=("habitants", "pmun", "population municipale"),
        ),
        EPCI_FIELD,
    ]

    def save_row(self, cleaned, context):
        epci = self.epci(cleaned, context)
        commune = Commune.objects.filter(insee_code=cleaned["insee_code"]).first()
        if commune and commune.epci_id != epci.pk:
            raise RowError(_("This commune belongs to another EPCI."), "insee_code")
        if commune is None:
            commune = Commune(insee_code=cleaned["insee_code"], epci=epci)
            context["created"] = context.get("created", 0) + 1
        else:
            context["updated"] = context.get("updated", 0) + 1
        commune.name = cleaned["name"][:200]
        commune.population = cleaned["population"]
        commune.save()
        perimeter.ensure_default_list(epci)  # "all non-member councillors" (L5211-40-2)


@register_importer
class OfficialImporter(_EPCIImporter):
    code = "councils.officials"
    label = gettext_lazy("Elected officials (councils)")
    help_text = gettext_lazy(
        "One official per line; the commune is given by its INSEE code and must exist. "
        "An official already known by e-mail is updated."
    )
    fields = [
        ImportField(
            "insee_code",
            gettext_lazy("INSEE code"),
            required=True,
            parser=perimeter.clean_insee,
            aliases=("insee", "code insee", "code commune"),
        ),
        ImportField(
            "last_name", gettext_lazy("Last name"), required=True, aliases=("nom", "nom de famille")
        ),
        ImportField("first_name", gettext_lazy("First name"), required=True, aliases=("prenom",)),
        ImportField(
            "email",
            gettext_lazy("E-mail"),
            required=True,
            validators=[validate_email],
            parser=lambda v: v.strip().lower(),
            aliases=("courriel", "mail", "adresse electronique"),
        ),
        ImportField(
            "mobile",
            gettext_lazy("Mobile"),
            parser=perimeter.clean_mobile,
            aliases=("portable", "telephone", "tel"),
        ),
        ImportField(
            "mandates", gettext_lazy("Mandates"), parser=parse_mandates, aliases=("mandat",)
        ),
        ImportField(
            "sits_on_epci_council",
            gettext_lazy("Sits on the EPCI council"),
            parser=parse_bool,
            aliases=("conseiller communautaire", "membre epci", "siege epci"),
        ),
        ImportField(
            "channel", gettext_lazy("Channel"), parser=parse_channel, aliases=("canal", "envoi")
        ),
        ImportField("address", gettext_lazy("Postal address"), aliases=("adresse",)),
        EPCI_FIELD,
    ]

    def save_row(self, cleaned, context):
        epci = self.epci(cleaned, context)
        commune = Commune.objects.filter(insee_code=cleaned["insee_code"], epci=epci).first()
        if commune is None:
            raise RowError(_("Unknown commune: import the communes first."), "insee_code")
        seen = context.setdefault("emails", set())
        if cleaned["email"] in seen:
            raise RowError(_("This e-mail address appears on an earlier line."), "email")
        seen.add(cleaned["email"])
        official = Official.objects.filter(epci=epci, email__iexact=cleaned["email"]).first()
        if official is None:
            official = Official(epci=epci, email=cleaned["email"])
        official.commune = commune
        official.first_name = cleaned["first_name"][:100]
        official.last_name = cleaned["last_name"][:100]
        if cleaned.get("mobile") is not None:
            official.mobile = cleaned["mobile"]
        if cleaned.get("mandates") is not None:
            official.mandates = cleaned["mandates"]
        if cleaned.get("sits_on_epci_council") is not None:
            official.sits_on_epci_council = cleaned["sits_on_epci_council"]
        if cleaned.get("address") is not None:
            official.address = cleaned["address"]
        if cleaned.get("channel"):
            perimeter.set_channel(official, cleaned["channel"])
        official.save()
