"""Sample data for the print test pages (back office) and the tests."""

from django.utils.translation import gettext as _

SAMPLES = {
    "a4": "documents/pdf/samples/letter.html",
    "badge": "documents/pdf/samples/badge.html",
    "labels": "documents/pdf/samples/labels.html",
}

_NAMES = [
    "Élise Marchand",
    "Jean-Baptiste Lefèvre",
    "Amélie Nguyễn",
    "Karim Benali",
    "Søren Østergaard",
    "Chloé Dupont-Moreau",
]


def context(kind: str, count: int | None = None) -> dict:
    if kind == "a4":
        n = 60 if count is None else count
        return {
            "title": _("Print test page"),
            "rows": [(i, f"{_('Sample line')} {i} — {_NAMES[i % len(_NAMES)]}") for i in range(n)],
        }
    if kind == "badge":
        n = 2 if count is None else count
        return {
            "records": [
                {
                    "name": _NAMES[i % len(_NAMES)],
                    "company": "Communauté d'agglomération du Val",
                    "role": _("Participant"),
                    "code": f"CIV-{i + 1:06d}",
                }
                for i in range(n)
            ]
        }
    if kind == "labels":
        n = 30 if count is None else count
        return {
            "records": [
                {
                    "name": _NAMES[i % len(_NAMES)],
                    "line1": f"{i + 1} rue de la République",
                    "line2": "Bâtiment B",
                    "city": f"{67000 + i} Strasbourg",
                }
                for i in range(n)
            ]
        }
    raise KeyError(kind)
