"""The events module's register-of-processing entry and the privacy notice of its
registration form, owned by the module (they used to come from core's gdpr 0002_seed).

On databases where gdpr 0002 already created them, nothing changes (the rows stay as the
administrators edited them); where they are missing, they are created.
"""

from django.db import migrations

from civitas.core.gdpr.seeding import seed_register

NOTICE_FR = (
    "<p>[organisation] collecte ces informations pour répondre à votre demande et, au-delà, "
    "vous tenir informé de ses offres de service. Ces informations ne sont pas communiquées "
    "à des tiers.</p>"
    "<p>Conformément à la loi « informatique et libertés » du 6 janvier 1978 modifiée et au "
    "Règlement (UE) 2016/679 sur la protection des données, vous pouvez exercer votre droit "
    "d'accès aux données vous concernant et les faire rectifier ou effacer. Vous disposez "
    "également d'un droit à la portabilité de vos données personnelles et, si vous avez "
    "consenti à ce que vos données soient utilisées à des fins de prospection et de "
    "communication, d'un droit d'opposition ou de retrait que vous pouvez exercer en "
    "contactant le délégué à la protection des données de [organisation]. En dernier lieu, "
    "vous pouvez déposer une réclamation auprès de la CNIL, 3 place de Fontenoy, "
    "TSA 80715, 75334 Paris Cedex 07.</p>"
)
NOTICE_EN = (
    "<p>[organisation] collects this information to answer your request and, beyond that, "
    "to keep you informed of its services. This information is not passed on to third "
    "parties.</p>"
    "<p>In accordance with the French Data Protection Act of 6 January 1978 as amended and "
    "Regulation (EU) 2016/679, you may access the data concerning you and have it rectified "
    "or erased. You also have a right to the portability of your personal data and, if you "
    "agreed to your data being used for marketing and communication, a right to object or "
    "withdraw, which you can exercise by contacting the data protection officer of "
    "[organisation]. Finally, you may lodge a complaint with the CNIL, 3 place de Fontenoy, "
    "TSA 80715, 75334 Paris Cedex 07, France.</p>"
)

NOTICES = [("events.registration", "Inscription à un événement", NOTICE_FR, NOTICE_EN)]

ACTIVITIES = [
    {
        "name": "Inscriptions aux événements",
        "module": "events",
        "controller": "[Nom de l'organisation], représentée par son représentant légal. "
        "Délégué à la protection des données : [coordonnées du DPO].",
        "purpose": "Inscription des participants aux événements, organisation des rendez-vous "
        "d'affaires et des ateliers, badges, facturation, statistiques de fréquentation, "
        "information sur les offres de service de l'organisation (avec consentement).",
        "legal_basis": "contract",
        "data_subjects": "Participants aux événements, exposants, intervenants.",
        "data_categories": "Identité et coordonnées professionnelles, entreprise, fonction, "
        "souhaits de rendez-vous, présence, données de facturation.",
        "recipients": "Organisateurs de l'événement ; participants pour l'annuaire (si "
        "consentement) ; prestataire de paiement.",
        "transfers_outside_eu": "",
        "retention": "3 ans après le dernier contact pour la prospection ; 10 ans pour les "
        "pièces comptables.",
        "security_measures": "Accès par rôle limité à l'événement, journalisation des "
        "exports, HTTPS, sauvegardes chiffrées.",
    },
]


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0013_sms_templates_one_registration"),
        ("gdpr", "0004_module_entries"),
    ]
    operations = [seed_register(activities=ACTIVITIES, notices=NOTICES)]
