"""Reference lists seeding the parameter tables (editable afterwards by administrators).

Sources: spec childprotection.md "Reference lists"; Code civil art. 375 for the dangers;
INSEE PCS 2020 (groups and categories) for the socio-professional categories.
Each item: (code, label in French, extra fields).
"""

FILE_TYPES = [
    ("IP", "Information préoccupante", {}),
    ("SIGN", "Signalement direct au parquet", {}),
    ("DEM", "Demande d'information / conseil", {}),
]

CHANNELS = [
    ("TEL", "Téléphone", {}),
    ("ENT", "Entretien", {}),
    ("COU", "Courrier", {}),
    ("MEL", "Courriel", {}),
    ("119", "Numéro vert 119 (SNATED)", {}),
]

SOURCES = [
    ("EN", "Éducation nationale", {"professional": True}),
    ("HOP", "Hôpital", {"professional": True}),
    ("MED", "Médecin libéral", {"professional": True}),
    ("MAI", "Mairie", {"professional": True}),
    ("SNATED", "119 - SNATED", {"professional": True}),
    ("PMI", "Protection maternelle et infantile", {"professional": True}),
    ("SS", "Service social", {"professional": True}),
    ("GEN", "Police, gendarmerie", {"professional": True}),
    ("PAR", "Parquet", {"professional": True}),
    ("AUT", "Autre département", {"professional": True}),
    ("FAM", "Famille, parent", {"professional": False}),
    ("MIN", "Le mineur lui-même", {"professional": False}),
    ("PART", "Particulier (voisin, proche)", {"professional": False}),
    ("ANO", "Anonyme", {"professional": False}),
]

DANGER_TYPES = [
    ("VPHY", "Violences physiques", {"evaluation_days": 30}),
    ("VSEX", "Violences sexuelles", {"evaluation_days": 30}),
    ("VPSY", "Violences psychologiques", {}),
    ("NEGL", "Négligences lourdes", {}),
    ("SANTE", "Danger pour la santé", {}),
    ("SECU", "Danger pour la sécurité", {}),
    ("MORA", "Danger pour la moralité", {}),
    ("EDUC", "Conditions d'éducation compromises", {}),
    ("DEV", "Développement physique, affectif, intellectuel ou social compromis", {}),
    ("VCONJ", "Exposition aux violences conjugales", {}),
    ("CONF", "Conflit familial", {}),
]

RELATIONSHIPS = [
    ("MERE", "Mère", {}),
    ("PERE", "Père", {}),
    ("BPAR", "Beau-parent, conjoint d'un parent", {}),
    ("GPAR", "Grand-parent", {}),
    ("FRAT", "Frère, sœur", {}),
    ("FAM", "Autre membre de la famille", {}),
    ("TUT", "Tuteur", {}),
    ("ASS", "Assistant familial, établissement", {}),
    ("PROF", "Professionnel", {}),
    ("CONN", "Autre personne connue de l'enfant", {}),
    ("INC", "Personne inconnue de l'enfant", {}),
]

