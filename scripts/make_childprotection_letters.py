"""Build the 10 shipped Word letters of child protection with python-docx.

    .venv/bin/python scripts/make_childprotection_letters.py

Writes src/civitas/childprotection/letters/<code>.docx. Merge fields are docxtpl/Jinja
placeholders ({{ file_number }}...), each kept in one run so Word editing keeps them whole.
"""

from pathlib import Path

from docx import Document
from docx.shared import Pt

OUT = Path(__file__).resolve().parent.parent / "src" / "civitas" / "childprotection" / "letters"

HEAD = (
    "{{ organisation_name }}\nDirection de l'enfance et de la famille\n"
    "Cellule de recueil des informations préoccupantes"
)
REF = "Dossier {{ file_number }} — information reçue le {{ received_date }} — {{ territory }}"

BODIES = {
    "accuse_reception": (
        "{{ reporter }}",
        "Objet : accusé de réception de votre information",
        [
            "Nous accusons réception de l'information que vous nous avez transmise le "
            "{{ received_date }} concernant {{ children }}.",
            "Elle est enregistrée sous le numéro {{ file_number }} et fait l'objet d'un "
            "traitement par la cellule de recueil des informations préoccupantes.",
            "Si vous n'êtes pas un professionnel, vous pouvez demander à être informé des "
            "suites données (article D226-2-8 du code de l'action sociale et des familles).",
        ],
    ),
    "information_parents": (
        "Aux parents de {{ children }}",
        "Objet : information préoccupante concernant votre enfant",
        [
            "Conformément à l'article L226-2-1 du code de l'action sociale et des familles, "
            "nous vous informons qu'une information préoccupante concernant {{ children }} "
            "a été reçue le {{ received_date }}.",
            "Une évaluation de la situation sera conduite par nos services. Vous serez "
            "contactés prochainement.",
        ],
    ),
    "transmission_service": (
        "{{ services }}",
        "Objet : transmission d'une information préoccupante",
        [
            "Nous vous transmettons le dossier {{ file_number }} concernant {{ children }} "
            "pour la suite à donner : {{ tasks }}.",
        ],
    ),
    "demande_evaluation": (
        "{{ services }}",
        "Objet : demande d'évaluation",
        [
            "Nous vous demandons de procéder à l'évaluation de la situation de "
            "{{ children }} (dossier {{ file_number }}).",
            "Le rapport d'évaluation est attendu au plus tard le {{ evaluation_due }} "
            "(article D226-2-4 du code de l'action sociale et des familles).",
        ],
    ),
    "signalement_parquet": (
        "Monsieur ou Madame le Procureur de la République",
        "Objet : signalement (article L226-4 du code de l'action sociale et des familles)",
        [
            "J'ai l'honneur de porter à votre connaissance la situation de {{ children }}, "
            "domicilié(s) à {{ commune }}.",
            "Motifs de danger : {{ dangers }}.",
            "{% if serious_danger %}La situation présente un danger grave et immédiat.{% endif %}",
        ],
    ),
    "notification_evaluation": (
        "Aux parents de {{ children }}",
        "Objet : issue de l'évaluation",
        [
            "L'évaluation de la situation de {{ children }} est terminée.",
            "Conclusion : {{ conclusions }}.",
        ],
    ),
    "cloture": (
        "Aux parents de {{ children }}",
        "Objet : clôture du dossier",
        ["Le dossier {{ file_number }} est clos à la date du {{ today }}."],
    ),
    "reponse_d226_2_8": (
        "{{ reporter }}",
        "Objet : suites données à votre information (article D226-2-8)",
        [
            "Vous nous avez demandé quelles suites ont été données à l'information que "
            "vous nous avez transmise le {{ received_date }}.",
            "Nous vous informons que votre information a été traitée par nos services.",
        ],
    ),
    "transmission_departement": (
        "Cellule de recueil des informations préoccupantes du département concerné",
        "Objet : transmission d'une information préoccupante (changement de domicile)",
        [
            "La famille de {{ children }} réside désormais dans votre département. Nous vous "
            "transmettons les éléments du dossier {{ file_number }} (article L221-3).",
        ],
    ),
    "convocation_famille": (
        "Aux parents de {{ children }}",
        "Objet : convocation",
        [
            "Dans le cadre de l'évaluation de la situation de {{ children }}, nous vous "
            "invitons à un entretien dans nos locaux. Merci de prendre contact avec le "
            "service pour convenir d'un rendez-vous.",
        ],
    ),
}


def build(code):
    recipient, subject, paragraphs = BODIES[code]
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    for line in HEAD.split("\n"):
        doc.add_paragraph(line)
    doc.add_paragraph(REF)
    doc.add_paragraph("Le {{ today }}")
    doc.add_paragraph(recipient)
    p = doc.add_paragraph()
    p.add_run(subject).bold = True
    for text in ["Madame, Monsieur,", *paragraphs]:
        doc.add_paragraph(text)
    doc.add_paragraph(
        "Je vous prie d'agréer, Madame, Monsieur, l'expression de mes salutations distinguées."
    )
    doc.add_paragraph("Pour le président du conseil départemental")
    doc.core_properties.author = "Civitas"
    doc.save(OUT / f"{code}.docx")


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for code in BODIES:
        build(code)
    print(f"{len(BODIES)} letters written to {OUT}")
