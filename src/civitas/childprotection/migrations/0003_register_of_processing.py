"""The child protection entry of the register of processing (CNIL référentiel of
délibération 2022-008 on child welfare processing)."""

from django.db import migrations

from civitas.core.gdpr.seeding import seed_register

ACTIVITIES = [
    {
        "name": "Recueil et traitement des informations préoccupantes (CRIP)",
        "module": "childprotection",
        "controller": "Président du conseil départemental (CASF L226-3). "
        "Délégué à la protection des données : [coordonnées du DPO].",
        "purpose": "Recueil, traitement et évaluation des informations préoccupantes relatives "
        "aux mineurs en danger ou en risque de l'être ; suivi des délais d'évaluation ; "
        "signalement à l'autorité judiciaire ; réponse aux demandes des personnes ayant "
        "transmis une information (D226-2-8) ; transmission annuelle pseudonymisée à "
        "l'ONPE et à la DREES (OLINPE, D226-3-1 et suivants).",
        "legal_basis": "public_task",
        "data_subjects": "Mineurs concernés, membres de leur famille et titulaires de "
        "l'autorité parentale, auteurs présumés, personnes ou organismes ayant transmis "
        "l'information.",
        "data_categories": "Identité, date de naissance, adresse, catégorie socioprofessionnelle "
        "des parents, lieu de vie, nom de naissance de la mère, motifs de danger, "
        "conclusions, exposé de la situation (chiffré), identité du signalant (chiffrée).",
        "recipients": "Agents de la CRIP et des services du département habilités selon leur "
        "territoire et les affectations ; autorité judiciaire ; ONPE et DREES (données "
        "pseudonymisées) ; autre département en cas de transmission.",
        "transfers_outside_eu": "",
        "retention": "Selon la configuration CIVITAS_CHILDPROTECTION_RETENTION : par défaut "
        "dossiers sans suite 2 ans après la clôture, autres dossiers jusqu'aux 21 ans du plus "
        "jeune enfant ; journal des consultations 6 ans.",
        "security_measures": "Accès selon le besoin d'en connaître (territoire, service "
        "affecté), accès exceptionnel motivé avec alerte, journalisation de chaque "
        "consultation lisible par le DPO, chiffrement AES-256-GCM des textes libres et de "
        "l'identité du signalant, double authentification, sauvegardes chiffrées, "
        "hébergement dans l'Union européenne. AIPD : docs/admin/protection-enfance.md.",
    },
]


class Migration(migrations.Migration):
    dependencies = [
        ("childprotection", "0002_reference_lists"),
        ("gdpr", "0004_module_entries"),
    ]
    operations = [seed_register(activities=ACTIVITIES, notices=[])]