# INSEE PCS 2020: groups (1 digit) and categories (2 digits), plus the inactive.
PCS = [
    ("1", "Agriculteurs exploitants", {"group": "1"}),
    ("10", "Agriculteurs exploitants", {"group": "1"}),
    ("2", "Artisans, commerçants et chefs d'entreprise", {"group": "2"}),
    ("21", "Artisans", {"group": "2"}),
    ("22", "Commerçants et assimilés", {"group": "2"}),
    ("23", "Chefs d'entreprise de 10 salariés ou plus", {"group": "2"}),
    ("3", "Cadres et professions intellectuelles supérieures", {"group": "3"}),
    ("31", "Professions libérales", {"group": "3"}),
    ("33", "Cadres de la fonction publique", {"group": "3"}),
    ("34", "Professeurs et professions scientifiques", {"group": "3"}),
    ("35", "Professions de l'information, des arts et des spectacles", {"group": "3"}),
    ("37", "Cadres administratifs et commerciaux d'entreprise", {"group": "3"}),
    ("38", "Ingénieurs et cadres techniques d'entreprise", {"group": "3"}),
    ("4", "Professions intermédiaires", {"group": "4"}),
    ("42", "Professeurs des écoles, instituteurs et assimilés", {"group": "4"}),
    ("43", "Professions intermédiaires de la santé et du travail social", {"group": "4"}),
    ("44", "Clergé, religieux", {"group": "4"}),
    ("45", "Professions intermédiaires administratives de la fonction publique", {"group": "4"}),
    (
        "46",
        "Professions intermédiaires administratives et commerciales des entreprises",
        {"group": "4"},
    ),
    ("47", "Techniciens", {"group": "4"}),
    ("48", "Contremaîtres, agents de maîtrise", {"group": "4"}),
    ("5", "Employés", {"group": "5"}),
    ("52", "Employés civils et agents de service de la fonction publique", {"group": "5"}),
    ("53", "Agents de surveillance", {"group": "5"}),
    ("54", "Employés administratifs d'entreprise", {"group": "5"}),
    ("55", "Employés de commerce", {"group": "5"}),
    ("56", "Personnels des services directs aux particuliers", {"group": "5"}),
    ("6", "Ouvriers", {"group": "6"}),
    ("62", "Ouvriers qualifiés de type industriel", {"group": "6"}),
    ("63", "Ouvriers qualifiés de type artisanal", {"group": "6"}),
    ("64", "Chauffeurs", {"group": "6"}),
    ("65", "Ouvriers qualifiés de la manutention, du magasinage et du transport", {"group": "6"}),
    ("67", "Ouvriers non qualifiés de type industriel", {"group": "6"}),
    ("68", "Ouvriers non qualifiés de type artisanal", {"group": "6"}),
    ("69", "Ouvriers agricoles", {"group": "6"}),
    ("7", "Retraités", {"group": "7"}),
    ("8", "Autres personnes sans activité professionnelle", {"group": "8"}),
    ("99", "Inconnue", {"group": ""}),
]

LIVING_PLACES = [
    ("2PAR", "Chez ses deux parents", {}),
    ("MERE", "Chez sa mère", {}),
    ("PERE", "Chez son père", {}),
    ("ALT", "Résidence alternée", {}),
    ("FAM", "Chez un autre membre de la famille", {}),
    ("TIERS", "Chez un tiers digne de confiance", {}),
    ("ASE", "Confié à l'aide sociale à l'enfance", {}),
    ("ETAB", "Établissement", {}),
    ("RUE", "Sans domicile", {}),
    ("INC", "Inconnu", {}),
]

CONCLUSIONS = [
    ("SSUITE", "Sans suite", {"referral": False}),
    ("REORI", "Réorientation (autre service, autre département)", {"referral": False}),
    ("EVAL", "Évaluation", {"referral": False}),
    ("AED", "Mesure administrative : aide éducative à domicile", {"referral": False}),
    ("AP", "Mesure administrative : accueil provisoire", {"referral": False}),
    ("ADM", "Autre mesure administrative", {"referral": False}),
    ("PARQ", "Signalement au procureur de la République", {"referral": True}),
    ("JE", "Saisine du juge des enfants", {"referral": True}),
]

SERVICES = [
    ("CRIP", "Cellule de recueil des informations préoccupantes", {}),
    ("ASE", "Aide sociale à l'enfance", {}),
    ("PMI", "Protection maternelle et infantile", {}),
    ("SSD", "Service social départemental", {}),
    ("EVAL", "Équipe d'évaluation", {}),
]

TABLES = {
    "FileType": FILE_TYPES,
    "Channel": CHANNELS,
    "Source": SOURCES,
    "DangerType": DANGER_TYPES,
    "Relationship": RELATIONSHIPS,
    "SocioProfessionalCategory": PCS,
    "LivingPlace": LIVING_PLACES,
    "ConclusionType": CONCLUSIONS,
    "Service": SERVICES,
}
