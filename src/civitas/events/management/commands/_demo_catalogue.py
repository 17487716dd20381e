"""What the demo convention's companies are and what they offer or look for (load_events_demo).

French and European companies with believable names (Faker, one locale per country), a real
city of their country, a NACE section, and offers and requests taken from a short curated list
per section. Each theme has an offer side and a request side sharing keywords, so the
suggestions ("their offer answers your request") and the catalogue read like a real convention.
French companies write in French, the others in English.

Everything is drawn from one seeded `random.Random` and seeded Faker instances: the same
arguments give the same demo."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field

import phonenumbers

# country: Faker locale, weight, (mobile prefix, digits), legal forms, (city, postcode)
COUNTRIES = {
    "FR": (
        "fr_FR",
        12,
        ("+336", 8),
        ["SAS", "SARL", "SA"],
        [
            ("Lyon", "69002"),
            ("Marseille", "13002"),
            ("Toulouse", "31000"),
            ("Lille", "59000"),
            ("Nantes", "44000"),
            ("Bordeaux", "33000"),
            ("Strasbourg", "67000"),
            ("Rennes", "35000"),
            ("Grenoble", "38000"),
            ("Montpellier", "34000"),
            ("Rouen", "76000"),
            ("Clermont-Ferrand", "63000"),
            ("Dijon", "21000"),
            ("Orléans", "45000"),
            ("Tours", "37000"),
            ("Reims", "51100"),
            ("Saint-Étienne", "42000"),
            ("Nancy", "54000"),
            ("Paris", "75011"),
            ("Paris", "75015"),
            ("Nanterre", "92000"),
            ("Créteil", "94000"),
            ("Versailles", "78000"),
            ("Évry-Courcouronnes", "91000"),
        ],
    ),
    "DE": (
        "de_DE",
        2,
        ("+4915", 9),
        ["GmbH", "AG", "GmbH & Co. KG"],
        [
            ("Berlin", "10115"),
            ("Hamburg", "20095"),
            ("München", "80331"),
            ("Köln", "50667"),
            ("Frankfurt am Main", "60311"),
            ("Stuttgart", "70173"),
            ("Düsseldorf", "40213"),
            ("Leipzig", "04109"),
            ("Freiburg im Breisgau", "79098"),
            ("Saarbrücken", "66111"),
        ],
    ),
    "IT": (
        "it_IT",
        2,
        ("+393", 9),
        ["S.r.l.", "S.p.A."],
        [
            ("Milano", "20121"),
            ("Torino", "10121"),
            ("Bologna", "40121"),
            ("Roma", "00184"),
            ("Firenze", "50122"),
            ("Genova", "16121"),
            ("Verona", "37121"),
            ("Bergamo", "24121"),
        ],
    ),
    "ES": (
        "es_ES",
        2,
        ("+346", 8),
        ["S.L.", "S.A."],
        [
            ("Madrid", "28001"),
            ("Barcelona", "08001"),
            ("Valencia", "46001"),
            ("Sevilla", "41001"),
            ("Bilbao", "48001"),
            ("Zaragoza", "50001"),
            ("San Sebastián", "20001"),
        ],
    ),
    "BE": (
        "fr_BE",
        2,
        ("+3247", 7),
        ["SRL", "SA"],
        [
            ("Bruxelles", "1000"),
            ("Liège", "4000"),
            ("Namur", "5000"),
            ("Charleroi", "6000"),
            ("Mons", "7000"),
            ("Louvain-la-Neuve", "1348"),
        ],
    ),
    "NL": (
        "nl_NL",
        1,
        ("+316", 8),
        ["B.V."],
        [
            ("Amsterdam", "1012"),
            ("Rotterdam", "3011"),
            ("Eindhoven", "5611"),
            ("Utrecht", "3511"),
        ],
    ),
    "PT": (
        "pt_PT",
        1,
        ("+35191", 7),
        ["Lda.", "S.A."],
        [("Lisboa", "1100-148"), ("Porto", "4000-322"), ("Braga", "4700-035")],
    ),
}
FRENCH_SPEAKING = {"FR", "BE"}


@dataclass
class Theme:
    """One need and the offer that answers it, in one NACE section, sharing keywords."""

    keywords: list[tuple[str, str]]
    cooperation: str  # French label of a default cooperation type (events/nace.py)
    offer: tuple[str, str, str, str]  # title fr, title en, description fr, description en
    request: tuple[str, str, str, str]


@dataclass
class SectorDemo:
    code: str
    stems: tuple[str, str]  # a word of a company name, French and English
    about: tuple[str, str]  # company description, French and English
    themes: list[Theme] = field(default_factory=list)


SECTORS = [
    SectorDemo(
        "A",
        ("Agri", "Agri"),
        (
            "Exploitation et coopérative agricole engagée dans les circuits courts.",
            "Farm and cooperative committed to short supply chains.",
        ),
        [
            Theme(
                [("agriculture de précision", "precision farming"), ("capteurs", "sensors")],
                "Coopération technique",
                (
                    "Capteurs connectés pour l'irrigation de précision",
                    "Connected sensors for precision irrigation",
                    "Sondes d'humidité et stations météo reliées à une application : "
                    "jusqu'à 30 % d'eau économisée.",
                    "Soil moisture probes and weather stations linked to an app: up to 30% "
                    "less water.",
                ),
                (
                    "Recherche une solution d'irrigation pilotée par capteurs",
                    "Looking for sensor-driven irrigation",
                    "Exploitation de 250 ha de maraîchage cherchant à réduire sa consommation "
                    "d'eau.",
                    "250-hectare vegetable farm looking to cut its water use.",
                ),
            ),
            Theme(
                [("agriculture biologique", "organic farming"), ("céréales", "cereals")],
                "Accord commercial",
                (
                    "Fourniture de blé et d'orge biologiques certifiés",
                    "Supply of certified organic wheat and barley",
                    "Coopérative de 80 producteurs, contrats annuels, traçabilité à la parcelle.",
                    "Cooperative of 80 growers, annual contracts, traceability down to the field.",
                ),
                (
                    "Cherche fournisseurs de céréales biologiques",
                    "Looking for organic cereal suppliers",
                    "Meunerie artisanale cherchant 2 000 t par an de blé biologique.",
                    "Craft flour mill looking for 2,000 t a year of organic wheat.",
                ),
            ),
        ],
    ),
    SectorDemo(
        "C",
        ("Industrie", "Industries"),
        (
            "PME industrielle : conception, fabrication et assemblage pour l'industrie.",
            "Industrial SME: design, manufacturing and assembly for industry.",
        ),
        [
            Theme(
                [("robotique", "robotics"), ("automatisation", "automation")],
                "Coopération technique",
                (
                    "Cellules robotisées clés en main pour l'usinage",
                    "Turnkey robotic cells for machining",
                    "Intégrateur de robots collaboratifs : étude, installation et formation "
                    "des opérateurs.",
                    "Collaborative robot integrator: study, installation and operator training.",
                ),
                (
                    "Recherche un intégrateur pour automatiser une ligne d'assemblage",
                    "Looking for an integrator to automate an assembly line",
                    "Ligne de 12 postes à automatiser en partie d'ici fin 2027.",
                    "A 12-station line to be partly automated by the end of 2027.",
                ),
            ),
            Theme(
                [("usinage", "machining"), ("sous-traitance", "subcontracting")],
                "Sous-traitance",
                (
                    "Sous-traitance en usinage de précision et petites séries",
                    "Precision machining and small batches as a subcontractor",
                    "Parc de 25 centres d'usinage 5 axes, certifié ISO 9001 et EN 9100.",
                    "25 five-axis machining centres, ISO 9001 and EN 9100 certified.",
                ),
                (
                    "Cherche sous-traitant en usinage de pièces aluminium",
                    "Looking for an aluminium parts machining subcontractor",
                    "Séries de 500 à 5 000 pièces par an, tolérances au centième.",
                    "Batches of 500 to 5,000 parts a year, tolerances to 0.01 mm.",
                ),
            ),
            Theme(
                [("agroalimentaire", "food processing"), ("emballage", "packaging")],
                "Accord commercial",
                (
                    "Emballages alimentaires compostables",
                    "Compostable food packaging",
                    "Barquettes et films en fibres végétales, compatibles avec les lignes "
                    "de conditionnement existantes.",
                    "Trays and films made of plant fibres, fitting existing packing lines.",
                ),
                (
                    "Recherche un fournisseur d'emballages sans plastique",
                    "Looking for a plastic-free packaging supplier",
                    "Conserverie régionale : 3 millions de barquettes par an à remplacer.",
                    "Regional cannery: 3 million trays a year to replace.",
                ),
            ),
            Theme(
                [("aéronautique", "aerospace"), ("composites", "composites")],
                "Partenariat de recherche",
                (
                    "Pièces composites pour l'aéronautique",
                    "Composite parts for aerospace",
                    "Drapage automatisé et cuisson en autoclave, pièces de structure secondaire.",
                    "Automated lay-up and autoclave curing, secondary structure parts.",
                ),
                (
                    "Cherche partenaire pour un projet européen sur les composites recyclables",
                    "Partner wanted for a European project on recyclable composites",
                    "Consortium Horizon Europe en montage, dépôt prévu en septembre.",
                    "Horizon Europe consortium being formed, submission planned in September.",
                ),
            ),
            Theme(
                [("textile technique", "technical textiles"), ("export", "export")],
                "Distribution",
                (
                    "Textiles techniques pour vêtements de protection",
                    "Technical textiles for protective clothing",
                    "Tissus ignifugés et antistatiques, fabriqués en France.",
                    "Flame-retardant and antistatic fabrics, made in France.",
                ),
                (
                    "Recherche distributeurs de textiles techniques en Europe",
                    "Looking for technical textile distributors in Europe",
                    "Fabricant cherchant des distributeurs en Allemagne, Italie et Espagne.",
                    "Manufacturer looking for distributors in Germany, Italy and Spain.",
                ),
            ),
        ],
    ),
    SectorDemo(
        "D",
        ("Énergies", "Energy"),
        (
            "Production et installation d'énergies renouvelables pour les entreprises.",
            "Renewable energy generation and installation for businesses.",
        ),
        [
            Theme(
                [("photovoltaïque", "photovoltaics"), ("autoconsommation", "self-consumption")],
                "Accord commercial",
                (
                    "Centrales photovoltaïques en toiture pour entrepôts",
                    "Rooftop solar plants for warehouses",
                    "Étude, financement et pose ; autoconsommation ou revente du surplus.",
                    "Study, financing and installation; self-consumption or sale of the surplus.",
                ),
                (
                    "Recherche un installateur photovoltaïque pour nos bâtiments",
                    "Looking for a solar installer for our buildings",
                    "12 000 m² de toitures de bâtiments logistiques à équiper.",
                    "12,000 m² of logistics building roofs to equip.",
                ),
            ),
            Theme(
                [("bornes de recharge", "charging points"), ("mobilité électrique", "e-mobility")],
                "Accord commercial",
                (
                    "Bornes de recharge pour flottes d'entreprise",
                    "Charging points for company fleets",
                    "Installation, supervision et maintenance de bornes de 7 à 150 kW.",
                    "Installation, monitoring and maintenance of 7 to 150 kW chargers.",
                ),
                (
                    "Cherche partenaire pour équiper nos parkings en bornes de recharge",
                    "Partner wanted to equip our car parks with charging points",
                    "Flotte de 60 véhicules électriques d'ici 2028, trois sites.",
                    "A fleet of 60 electric vehicles by 2028, three sites.",
                ),
            ),
        ],
    ),
    SectorDemo(
        "E",
        ("Environnement", "Environmental"),
        (
            "Collecte, tri et valorisation des déchets des entreprises.",
            "Collection, sorting and recovery of business waste.",
        ),
        [
            Theme(
                [("recyclage", "recycling"), ("économie circulaire", "circular economy")],
                "Accord commercial",
                (
                    "Recyclage des plastiques industriels en granulés",
                    "Recycling of industrial plastics into pellets",
                    "Collecte sur site et traçabilité ; granulés réinjectables en production.",
                    "On-site collection and traceability; pellets ready for reuse in production.",
                ),
                (
                    "Cherche une filière de recyclage pour nos chutes de production",
                    "Looking for a recycling channel for our production scrap",
                    "300 t par an de chutes de polypropylène à valoriser.",
                    "300 t a year of polypropylene scrap to recover.",
                ),
            ),
        ],
    ),
    SectorDemo(
        "F",
        ("Bâtiment", "Building"),
        (
            "Entreprise de construction et de rénovation de bâtiments tertiaires.",
            "Construction and renovation of commercial buildings.",
        ),
        [
            Theme(
                [("rénovation énergétique", "energy retrofit"), ("bâtiment", "buildings")],
                "Sous-traitance",
                (
                    "Rénovation énergétique de bâtiments tertiaires",
                    "Energy retrofit of office buildings",
                    "Isolation par l'extérieur, menuiseries et ventilation : décret tertiaire.",
                    "External insulation, windows and ventilation for the French tertiary decree.",
                ),
                (
                    "Recherche une entreprise pour la rénovation de nos bureaux",
                    "Looking for a contractor to retrofit our offices",
                    "Immeuble de 4 000 m² à rénover pour réduire de 40 % sa consommation.",
                    "A 4,000 m² building to renovate to cut its energy use by 40%.",
                ),
            ),
            Theme(
                [("construction bois", "timber construction"), ("bas carbone", "low carbon")],
                "Coopération technique",
                (
                    "Ossature bois et modules préfabriqués bas carbone",
                    "Timber frames and low-carbon prefabricated modules",
                    "Bureau d'études intégré et atelier de préfabrication.",
                    "In-house design office and prefabrication workshop.",
                ),
                (
                    "Cherche un partenaire en construction bois pour un appel d'offres",
                    "Timber construction partner wanted for a tender",
                    "Groupement pour un lycée de 6 000 m² en structure bois.",
                    "Joint bid for a 6,000 m² timber-framed secondary school.",
                ),
            ),
        ],
    ),
    SectorDemo(
        "G",
        ("Distribution", "Trading"),
        (
            "Négoce et distribution de produits alimentaires et industriels.",
            "Wholesale and distribution of food and industrial products.",
        ),
        [
            Theme(
                [("vins et spiritueux", "wines and spirits"), ("export", "export")],
                "Distribution",
                (
                    "Importateur et distributeur de vins auprès de la restauration",
                    "Wine importer and distributor to restaurants",
                    "Réseau de 900 restaurants et cavistes, entrepôt sous douane.",
                    "A network of 900 restaurants and wine shops, bonded warehouse.",
                ),
                (
                    "Domaine viticole cherche un importateur",
                    "Wine estate looking for an importer",
                    "Vins AOP, 150 000 bouteilles par an, déjà présents au Benelux.",
                    "PDO wines, 150,000 bottles a year, already sold in the Benelux.",
                ),
            ),
            Theme(
                [("commerce en ligne", "e-commerce"), ("distribution", "distribution")],
                "Distribution",
                (
                    "Place de marché B2B pour fournitures industrielles",
                    "B2B marketplace for industrial supplies",
                    "35 000 références, livraison en 48 h dans 12 pays européens.",
                    "35,000 items, delivered within 48 hours in 12 European countries.",
                ),
                (
                    "Cherche une place de marché pour vendre nos outillages en Europe",
                    "Looking for a marketplace to sell our tools across Europe",
                    "Fabricant d'outillage à main, catalogue de 400 références.",
                    "Hand tool maker with a catalogue of 400 items.",
                ),
            ),
        ],
    ),
    SectorDemo(
        "H",
        ("Logistique", "Logistics"),
        (
            "Transport et logistique pour l'industrie et le commerce.",
            "Transport and logistics for industry and trade.",
        ),
        [
            Theme(
                [("logistique", "logistics"), ("chaîne du froid", "cold chain")],
                "Accord commercial",
                (
                    "Transport frigorifique et entrepôts sous température dirigée",
                    "Refrigerated transport and temperature-controlled warehousing",
                    "80 porteurs et semi-remorques frigorifiques, 20 000 m² d'entrepôts.",
                    "80 refrigerated trucks and trailers, 20,000 m² of warehouses.",
                ),
                (
                    "Recherche un transporteur frigorifique vers l'Europe du Sud",
                    "Looking for a refrigerated carrier to Southern Europe",
                    "Produits frais, 15 envois par semaine vers l'Espagne et l'Italie.",
                    "Fresh products, 15 shipments a week to Spain and Italy.",
                ),
            ),
            Theme(
                [
                    ("livraison du dernier kilomètre", "last-mile delivery"),
                    ("logistique", "logistics"),
                ],
                "Sous-traitance",
                (
                    "Livraison urbaine en vélos cargos et véhicules électriques",
                    "Urban delivery by cargo bike and electric van",
                    "Livraison en zone à faibles émissions, le jour même.",
                    "Same-day delivery in low-emission zones.",
                ),
                (
                    "Cherche un prestataire de livraison urbaine décarbonée",
                    "Looking for a low-carbon urban delivery provider",
                    "Enseigne de 30 magasins en centre-ville.",
                    "Retailer with 30 city-centre shops.",
                ),
            ),
        ],
    ),
    SectorDemo(
        "I",
        ("Hôtellerie", "Hospitality"),
        (
            "Hôtellerie, restauration et tourisme d'affaires.",
            "Hotels, catering and business travel.",
        ),
        [
            Theme(
                [("tourisme d'affaires", "business travel"), ("séminaires", "seminars")],
                "Accord commercial",
                (
                    "Lieux de séminaires et restauration pour entreprises",
                    "Seminar venues and catering for companies",
                    "Trois domaines, de 20 à 300 personnes, hébergement sur place.",
                    "Three estates, 20 to 300 guests, on-site accommodation.",
                ),
                (
                    "Recherche un lieu pour notre convention annuelle",
                    "Looking for a venue for our annual convention",
                    "200 collaborateurs, deux jours, en juin.",
                    "200 staff, two days, in June.",
                ),
            ),
        ],
    ),
    SectorDemo(
        "J",
        ("Numérique", "Digital"),
        (
            "Éditeur de logiciels et société de services numériques.",
            "Software publisher and IT services company.",
        ),
        [
            Theme(
                [("cybersécurité", "cybersecurity"), ("audit", "audit")],
                "Accord commercial",
                (
                    "Audit de cybersécurité et tests d'intrusion pour PME",
                    "Cybersecurity audits and penetration testing for SMEs",
                    "Prestataire qualifié PASSI, accompagnement à la directive NIS 2.",
                    "PASSI-qualified provider, support for the NIS 2 directive.",
                ),
                (
                    "Cherche un prestataire pour sécuriser notre système d'information",
                    "Looking for a provider to secure our information system",
                    "PME de 120 salariés concernée par NIS 2, audit puis plan d'actions.",
                    "120-staff SME in scope of NIS 2: audit then action plan.",
                ),
            ),
            Theme(
                [("logiciel de gestion", "business software"), ("numérique", "digital")],
                "Coopération technique",
                (
                    "Logiciel de gestion de production en mode SaaS",
                    "Production management software as a service",
                    "Planification, traçabilité et indicateurs pour ateliers de 10 à 500 "
                    "personnes.",
                    "Planning, traceability and indicators for workshops of 10 to 500 people.",
                ),
                (
                    "Recherche un logiciel de gestion de production",
                    "Looking for production management software",
                    "Atelier de 60 personnes, remplacement d'un outil maison.",
                    "60-person workshop replacing an in-house tool.",
                ),
            ),
            Theme(
                [("intelligence artificielle", "artificial intelligence"), ("données", "data")],
                "Partenariat de recherche",
                (
                    "Vision industrielle par intelligence artificielle",
                    "AI-based machine vision",
                    "Détection de défauts en ligne, modèles entraînés sur vos données.",
                    "In-line defect detection, models trained on your data.",
                ),
                (
                    "Cherche un partenaire pour un projet de contrôle qualité par IA",
                    "Partner wanted for an AI quality control project",
                    "Projet cofinancé par la région, démarrage au printemps.",
                    "Project co-funded by the region, starting in spring.",
                ),
            ),
        ],
    ),
    SectorDemo(
        "M",
        ("Conseil", "Consulting"),
        (
            "Bureau d'études, ingénierie et conseil aux entreprises.",
            "Engineering office and business consulting.",
        ),
        [
            Theme(
                [("ingénierie", "engineering"), ("conception", "design")],
                "Sous-traitance",
                (
                    "Bureau d'études en conception mécanique",
                    "Mechanical design office",
                    "Conception 3D, calcul par éléments finis et dossiers de fabrication.",
                    "3D design, finite element analysis and manufacturing files.",
                ),
                (
                    "Cherche un bureau d'études pour concevoir une nouvelle machine",
                    "Looking for a design office for a new machine",
                    "Machine spéciale d'emballage, prototype attendu en 2028.",
                    "Special packing machine, prototype expected in 2028.",
                ),
            ),
            Theme(
                [("export", "export"), ("conseil", "consulting")],
                "Investissement, financement",
                (
                    "Accompagnement à l'export et recherche de financements",
                    "Export support and funding search",
                    "Études de marché, prospection et montage de dossiers de financement.",
                    "Market studies, prospecting and funding applications.",
                ),
                (
                    "Recherche un accompagnement pour s'implanter en Allemagne",
                    "Looking for support to set up in Germany",
                    "PME souhaitant ouvrir une filiale commerciale en 2028.",
                    "SME planning to open a sales subsidiary in 2028.",
                ),
            ),
        ],
    ),
    SectorDemo(
        "Q",
        ("Santé", "Health"),
        (
            "Dispositifs médicaux et services de santé.",
            "Medical devices and health services.",
        ),
        [
            Theme(
                [("dispositifs médicaux", "medical devices"), ("santé", "health")],
                "Distribution",
                (
                    "Dispositifs médicaux de rééducation",
                    "Rehabilitation medical devices",
                    "Appareils marqués CE, déjà vendus à 300 établissements de santé.",
                    "CE-marked devices, already sold to 300 health facilities.",
                ),
                (
                    "Recherche des dispositifs de rééducation pour nos cliniques",
                    "Looking for rehabilitation devices for our clinics",
                    "Groupe de 8 cliniques de soins de suite.",
                    "Group of 8 rehabilitation clinics.",
                ),
            ),
            Theme(
                [("télémédecine", "telemedicine"), ("santé", "health")],
                "Coopération technique",
                (
                    "Plateforme de téléconsultation hébergée en France",
                    "Teleconsultation platform hosted in France",
                    "Hébergeur certifié HDS, intégration aux logiciels des cabinets.",
                    "Certified health data hosting, integration with practice software.",
                ),
                (
                    "Cherche une solution de télémédecine pour nos centres de santé",
                    "Looking for a telemedicine solution for our health centres",
                    "Réseau de 15 centres en zone rurale.",
                    "Network of 15 rural health centres.",
                ),
            ),
        ],
    ),
]

# The demo participant's company (see _demo_features._participant): made first, with offers
# its messages talk about (charging points, rooftop solar for warehouses).
PARTICIPANT_COMPANY = "Dubois Électricité"
PARTICIPANT_THEMES = (("D", 1, "offer"), ("D", 0, "offer"))
# companies 1 and 2 need what she offers (theme index in section D), so she has suggestions
NEEDS_OF_PARTICIPANT_OFFERS = {1: 1, 2: 0}

REQUEST_MESSAGES = {
    "fr": [
        "Bonjour, votre offre « {title} » correspond à notre besoin : pouvons-nous en parler ?",
        "Bonjour, nous aimerions vous présenter notre projet lors des rendez-vous.",
        "Bonjour, « {title} » nous intéresse. Pourriez-vous nous donner vos délais ?",
    ],
    "en": [
        "Hello, your “{title}” matches what we need: could we talk about it?",
        "Hello, we would like to present our project to you at the meetings.",
        "Hello, we are interested in “{title}”. What are your lead times?",
    ],
}


@dataclass
class CompanyPlan:
    name: str
    country: str
    city: str
    postcode: str
    sector: str
    description: str
    website: str
    email: str
    phone: str
    people: list[tuple[str, str, str, str, str]]  # first, last name, e-mail, job, phone
    items: list[tuple[SectorDemo, int, str]]  # (sector, theme index, "offer"|"request")

    @property
    def lang(self) -> str:
        return "fr" if self.country in FRENCH_SPEAKING else "en"


JOB_TITLES = {  # (masculine, feminine)
    "fr": [
        ("Directeur général", "Directrice générale"),
        ("Directeur commercial", "Directrice commerciale"),
        ("Responsable export", "Responsable export"),
        ("Acheteur", "Acheteuse"),
        ("Responsable des achats", "Responsable des achats"),
        ("Directeur technique", "Directrice technique"),
        ("Gérant", "Gérante"),
        ("Chargé d'affaires", "Chargée d'affaires"),
    ],
    "en": [
        (title, title)
        for title in (
            "Managing director",
            "Sales manager",
            "Export manager",
            "Purchasing manager",
            "Head of business development",
            "Technical director",
            "Founder",
            "Account manager",
        )
    ],
}


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = "".join(c if c.isalnum() else "-" for c in ascii_text.lower())
    return "-".join(p for p in out.split("-") if p)


class Planner:
    """Draws companies one by one, deterministic for a given seed."""

    def __init__(self, rnd: random.Random):
        from faker import Faker

        self.rnd = rnd
        self.fakers = {}
        for code, (locale, *_rest) in COUNTRIES.items():
            fake = Faker(locale)
            fake.seed_instance(rnd.randrange(1 << 30))
            self.fakers[code] = fake
        self.countries = [c for c, v in COUNTRIES.items() for _ in range(v[1])]
        self.names: set[str] = set()
        self.emails: set[str] = set()

    def company(self, index: int, people: int) -> CompanyPlan:
        rnd = self.rnd
        if index == 0:
            country, sector = "FR", _sector("D")
            name, city, postcode = PARTICIPANT_COMPANY, "Montreuil", "93100"
            base = name
            items = [(_sector(code), i, side) for code, i, side in PARTICIPANT_THEMES]
        else:
            country = rnd.choice(self.countries)
            sector = rnd.choice(SECTORS)
            city, postcode = rnd.choice(COUNTRIES[country][4])
            themes = rnd.sample(range(len(sector.themes)), min(len(sector.themes), 2))
            count = 2 if rnd.random() < 0.35 else 1
            items = [(sector, t, rnd.choice(["offer", "request"])) for t in themes[:count]]
            if index in NEEDS_OF_PARTICIPANT_OFFERS:  # someone to suggest to the participant
                sector = _sector("D")
                items = [(sector, NEEDS_OF_PARTICIPANT_OFFERS[index], "request")]
            name, base = self._name(country, sector)
        self.names.add(name)
        fake = self.fakers[country]
        lang = "fr" if country in FRENCH_SPEAKING else "en"
        domain = f"{slug(base)}.example"
        persons = []
        for _k in range(people):
            female = rnd.random() < 0.5
            first = fake.first_name_female() if female else fake.first_name_male()
            last = fake.last_name()
            email = f"{slug(first)}.{slug(last)}@{domain}"
            while email in self.emails:
                email = f"{slug(first)}.{slug(last)}{rnd.randrange(2, 99)}@{domain}"
            self.emails.add(email)
            job = rnd.choice(JOB_TITLES[lang])[1 if female else 0]
            persons.append((first, last, email, job, self._phone(country)))
        return CompanyPlan(
            name=name,
            country=country,
            city=city,
            postcode=postcode,
            sector=sector.code,
            description=sector.about[0 if lang == "fr" else 1],
            website=f"https://www.{domain}",
            email=f"contact@{domain}",
            phone=self._phone(country),
            people=persons,
            items=items,
        )

    def _phone(self, country: str) -> str:
        """A valid mobile number of the country (E.164), so edit forms accept it."""
        prefix, size = COUNTRIES[country][2]
        while True:
            phone = prefix + "".join(str(self.rnd.randrange(10)) for _ in range(size))
            if phonenumbers.is_valid_number(phonenumbers.parse(phone)):
                return phone

    def _name(self, country: str, sector: SectorDemo) -> tuple[str, str]:
        """A company name and the part of it its web domain uses (without the legal form)."""
        fake, forms = self.fakers[country], COUNTRIES[country][3]
        for _attempt in range(20):
            form = self.rnd.choice(forms)
            if country != "BE" and self.rnd.random() < 0.5:
                base = fake.company()
                name = base if " " in base else f"{base} {form}"
            else:
                stem = sector.stems[0 if country in FRENCH_SPEAKING else 1]
                base = f"{fake.last_name()} {stem}"
                name = f"{base} {form}"
            if name not in self.names:
                return name, base
        return f"{name} {len(self.names)}", f"{base} {len(self.names)}"


def _sector(code: str) -> SectorDemo:
    return next(s for s in SECTORS if s.code == code)


def offer_text(item: tuple[SectorDemo, int, str], lang: str) -> tuple[str, str]:
    sector, index, side = item
    fr_title, en_title, fr_text, en_text = getattr(sector.themes[index], side)
    return (fr_title, fr_text) if lang == "fr" else (en_title, en_text)


def request_message(rnd: random.Random, lang: str, title: str) -> str:
    return rnd.choice(REQUEST_MESSAGES[lang]).format(title=title)
