"""The councils module's register-of-processing entry (CGCT L5211-40-2 transmissions)."""

from django.db import migrations

from civitas.core.gdpr.seeding import seed_register

ACTIVITIES = [
    {
        "name": "Transmission des documents des séances aux élus (L5211-40-2 CGCT)",
        "module": "councils",
        "controller": "[Nom de l'EPCI], représenté par son président. "
        "Délégué à la protection des données : [coordonnées du DPO].",
        "purpose": "Transmettre aux conseillers municipaux des communes membres les "
        "convocations, notes explicatives, listes des délibérations et procès-verbaux des "
        "séances ; conserver la preuve de l'envoi, de la réception et de la lecture.",
        "legal_basis": "legal_obligation",
        "data_subjects": "Élus municipaux des communes membres de l'EPCI.",
        "data_categories": "Identité, commune, mandats, adresse électronique, téléphone "
        "mobile, adresse postale, canal choisi (papier ou électronique) et date du choix, "
        "horodatages d'envoi, d'ouverture, de téléchargement et d'accusé de réception, "
        "adresse IP des téléchargements.",
        "recipients": "Agents du greffe de l'EPCI ; mairies des communes membres pour les "
        "attestations d'envoi.",
        "transfers_outside_eu": "",
        "retention": "6 mois sur la plateforme après la séance (paramétrable) ; les "
        "manifestes de preuve peuvent être conservés plus longtemps par l'EPCI.",
        "security_measures": "Liens personnels signés et expirants, accès par rôle limité à "
        "l'EPCI, empreintes SHA-256 des documents, journal chaîné, horodatage RFC 3161, "
        "HTTPS, sauvegardes chiffrées.",
    },
]


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0001_initial"),
        ("gdpr", "0004_module_entries"),
    ]
    operations = [seed_register(activities=ACTIVITIES, notices=[])]
