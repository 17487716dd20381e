"""Realistic fictitious files for demos and benchmarks: sibling groups, French names with
accents, communes of the shipped table, dates over ten years. Never real people."""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from ..models import (
    Channel,
    Child,
    Commune,
    ConclusionType,
    DangerType,
    File,
    LivingPlace,
    SocioProfessionalCategory,
    Source,
    normalise_name,
)
from . import deadlines

LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "García",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefebvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martínez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Müller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Le Guën",
    "N'Diaye",
    "Benoît",
    "Hélie",
    "Prévost",
    "Brûlé",
    "Côté",
    "Lemaître",
    "Besançon",
    "Noël",
]
FIRST_F = [
    "Zoé",
    "Léa",
    "Chloé",
    "Inès",
    "Maëlys",
    "Jade",
    "Louise",
    "Anaïs",
    "Océane",
    "Noémie",
    "Clémence",
    "Éloïse",
    "Héloïse",
    "Rose",
    "Lina",
    "Mia",
    "Adèle",
    "Célia",
]
FIRST_M = [
    "Hugo",
    "Léo",
    "Noé",
    "Raphaël",
    "Jérôme",
    "Théo",
    "Gabriel",
    "Mathéo",
    "Loïc",
    "Anaël",
    "Rayan",
    "Éthan",
    "Timothée",
    "Adam",
    "Nathan",
    "Clément",
    "Léon",
    "Côme",
]
STREETS = [
    "rue de la République",
    "avenue Jean-Jaurès",
    "rue Victor-Hugo",
    "place de l'Église",
    "rue des Écoles",
    "boulevard Gambetta",
    "allée des Tilleuls",
    "rue Émile-Zola",
]
SUMMARIES = [
    "Absentéisme scolaire répété, l'enfant paraît fatigué.",
    "Traces de coups signalées par l'infirmière scolaire.",
    "Appel d'un voisin : cris fréquents la nuit, enfants seuls.",
    "Violences conjugales rapportées, enfants témoins.",
    "Hygiène très dégradée, suivi médical interrompu.",
]


def _pick(seq, rnd):
    return seq[rnd.randrange(len(seq))] if seq else None


@transaction.atomic
def generate(n_files: int, territories, *, seed=42, start_year=None, batch=1000) -> int:
    """Create `n_files` files (1 to 4 siblings each). Returns the number of children."""
    rnd = random.Random(seed)
    territories = list(territories)
    if not territories:
        raise ValueError("No territory unit to attach the files to")
    today = timezone.localdate()
    start = date((start_year or today.year - 10), 1, 1)
    span = (today - start).days
    communes = list(Commune.objects.all())
    channels = list(Channel.objects.all())
    sources = list(Source.objects.all())
    dangers = list(DangerType.objects.all())
    conclusions = list(ConclusionType.objects.all())
    places = list(LivingPlace.objects.all())
    pcs = list(SocioProfessionalCategory.objects.all())
    tz = timezone.get_current_timezone()
    prefix_counts = {}
    existing = set(File.objects.values_list("number", flat=True))
    n_children = 0
    due_cache = {}
    for offset in range(0, n_files, batch):
        files, kids_spec = [], []
        for _ in range(min(batch, n_files - offset)):
            received_day = start + timedelta(days=rnd.randrange(max(span, 1)))
            received = datetime.combine(
                received_day, time(8 + rnd.randrange(10), rnd.randrange(60))
            )
            received = timezone.make_aware(received, tz)
            year = received_day.year
            n = prefix_counts.get(year, 0) + 1
            number = f"IP-{year}-{n:06d}"
            while number in existing:
                n += 1
                number = f"IP-{year}-{n:06d}"
            prefix_counts[year] = n
            existing.add(number)
            old = received_day < today - timedelta(days=200)
            serious = rnd.random() < 0.05
            files.append(
                File(
                    number=number,
                    received_at=received,
                    territory=_pick(territories, rnd),
                    channel=_pick(channels, rnd),
                    source=_pick(sources, rnd),
                    serious_danger=serious,
                    domestic_violence=rnd.random() < 0.15,
                    sip=rnd.random() < 0.05,
                    status=File.Status.CLOSED if old else File.Status.OPEN,
                    closed_on=received_day + timedelta(days=80) if old else None,
                    summary=_pick(SUMMARIES, rnd),
                )
            )
            family = _pick(LAST_NAMES, rnd)
            mother = _pick(LAST_NAMES, rnd)
            siblings = []
            for _k in range(rnd.choice([1, 1, 1, 2, 2, 3, 4])):
                sex = rnd.choice("MF")
                birth = received_day - timedelta(days=rnd.randrange(60, 17 * 365))
                siblings.append(
                    (
                        sex,
                        family,
                        _pick(FIRST_M if sex == "M" else FIRST_F, rnd),
                        birth,
                        mother,
                        old,
                    )
                )
            kids_spec.append(siblings)
        children = []
        for file, siblings in zip(files, kids_spec, strict=True):
            for sex, last, first, birth, mother, old in siblings:
                conclusion = _pick(conclusions, rnd) if old else None
                children.append(
                    Child(
                        file=file,
                        sex=sex,
                        last_name=last,
                        first_name=first,
                        birth_date=birth,
                        mother_birth_name=mother,
                        commune=_pick(communes, rnd),
                        street_number=str(rnd.randrange(1, 120)),
                        street=_pick(STREETS, rnd),
                        father_pcs=_pick(pcs, rnd),
                        mother_pcs=_pick(pcs, rnd),
                        living_place=_pick(places, rnd),
                        conclusion=conclusion,
                        conclusion_on=file.closed_on if conclusion else None,
                        search_name=normalise_name(f"{last} {first}"),
                    )
                )
        chosen = [
            rnd.sample(dangers, k=min(len(dangers), rnd.choice([1, 1, 2]))) for _c in children
        ]
        # each child's deadline by the rule (memoised: few distinct combinations), the
        # file's the earliest of its children without a conclusion
        running = {}
        for child, picked in zip(children, chosen, strict=True):
            received_day = timezone.localtime(child.file.received_at).date()
            under_two = deadlines.age_in_months(child.birth_date, received_day) < 24
            key = (
                received_day,
                under_two,
                tuple(sorted(d.evaluation_days for d in picked if d.evaluation_days)),
                child.file.serious_danger,
            )
            if key not in due_cache:
                due_cache[key] = deadlines.evaluation_due(
                    received_day,
                    [received_day] if under_two else [],
                    key[2],
                    serious=key[3],
                )
            child.evaluation_due = due_cache[key]
            if child.conclusion is None:
                running.setdefault(id(child.file), []).append(child.evaluation_due)
        for file in files:
            file.evaluation_due = min(running.get(id(file), ()), default=None)
        File.objects.bulk_create(files)
        Child.objects.bulk_create(children)
        through = Child.danger_types.through
        links = []
        for child, picked in zip(children, chosen, strict=True):
            for d in picked:
                links.append(through(child_id=child.pk, dangertype_id=d.pk))
        through.objects.bulk_create(links, ignore_conflicts=True)
        n_children += len(children)
    return n_children
