"""The public catalogue's selection and search, shared by the front office and the API."""

from ..models import Company
from .registration import normalise


def public_companies(event, q: str = "", sector: str = ""):
    """Validated companies of the event matching every word of `q` (accent- and
    case-insensitive, over names, descriptions, offers, keywords and key figures)."""
    qs = Company.objects.filter(event=event, status=Company.Status.VALIDATED)
    for word in normalise(q or "").split():
        qs = qs.filter(search_text__contains=word)
    if str(sector).isdigit():
        qs = qs.filter(sector_id=int(sector))
    return qs
