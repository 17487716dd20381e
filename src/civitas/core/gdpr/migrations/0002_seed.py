"""Seed the default privacy notices (wording of 003 §8) and the register of processing."""

from django.db import migrations

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

NOTICES = [
    ("default", "Formulaires (mention par défaut)"),
    ("account.signup", "Création de compte"),
    ("events.registration", "Inscription à un événement"),
]

ACTIVITIES = [
    {
        "name": "Comptes utilisateurs de la plateforme",
        "module": "core",
        "controller": "[Nom de l'organisation], représentée par son représentant légal. "
        "Délégué à la protection des données : [coordonnées du DPO].",
        "purpose": "Création et gestion des comptes des participants et des agents ; "
        "authentification (mot de passe, double facteur) ; attribution des rôles ; "
        "traçabilité des connexions et des actions d'administration ; sécurité du service.",
        "legal_basis": "public_task",
        "data_subjects": "Participants inscrits, agents et administrateurs de l'organisation.",
        "data_categories": "Identité (nom, adresse électronique, téléphone mobile), langue, "
        "données de connexion (dates, adresse IP, navigateur), journal des actions.",
        "recipients": "Administrateurs habilités de l'organisation ; hébergeur (sous-traitant).",
        "transfers_outside_eu": "",
        "retention": "Compte : jusqu'à sa suppression par la personne ou l'organisation. "
        "Journal des connexions : 1 an. Journal des actions : durée légale d'archivage.",
        "security_measures": "Hachage Argon2 des mots de passe, double facteur pour le "
        "back-office, verrouillage après échecs, journal inaltérable (chaîne de hachage), "
        "restriction d'accès par adresse IP, sauvegardes chiffrées, HTTPS.",
    },
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


def seed(apps, schema_editor):
    PrivacyNotice = apps.get_model("gdpr", "PrivacyNotice")
    ProcessingActivity = apps.get_model("gdpr", "ProcessingActivity")
    for code, label in NOTICES:
        PrivacyNotice.objects.get_or_create(
            form_code=code, defaults={"label": label, "text_fr": NOTICE_FR, "text_en": NOTICE_EN}
        )
    if not ProcessingActivity.objects.exists():
        for data in ACTIVITIES:
            ProcessingActivity.objects.create(**data)


def unseed(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("gdpr", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
