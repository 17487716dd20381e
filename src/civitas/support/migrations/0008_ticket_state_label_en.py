"""Ticket states get an English label (shown to people using Civitas in English; empty: the
French one). The shipped states (0002) get the English of their seed label, where their French
label is still the shipped one: a label an administrator rewrote keeps no stale translation."""

from django.db import migrations, models

# code: (shipped French label, English label)
ENGLISH = {
    "new": ("Nouveau", "New"),
    "to_qualify_pole": (
        "A qualifier par le responsable de pôle",
        "To be qualified by the head of department",
    ),
    "to_qualify_owner": ("A qualifier par le propriétaire", "To be qualified by the owner"),
    "to_qualify_manager": (
        "A qualifier par le chargé d'affaire",
        "To be qualified by the account manager",
    ),
    "to_qualify_customer": ("A qualifier par le client", "To be qualified by the customer"),
    "waiting_internal": ("En attente information interne", "Waiting for internal information"),
    "in_progress": (
        "En cours de traitement par l'équipe en charge",
        "Being handled by the team in charge",
    ),
    "evolution_committee": (
        "A présenter au prochain comité évolution",
        "To be presented at the next evolution committee",
    ),
    "waiting_complement": (
        "En attente information complémentaire pour traitement",
        "Waiting for further information to proceed",
    ),
    "waiting_dgcl": ("En attente retour DGCL / DGFIP", "Waiting for an answer from DGCL / DGFIP"),
    "bug_fixed_in_version": (
        "Bug corrigé dans version précisée",
        "Bug fixed in the version stated",
    ),
    "evolution_in_version": (
        "Evolution intégrée dans version précisée",
        "Evolution included in the version stated",
    ),
    "done_by_agent": (
        "Traité par l'interlocuteur (à valider par le client)",
        "Handled by the agent (to be confirmed by the customer)",
    ),
    "done_bug_fixed": (
        "Traité bug corrigé dans version précisée",
        "Done: bug fixed in the version stated",
    ),
    "done_evolution": (
        "Traité évolution intégrée dans version précisée",
        "Done: evolution included in the version stated",
    ),
    "auto_closed": ("Traité fermeture automatique", "Done: closed automatically"),
    "customer_reply": ("Retour information du client", "Information from the customer"),
    "customer_reminder": ("Relance client", "Reminder from the customer"),
    "closed_by_customer": ("Clos par le client", "Closed by the customer"),
}


def fill(apps, schema_editor):
    TicketState = apps.get_model("support", "TicketState")
    for code, (french, english) in ENGLISH.items():
        TicketState.objects.filter(code=code, label=french, label_en="").update(label_en=english)


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0007_report_mailing_and_known_issues"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticketstate",
            name="label_en",
            field=models.CharField(
                blank=True,
                help_text="Shown to people who use Civitas in English; empty: the French label.",
                max_length=200,
                verbose_name="label in English",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
