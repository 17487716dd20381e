"""The EPCI's perimeter: value checks, officials' channel, recipient lists."""

import re

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.core import phones

from ..models import Official, RecipientList

INSEE_RE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


def clean_insee(value: str) -> str:
    """'1053' -> '01053'; 2A/2B for Corsica; ValueError otherwise."""
    code = str(value).strip().upper()
    if code.isdigit() and len(code) == 4:
        code = "0" + code
    if not INSEE_RE.match(code) or code.startswith("00"):
        raise ValueError(
            _("“%(value)s” is not an INSEE commune code (5 characters, e.g. 67482).")
            % {"value": value}
        )
    return code


def clean_mobile(value: str) -> str:
    """A phone number in E.164 (+33612345678); French national numbers are converted
    (the core kit's one rule: civitas.core.phones)."""
    return phones.to_e164(value)


def set_channel(official: Official, channel: str, *, at=None) -> Official:
    """Record the official's chosen channel and when it was chosen (only when it changes)."""
    if channel not in Official.Channel.values:
        raise ValueError(channel)
    if official.channel != channel or official.pk is None:
        official.channel = channel
        official.channel_chosen_at = at or timezone.now()
    return official


def list_members(rlist: RecipientList):
    """The officials a recipient list designates (one rule for every list kind)."""
    qs = Official.objects.filter(epci=rlist.epci_id)
    kind = RecipientList.Kind
    if rlist.kind == kind.NON_MEMBERS:
        return qs.filter(sits_on_epci_council=False)
    if rlist.kind == kind.COMMUNE:
        return qs.filter(commune=rlist.commune_id)
    if rlist.kind == kind.MANDATE:
        # JSON "contains" is not available on SQLite: match the quoted code in the list.
        return qs.filter(Q(mandates__icontains=f'"{rlist.mandate}"'))
    return qs.filter(pk__in=rlist.members.values("pk"))


def ensure_default_list(epci) -> RecipientList:
    rlist, _created = RecipientList.objects.get_or_create(
        epci=epci,
        kind=RecipientList.Kind.NON_MEMBERS,
        defaults={"name": str(RecipientList.Kind.NON_MEMBERS.label)},
    )
    return rlist
