"""Co-organisers of an event (seed 003 §3, §16.2): their list, the rules that assign a
registered company to one of them, the hand assignment, and the copy of a registration
sent to the co-organiser following the company.

One rule, one function: `assign(company)` is the only code that applies the rules (at
registration, from the API, and in bulk from the back office); a hand choice, "none"
included, is never overridden by the rules.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civitas.core import journal
from civitas.core.outbox import services as outbox
from civitas.core.outbox import templates
from civitas.core.permissions import restrict
from civitas.core.sites import absolute_url

from ..models import SCOPE_EVENT, Company, CoOrganiser, CoOrganiserRule, Event
from . import ServiceError

COPY_MESSAGE = "events.co_organiser_registration"
REASSIGNED_MESSAGE = "events.co_organiser_reassigned"


def space_events(user, codename="events.view_registrations"):
    """The events where `user` holds `codename` on a co-organiser only (not on the event
    itself): the event list and the back-office home link them to the co-organiser space."""
    co_events = restrict(CoOrganiser.objects.all(), user, codename).values("event_id")
    return (
        Event.objects.filter(pk__in=co_events)
        .exclude(pk__in=restrict(Event.objects.all(), user, codename).values("pk"))
        .order_by("-start_date", "name")
    )


def space_rows(user) -> list[tuple[Event, int]]:
    """(event, registrations awaiting validation among the user's companies) for the
    co-organiser spaces of the back-office home."""
    rows = []
    for event in space_events(user)[:10]:
        pending = Company.objects.filter(event=event, status=Company.Status.REGISTERED)
        rows.append((event, restrict(pending, user, "events.validate_registrations").count()))
    return rows


def filter_companies(qs, value: str):
    """The registrations list's and the export's filter: a co-organiser's id, or "none"
    for the companies without one; anything else filters nothing."""
    from civitas.core.params import int_param

    if value == "none":
        return qs.filter(co_organiser__isnull=True)
    pk = int_param(value)
    return qs.filter(co_organiser_id=pk) if pk is not None else qs


def event_rules(event) -> list[CoOrganiserRule]:
    """The event's rules in the order they are tried."""
    return list(
        CoOrganiserRule.objects.filter(co_organiser__event=event)
        .select_related("co_organiser")
        .order_by("position", "pk")
    )


def _postcode(value: str) -> str:
    return "".join((value or "").split()).upper()


def matches(rule: CoOrganiserRule, company: Company) -> bool:
    """Every criterion the rule gives holds for the company (a rule gives at least one)."""
    if not (rule.country or rule.postcode_prefix or rule.sector_id):
        return False
    if rule.country and str(rule.country) != str(company.country):
        return False
    if rule.postcode_prefix and not _postcode(company.postcode).startswith(
        _postcode(rule.postcode_prefix)
    ):
        return False
    return not (rule.sector_id and rule.sector_id != company.sector_id)


def rule_for(company: Company, rules=None) -> CoOrganiserRule | None:
    """The first of the event's rules (in order) that the company matches."""
    for rule in event_rules(company.event_id) if rules is None else rules:
        if matches(rule, company):
            return rule
    return None


def assign(company: Company, *, rules=None, tell=False, request=None) -> CoOrganiser | None:
    """Apply the rules to a company not assigned by hand; returns its co-organiser.
    `tell`: a later assignment (not the registration's, which sends its own copy) tells the
    new co-organiser (`tell_reassigned`)."""
    if company.co_organiser_by_hand:
        return company.co_organiser
    rule = rule_for(company, rules)
    target = rule.co_organiser if rule else None
    if (target.pk if target else None) != company.co_organiser_id:
        company.co_organiser = target
        company.save(update_fields=["co_organiser"])
        if tell:
            tell_reassigned(company, request=request)
    return target


@transaction.atomic
def assign_by_hand(company: Company, co_organiser: CoOrganiser | None, *, request=None):
    """The organiser's choice (None: no co-organiser); the rules no longer touch it."""
    if co_organiser is not None and co_organiser.event_id != company.event_id:
        raise ServiceError(_("This co-organiser belongs to another event."))
    before = company.co_organiser
    company.co_organiser = co_organiser
    company.co_organiser_by_hand = True
    company.save(update_fields=["co_organiser", "co_organiser_by_hand"])
    if co_organiser is not None and co_organiser.pk != (before.pk if before else None):
        tell_reassigned(company, request=request)
    journal.record(
        "events.co_organiser_assigned",
        request=request,
        obj=company,
        details={
            "from": before.pk if before else None,
            "to": co_organiser.pk if co_organiser else None,
        },
    )
    return company


@transaction.atomic
def release_to_rules(company: Company, *, request=None) -> CoOrganiser | None:
    """Undo a hand choice: the rules decide again."""
    company.co_organiser_by_hand = False
    company.save(update_fields=["co_organiser_by_hand"])
    target = assign(company, tell=True, request=request)
    journal.record(
        "events.co_organiser_released",
        request=request,
        obj=company,
        details={"to": target.pk if target else None},
    )
    return target


@transaction.atomic
def apply_rules(event, *, request=None) -> int:
    """Apply the rules to the event's companies without a co-organiser (those left
    without one by hand excepted); returns how many got one."""
    rules = event_rules(event)
    n = 0
    for company in Company.objects.filter(
        event=event, co_organiser__isnull=True, co_organiser_by_hand=False
    ).select_for_update():
        if assign(company, rules=rules, tell=True, request=request) is not None:
            n += 1
    journal.record(
        "events.co_organiser_rules_applied", request=request, obj=event, details={"assigned": n}
    )
    return n


def save_co_organiser(co_organiser: CoOrganiser, *, request=None) -> CoOrganiser:
    created = co_organiser.pk is None
    co_organiser.save()
    journal.record(
        "events.co_organiser_added" if created else "events.co_organiser_changed",
        request=request,
        obj=co_organiser,
    )
    return co_organiser


@transaction.atomic
def delete_co_organiser(co_organiser: CoOrganiser, *, request=None) -> None:
    """Its companies are left without a co-organiser, and the rules may assign them again
    (a hand choice of the deleted one is no choice any more)."""
    Company.objects.filter(co_organiser=co_organiser).update(
        co_organiser=None, co_organiser_by_hand=False
    )
    journal.record("events.co_organiser_deleted", request=request, obj=co_organiser)
    co_organiser.delete()


def save_rule(rule: CoOrganiserRule, *, request=None) -> CoOrganiserRule:
    if not (rule.country or rule.postcode_prefix or rule.sector_id):
        raise ServiceError(_("Give at least a country, a postcode start or a sector."))
    if rule.sector_id and rule.sector.event_id != rule.co_organiser.event_id:
        raise ServiceError(_("This sector belongs to another event."))
    created = rule.pk is None
    rule.save()
    journal.record(
        "events.co_organiser_rule_added" if created else "events.co_organiser_rule_changed",
        request=request,
        obj=rule,
    )
    return rule


def delete_rule(rule: CoOrganiserRule, *, request=None) -> None:
    journal.record("events.co_organiser_rule_deleted", request=request, obj=rule)
    rule.delete()


# --- The copy of a registration -----------------------------------------------------------


def register_templates():
    templates.register(
        COPY_MESSAGE,
        gettext_lazy("Events: copy of a registration to its co-organiser"),
        placeholders={
            "event": gettext_lazy("Event name"),
            "co_organiser": gettext_lazy("Co-organiser"),
            "company": gettext_lazy("Company"),
            "place": gettext_lazy("Country, postcode and city"),
            "representatives": gettext_lazy("Representatives (names and e-mails)"),
            "backoffice_url": gettext_lazy("Address of the registration in the back office"),
        },
        default_subject={
            "fr": "Nouvelle inscription ({{ co_organiser }}) : {{ company }} à {{ event }}",
            "en": "New registration ({{ co_organiser }}): {{ company }} for {{ event }}",
        },
        default_body={
            "fr": "Bonjour,\n\n{{ company }} ({{ place }}) vient de s’inscrire à {{ event }} "
            "et vous est attribuée comme co-organisateur.\n\nReprésentants :\n"
            "{{ representatives }}\n\nLe participant a reçu sa confirmation d’inscription. "
            "Fiche de l’inscription : {{ backoffice_url }}\n\n{{ organisation }}",
            "en": "Hello,\n\n{{ company }} ({{ place }}) has just registered for {{ event }} "
            "and is assigned to you as co-organiser.\n\nRepresentatives:\n"
            "{{ representatives }}\n\nThe participant has received the registration "
            "confirmation. The registration: {{ backoffice_url }}\n\n{{ organisation }}",
        },
    )
    templates.register(
        REASSIGNED_MESSAGE,
        gettext_lazy("Events: a registered company given to another co-organiser"),
        placeholders={
            "event": gettext_lazy("Event name"),
            "co_organiser": gettext_lazy("Co-organiser"),
            "company": gettext_lazy("Company"),
            "place": gettext_lazy("Country, postcode and city"),
            "representatives": gettext_lazy("Representatives (names and e-mails)"),
            "backoffice_url": gettext_lazy("Address of the registration in the back office"),
        },
        default_subject={
            "fr": "Entreprise attribuée ({{ co_organiser }}) : {{ company }} à {{ event }}",
            "en": "Company assigned ({{ co_organiser }}): {{ company }} for {{ event }}",
        },
        default_body={
            "fr": "Bonjour,\n\n{{ company }} ({{ place }}), inscrite à {{ event }}, vous est "
            "désormais attribuée comme co-organisateur.\n\nReprésentants :\n"
            "{{ representatives }}\n\nFiche de l’inscription : {{ backoffice_url }}\n\n"
            "{{ organisation }}",
            "en": "Hello,\n\n{{ company }} ({{ place }}), registered for {{ event }}, is now "
            "assigned to you as co-organiser.\n\nRepresentatives:\n"
            "{{ representatives }}\n\nThe registration: {{ backoffice_url }}\n\n"
            "{{ organisation }}",
        },
    )


def _company_context(company: Company) -> dict:
    co = company.co_organiser
    event = company.event
    place = " ".join(p for p in (company.postcode, company.city) if p)
    country = company.country.name or company.country.code
    return {
        "event": event.name,
        "co_organiser": co.name,
        "company": company.name,
        "place": f"{country}, {place}" if place else str(country),
        "backoffice_url": absolute_url(
            "events:bo_coorg_company", pk=event.pk, company_pk=company.pk
        ),
    }


def _tell(company: Company, code: str, representatives) -> bool:
    """One message to the contact address of the company's co-organiser (False: none)."""
    co = company.co_organiser
    if co is None or not co.contact_email:
        return False
    outbox.send_message(
        code,
        email=co.contact_email,
        context={
            **_company_context(company),
            "representatives": "\n".join(f"- {r.full_name} <{r.email}>" for r in representatives),
        },
        language="fr",
        scope_type=SCOPE_EVENT,
        scope_id=company.event_id,
    )
    return True


def tell_reassigned(company: Company, *, request=None) -> bool:
    """A company already registered has just been given to a co-organiser (by hand or by
    the rules): its contact address is told once, with the company's representatives, and
    the journal keeps it. Called only when the co-organiser changes."""
    representatives = company.representatives.order_by("last_name", "first_name")
    if not _tell(company, REASSIGNED_MESSAGE, representatives):
        return False
    journal.record(
        "events.co_organiser_told",
        request=request,
        obj=company,
        details={"co_organiser": company.co_organiser_id},
    )
    return True


def send_copy(company: Company, representatives) -> bool:
    """A copy of a new registration to the contact address of the company's co-organiser
    (a message of its own: the participant's confirmation carries a link to choose a
    password and the convocation, which are the participant's alone)."""
    return _tell(company, COPY_MESSAGE, representatives)
