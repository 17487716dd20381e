"""The demo event's features beyond the scheduled B2B meetings (load_events_demo).

Each part is added only when it is missing, through the services (so the journal and the
outbox see what a real organiser would do). The demo participant account
(participant@demo.civitas.fr, created by core's load_demo) becomes a representative of the
demo company "Dubois Électricité" (made first by the loader, with electrical offers), so the
participant area is populated.
"""

from __future__ import annotations

import contextlib

from django.db import transaction

from civitas.core import accounts
from civitas.core.models import Role
from civitas.events.models import (
    SCOPE_EVENT,
    Company,
    Conversation,
    Event,
    ExpertiseField,
    ExtraField,
    MeetingRequest,
    Representative,
    Session,
)
from civitas.events.models import Expert as ExpertModel
from civitas.events.services import ServiceError, experts, messaging, minisite, regform
from civitas.events.services import registration as registration_service

from ._demo_animations import add_animations

PARTICIPANT_EMAIL = "participant@demo.civitas.fr"
ADMIN_EMAIL = "admin@demo.civitas.fr"
MANAGER_EMAIL = "gestionnaire@demo.civitas.fr"

FIELDS = [("export", "Export", "Export"), ("financement", "Financement", "Financing")]
FIELDS += [("pi", "Propriété industrielle", "Intellectual property")]

EXPERTS = [
    # first name, last name, organisation, job title, fields, mode, quota, place, minutes
    (
        "Marie",
        "Lefèvre",
        "Team France Export",
        "Conseillère export Europe du Nord",
        ["export"],
        ExpertModel.Mode.AS_THEY_COME,
        None,
        "Espace experts, bureau 1",
        30,
    ),
    (
        "Paul",
        "Girard",
        "Bpifrance",
        "Chargé d'affaires innovation",
        ["financement"],
        ExpertModel.Mode.PRE_ASSIGNMENT,
        6,
        "Espace experts, bureau 2",
        None,
    ),
    (
        "Sophie",
        "Moreau",
        "INPI",
        "Ingénieure brevets",
        ["pi", "export"],
        ExpertModel.Mode.AS_THEY_COME,
        3,
        "Espace experts, bureau 3",
        None,
    ),
]

TURNOVER_CHOICES = (
    "Moins de 2 M€ | Less than €2M\n2 à 10 M€ | €2M to €10M\nPlus de 10 M€ | More than €10M"
)


def add_features(event: Event) -> list[str]:
    """Add what is missing; return the names of the parts added."""
    done = []
    minisite.ensure_minisite(event)
    with transaction.atomic():
        rep = _participant(event, done)
        _extra_field(event, rep, done)
        _open_requests(event, rep, done)
        _experts(event, rep, done)
        _threads(event, rep, done)
        _organiser(event, done)
        add_animations(event, rep, done)
        from ._demo_eventday import add_event_day

        add_event_day(event, done)
        from ._demo_coorganiser import add_coorganiser

        add_coorganiser(event, done)
    from ._demo_sales import add_sales_demo

    add_sales_demo(done)
    return done


ORGANISER_PERMISSIONS = [
    "core.access_backoffice",
    "events.manage_event",
    "events.view_registrations",
    "events.validate_registrations",
    "events.manage_meetings",
    "events.run_scheduling",
    "events.manage_messages",
    "events.send_mailings",
    "events.manage_sales",
]


def _organiser(event: Event, done: list[str]) -> None:
    """The demo secondary administrator organises this event only (event-scoped role)."""
    user = accounts.find(MANAGER_EMAIL)
    if user is None:
        return
    role = Role.objects.filter(code="event_organiser").first() or accounts.save_role(
        Role(
            code="event_organiser",
            name="Organisateur d'événement",
            description="Prépare et suit un événement d'affaires (portée : l'événement).",
            permissions=ORGANISER_PERMISSIONS,
        )
    )
    _assignment, created = accounts.grant(user, role, (SCOPE_EVENT, event.pk))
    if created:
        done.append("event organiser")


def _participant(event: Event, done: list[str]) -> Representative | None:
    user = accounts.find(PARTICIPANT_EMAIL)
    rep = Representative.objects.filter(company__event=event, email=PARTICIPANT_EMAIL).first()
    changed = rep is None
    if rep is None:
        validated = Representative.objects.filter(
            company__event=event, company__status=Company.Status.VALIDATED
        )
        # The loader makes "Dubois Électricité" with offers her messages talk about; an
        # older demo database falls back on its first company.
        rep = (
            validated.filter(company__name="Dubois Électricité").order_by("pk").first()
            or validated.order_by("company__name", "pk").first()
        )
        if rep is None:
            return None
        rep.first_name, rep.last_name = "Chloé", "Dubois"
        rep.email = PARTICIPANT_EMAIL
        rep.job_title = "Directrice commerciale"
        company = rep.company
        company.name = "Dubois Électricité"
        company.city = "Montreuil"
        company.description = (
            "Installations d'électricité industrielle, bornes de recharge et "
            "photovoltaïque en toiture pour les PME."
        )
        company.website = "https://dubois-electricite.example"
        company.save()
        registration_service.refresh_search_text(company)
        done.append("participant")
    if user is not None and rep.user_id != user.pk:
        rep.user = user
        changed = True
        done.append("participant account")
    if changed:  # an unchanged record keeps its updated_at (the CRM sync reads it)
        rep.save()
    return rep


