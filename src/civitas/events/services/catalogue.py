"""The public catalogue's selection and search, shared by the front office and the API.

On PostgreSQL the words are searched with French full-text search: accent-insensitive
(unaccent) and stemmed ("exportations" finds "exportation"), each word also as a prefix,
ranked (the company name weighs more than the rest of the profile and the offers). The
`french_unaccent` configuration, the stored `events_company.search_vector` column (kept up
to date by a trigger from `name` and `Company.search_text`, itself maintained by
services.registration.refresh_search_text) and its GIN index come from migration
0009_catalogue_search, on PostgreSQL only.
Elsewhere (SQLite, the embedded default) every word must appear in the normalised text.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models.expressions import RawSQL

from ..models import Company
from .registration import normalise

SEARCH_CONFIG = "french_unaccent"


def search_vector():
    """The stored vector (a PostgreSQL-only column, written by its trigger, not a field)."""
    return RawSQL('"events_company"."search_vector"', [], output_field=SearchVectorField())


def words(q: str) -> list[str]:
    """Letters and digits only: nothing of the tsquery syntax gets through."""
    return re.findall(r"[^\W_]+", normalise(q or ""))


def full_text() -> bool:
    return connection.vendor == "postgresql"


def public_companies(event, q: str = "", sector: str = ""):
    """Validated companies of the event matching every word of `q` (over names,
    descriptions, offers, keywords and key figures): by relevance when searching on
    PostgreSQL, otherwise by name."""
    qs = Company.objects.filter(event=event, status=Company.Status.VALIDATED)
    if str(sector).isdigit():
        qs = qs.filter(sector_id=int(sector))
    if full_text() and words(q):
        terms = words(q)
        query = SearchQuery(
            " & ".join(f"{w}:*" for w in terms), search_type="raw", config=SEARCH_CONFIG
        )
        vector = search_vector()
        return (
            qs.alias(search=vector)
            .filter(search=query)
            .annotate(rank=SearchRank(vector, query))
            .order_by("-rank", "name", "pk")
        )
    for word in normalise(q or "").split():
        qs = qs.filter(search_text__contains=word)
    return qs.order_by("name", "pk")
