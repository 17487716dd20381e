"""NACE rev. 2 sections (A–U), French and English labels."""

NACE_SECTIONS = [
    ("A", "Agriculture, sylviculture et pêche", "Agriculture, forestry and fishing"),
    ("B", "Industries extractives", "Mining and quarrying"),
    ("C", "Industrie manufacturière", "Manufacturing"),
    (
        "D",
        "Production et distribution d'électricité, de gaz, de vapeur et d'air conditionné",
        "Electricity, gas, steam and air conditioning supply",
    ),
    (
        "E",
        "Production et distribution d'eau ; assainissement, gestion des déchets et dépollution",
        "Water supply; sewerage, waste management and remediation",
    ),
    ("F", "Construction", "Construction"),
    (
        "G",
        "Commerce ; réparation d'automobiles et de motocycles",
        "Wholesale and retail trade; repair of motor vehicles and motorcycles",
    ),
    ("H", "Transports et entreposage", "Transportation and storage"),
    ("I", "Hébergement et restauration", "Accommodation and food service activities"),
    ("J", "Information et communication", "Information and communication"),
    ("K", "Activités financières et d'assurance", "Financial and insurance activities"),
    ("L", "Activités immobilières", "Real estate activities"),
    (
        "M",
        "Activités spécialisées, scientifiques et techniques",
        "Professional, scientific and technical activities",
    ),
    (
        "N",
        "Activités de services administratifs et de soutien",
        "Administrative and support service activities",
    ),
    ("O", "Administration publique", "Public administration and defence"),
    ("P", "Enseignement", "Education"),
    ("Q", "Santé humaine et action sociale", "Human health and social work activities"),
    ("R", "Arts, spectacles et activités récréatives", "Arts, entertainment and recreation"),
    ("S", "Autres activités de services", "Other service activities"),
    ("T", "Activités des ménages en tant qu'employeurs", "Activities of households as employers"),
    ("U", "Activités extra-territoriales", "Activities of extraterritorial organisations"),
]

DEFAULT_COOPERATION_TYPES = [
    ("Accord commercial", "Commercial agreement"),
    ("Coopération technique", "Technical cooperation"),
    ("Sous-traitance", "Subcontracting"),
    ("Distribution", "Distribution"),
    ("Partenariat de recherche", "Research partnership"),
    ("Investissement, financement", "Investment, financing"),
]