def _open_requests(event: Event, rep: Representative | None, done: list[str]) -> None:
    """Two confirmed requests of the participant still to place by hand (the organiser's
    "Place" action) and one pending request the participant can accept or decline."""
    if (
        rep is None
        or MeetingRequest.objects.filter(
            event=event, recipient=rep, state=MeetingRequest.State.PENDING
        ).exists()
    ):
        return
    taken = set(
        MeetingRequest.objects.filter(event=event, sender=rep).values_list("recipient", flat=True)
    ) | set(
        MeetingRequest.objects.filter(event=event, recipient=rep).values_list("sender", flat=True)
    )
    others = list(
        Representative.objects.filter(
            company__event=event, company__status=Company.Status.VALIDATED
        )
        .exclude(company=rep.company)
        .exclude(pk__in=taken)
        .order_by("-pk")[:3]
    )
    if len(others) < 3:
        return
    for other in others[:2]:
        MeetingRequest.objects.create(
            event=event,
            sender=rep,
            recipient=other,
            state=MeetingRequest.State.CONFIRMED,
            message="Nous cherchons un partenaire pour des chantiers de bornes de recharge.",
        )
    MeetingRequest.objects.create(
        event=event,
        sender=others[2],
        recipient=rep,
        state=MeetingRequest.State.PENDING,
        message="Bonjour, votre offre photovoltaïque nous intéresse pour nos entrepôts.",
    )
    done.append("requests to place")


def _extra_field(event: Event, rep: Representative | None, done: list[str]) -> None:
    if ExtraField.objects.filter(event=event, key="turnover").exists():
        return
    field = ExtraField(
        event=event,
        target=ExtraField.Target.COMPANY,
        key="turnover",
        label_fr="Chiffre d'affaires annuel",
        label_en="Annual turnover",
        help_fr="Dernier exercice clos.",
        help_en="Last closed financial year.",
        kind=ExtraField.Kind.CHOICE,
        choices=TURNOVER_CHOICES,
        required=False,
        position=1,
    )
    regform.save_field(field, public=True)
    values = [line.partition("|")[0].strip() for line in TURNOVER_CHOICES.splitlines()]
    companies = list(event.companies.order_by("pk")[:60])
    for i, company in enumerate(companies):
        company.extra = {**(company.extra or {}), "turnover": values[i % len(values)]}
    Company.objects.bulk_update(companies, ["extra"])
    if rep is not None:
        company = rep.company
        company.refresh_from_db()
        company.extra = {**(company.extra or {}), "turnover": "2 à 10 M€"}
        company.save(update_fields=["extra"])
    done.append("extra field")


def _experts(event: Event, rep: Representative | None, done: list[str]) -> None:
    if event.experts.exists():
        return
    fields = {}
    for key, fr, en in FIELDS:
        fields[key], _created = ExpertiseField.objects.get_or_create(
            event=event, label_fr=fr, defaults={"label_en": en}
        )
    sessions = list(Session.objects.filter(day__event=event))
    made = []
    for first, last, org, title, keys, mode, quota, place, minutes in EXPERTS:
        expert = ExpertModel(
            event=event,
            first_name=first,
            last_name=last,
            organisation=org,
            job_title=title,
            email=f"{first.lower()}.{last.lower().replace('è', 'e')}@experts.example",
            mode=mode,
            quota=quota,
            place=place,
            slot_minutes=minutes,
            bio=f"{title} ({org}). Reçoit les entreprises en rendez-vous individuels.",
            sought_profile="PME et ETI ayant un projet concret à court terme.",
        )
        made.append(
            experts.save_expert(
                expert,
                fields=[fields[k] for k in keys],
                sessions=sessions,
                sought_sectors=[],
            )
        )
    lefevre, girard, moreau = made
    others = list(
        Representative.objects.filter(
            company__event=event, company__status=Company.Status.VALIDATED
        )
        .exclude(pk=getattr(rep, "pk", None))
        .order_by("pk")[:8]
    )
    asks = [(lefevre, o, fields["export"]) for o in others[:2]]
    asks += [(girard, o, fields["financement"]) for o in others[2:6]]
    asks += [(moreau, o, fields["pi"]) for o in others[6:8]]
    if rep is not None:
        asks += [
            (lefevre, rep, fields["export"]),
            (girard, rep, fields["financement"]),
            (moreau, rep, fields["pi"]),
        ]
    for expert, who, topic in asks:
        # No common free time: the demo goes on without that meeting.
        with contextlib.suppress(ServiceError):
            experts.request_meeting(
                who,
                expert,
                message="Nous préparons notre développement en Allemagne et au Benelux.",
                topic=topic,
            )
    done.append("experts")


def _threads(event: Event, rep: Representative | None, done: list[str]) -> None:
    if rep is None or Conversation.objects.filter(participant=rep).exists():
        return
    req = (
        MeetingRequest.objects.filter(event=event, state=MeetingRequest.State.CONFIRMED)
        .filter(sender=rep)
        .select_related("recipient")
        .first()
    ) or (
        MeetingRequest.objects.filter(
            event=event, state=MeetingRequest.State.CONFIRMED, recipient=rep
        )
        .select_related("sender")
        .first()
    )
    if req is not None:
        other = req.recipient if req.sender_id == rep.pk else req.sender
        messaging.post_to_meeting(
            req,
            rep,
            "Bonjour, pourriez-vous apporter votre catalogue de bornes de recharge ? Merci.",
        )
        messaging.post_to_meeting(
            req, other, "Bonjour, c'est noté : je viendrai avec le catalogue et les tarifs."
        )
    messaging.post_to_organisers(
        rep, "Bonjour, peut-on avoir une table près d'une prise pour une démonstration ?"
    )
    admin = accounts.find(ADMIN_EMAIL)
    if admin is not None:
        # The demo administrator may lack the permission on a customised database.
        with contextlib.suppress(ServiceError):
            messaging.post_by_organisers(
                rep, admin, "Bonjour, oui : la table 12 de la salle A est équipée. À bientôt !"
            )
    done.append("messages")
