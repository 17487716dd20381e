"""The seed's ticket states (004 §5.2.4) and the SLA presets of the seeds, as configuration
rows administrators may edit. Idempotent: existing rows (by code or name) are left alone.

States: the seed's provider-side and customer-side lists. The seed also names a state
"traité à valider par le client" missing from its own list; its "Traité par l'interlocuteur"
plays that part here (the clock is frozen while the customer validates, and after 20 days
without customer action the ticket goes to "Traité fermeture automatique").
"""

from django.db import migrations

# code, label, side, flags, automatic follow-up
STATES = [
    ("new", "Nouveau", "provider", {"initial": True}, None),
    ("to_qualify_pole", "A qualifier par le responsable de pôle", "provider", {}, None),
    ("to_qualify_owner", "A qualifier par le propriétaire", "provider", {}, None),
    ("to_qualify_manager", "A qualifier par le chargé d'affaire", "provider", {}, None),
    (
        "to_qualify_customer",
        "A qualifier par le client",
        "provider",
        {"frozen": True, "waits_customer": True},
        "auto_closed",
    ),
    ("waiting_internal", "En attente information interne", "provider", {"frozen": True}, None),
    ("in_progress", "En cours de traitement par l'équipe en charge", "provider", {}, None),
    ("evolution_committee", "A présenter au prochain comité évolution", "provider", {}, None),
    (
        "waiting_complement",
        "En attente information complémentaire pour traitement",
        "provider",
        {"frozen": True},
        None,
    ),
    ("waiting_dgcl", "En attente retour DGCL / DGFIP", "provider", {"frozen": True}, None),
    (
        "bug_fixed_in_version",
        "Bug corrigé dans version précisée",
        "provider",
        {"resolves": True, "waits_customer": True},
        "done_bug_fixed",
    ),
    (
        "evolution_in_version",
        "Evolution intégrée dans version précisée",
        "provider",
        {"resolves": True, "waits_customer": True},
        "done_evolution",
    ),
    (
        "done_by_agent",
        "Traité par l'interlocuteur (à valider par le client)",
        "provider",
        {"resolves": True, "waits_customer": True},
        "auto_closed",
    ),
    (
        "done_bug_fixed",
        "Traité bug corrigé dans version précisée",
        "provider",
        {"resolves": True, "closed": True, "automatic": True},
        None,
    ),
    (
        "done_evolution",
        "Traité évolution intégrée dans version précisée",
        "provider",
        {"resolves": True, "closed": True, "automatic": True},
        None,
    ),
    (
        "auto_closed",
        "Traité fermeture automatique",
        "provider",
        {"resolves": True, "closed": True, "automatic": True},
        None,
    ),
    ("customer_reply", "Retour information du client", "customer", {}, None),
    ("customer_reminder", "Relance client", "customer", {}, None),
    ("closed_by_customer", "Clos par le client", "customer", {"closed": True, "resolves": True}, None),
]

WEEK_004 = {str(d): [["09:00", "12:00"], ["14:00", "18:00"]] for d in range(5)}
WEEK_002 = {str(d): [["08:30", "12:00"], ["14:00", "18:00"]] for d in range(5)}
ALWAYS = {str(d): [["00:00", "24:00"]] for d in range(7)}
CALENDARS = [
    ("Métropole, lun.-ven. 9h-12h 14h-18h (004)", "FR", WEEK_004),
    ("Métropole, lun.-ven. 8h30-12h 14h-18h (002)", "FR", WEEK_002),
    ("Alsace-Moselle, lun.-ven. 9h-12h 14h-18h", "67", WEEK_004),
    ("La Réunion, lun.-ven. 8h30-12h 14h-18h", "974", WEEK_002),
    ("Guadeloupe, lun.-ven. 8h30-12h 14h-18h", "971", WEEK_002),
    ("Jour d'événement, 24 h/24", "FR", ALWAYS),
]

H, D = "hours", "days"
# code, name, source, phase, minor_to_major_days, alerts_any_time, {level: {clock: (n, unit)}}
TABLES = [
    (
        "004-4-3",
        "Maintenance : niveaux 0 à 3",
        "004 §4.3",
        "",
        0,
        False,
        {
            0: {"take_charge": (4, H), "workaround": (8, H), "fix": (3, D)},
            1: {"take_charge": (8, H), "workaround": (24, H), "fix": (5, D)},
            2: {"take_charge": (12, H), "fix": (15, D)},
            3: {"take_charge": (36, H), "fix": (30, D)},
        },
    ),
    (
        "004-2-7",
        "Exploitation : prise en charge et rétablissement",
        "004 §2.7",
        "",
        0,
        False,
        {
            0: {"take_charge": (4, H), "workaround": (8, H)},
            1: {"take_charge": (4, H), "workaround": (24, H)},
            2: {"take_charge": (4, H)},
            3: {"take_charge": (4, H)},
        },
    ),
    (
        "004-2-5-2",
        "Composant hébergé indisponible",
        "004 §2.5.2",
        "",
        0,
        True,
        {level: {"take_charge": (2, H), "workaround": (4, H)} for level in range(4)},
    ),
    (
        "002-art-10",
        "Maintenance : bloquant 24 h, non bloquant 72 h",
        "002 art. 10",
        "",
        0,
        False,
        {0: {"fix": (24, H)}, 1: {"fix": (72, H)}, 2: {"fix": (72, H)}, 3: {"fix": (72, H)}},
    ),
    (
        "003-recette",
        "Événement : vérification d'aptitude",
        "003 §13.6.3",
        "Vérification d'aptitude",
        0,
        False,
        {
            0: {"workaround": (4, H), "fix": (8, H)},
            1: {"workaround": (8, H), "fix": (16, H)},
            3: {"fix": (10, D)},
        },
    ),
    (
        "003-preparation",
        "Événement : préparation",
        "003 §13.6.3",
        "Préparation de l'événement",
        10,
        False,
        {
            0: {"take_charge": (4, H), "fix": (2, D)},
            1: {"take_charge": (8, H), "fix": (5, D)},
        },
    ),
    (
        "003-evenement",
        "Événement : jour de l'événement",
        "003 §13.6.3",
        "Tenue de l'événement",
        0,
        True,
        {
            0: {"take_charge": (1, H), "fix": (1, H)},
            1: {"take_charge": (4, H), "fix": (4, H)},
        },
    ),
]


def seed(apps, schema_editor):
    TicketState = apps.get_model("support", "TicketState")
    SupportCalendar = apps.get_model("support", "SupportCalendar")
    SlaTable = apps.get_model("support", "SlaTable")
    SlaTarget = apps.get_model("support", "SlaTarget")
    for order, (code, label, side, flags, _next) in enumerate(STATES):
        TicketState.objects.get_or_create(
            code=code, defaults={"label": label, "side": side, "order": order * 10, **flags}
        )
    for code, _label, _side, _flags, follow in STATES:
        if follow:
            TicketState.objects.filter(code=code, auto_next__isnull=True).update(
                auto_next=TicketState.objects.get(code=follow)
            )
    for name, region, hours in CALENDARS:
        SupportCalendar.objects.get_or_create(name=name, defaults={"region": region, "hours": hours})
    for code, name, source, phase, minor, any_time, levels in TABLES:
        table, created = SlaTable.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "source": source,
                "phase": phase,
                "minor_to_major_days": minor,
                "alerts_any_time": any_time,
            },
        )
        if not created:
            continue
        for level, targets in levels.items():
            for clock, (amount, unit) in targets.items():
                SlaTarget.objects.create(
                    table=table, level=level, clock=clock, amount=amount, unit=unit
                )


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
