"""The support module's register-of-processing entry and the notice of its portal."""

from django.db import migrations

from civitas.core.gdpr.seeding import seed_register

NOTICE_FR = (
    "<p>[organisation] traite les informations de ce portail (identité, coordonnées "
    "professionnelles, demandes d'assistance et échanges) pour répondre à vos demandes et "
    "suivre les engagements de délai de son contrat de maintenance.</p>"
    "<p>Vous pouvez accéder à ces données, les faire rectifier ou effacer en contactant le "
    "délégué à la protection des données de [organisation], et déposer une réclamation "
    "auprès de la CNIL.</p>"
)
NOTICE_EN = (
    "<p>[organisation] processes the information of this portal (identity, business "
    "contact details, support requests and exchanges) to answer your requests and follow "
    "the deadlines of its maintenance contract.</p>"
    "<p>You may access this data, have it rectified or erased by contacting the data "
    "protection officer of [organisation], and lodge a complaint with the CNIL.</p>"
)

NOTICES = [("support.portal", "Portail d'assistance", NOTICE_FR, NOTICE_EN)]

ACTIVITIES = [
    {
        "name": "Assistance aux utilisateurs (support)",
        "module": "support",
        "controller": "[Nom de l'organisation], représentée par son représentant légal. "
        "Délégué à la protection des données : [coordonnées du DPO].",
        "purpose": "Enregistrement et traitement des demandes d'assistance, suivi des délais "
        "contractuels, rapports de maintenance.",
        "legal_basis": "contract",
        "data_subjects": "Correspondants déclarés des structures clientes, agents du support.",
        "data_categories": "Identité et coordonnées professionnelles, demandes, messages et "
        "pièces jointes, horodatage des actions.",
        "recipients": "Agents du support ; correspondants de la même structure.",
        "transfers_outside_eu": "",
        "retention": "Durée du contrat de maintenance puis 5 ans.",
        "security_measures": "Accès par rôle limité à la structure, journalisation, HTTPS, "
        "sauvegardes chiffrées.",
    },
]


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0002_seed_states_and_presets"),
        ("gdpr", "0004_module_entries"),
    ]
    operations = [seed_register(activities=ACTIVITIES, notices=NOTICES)]
