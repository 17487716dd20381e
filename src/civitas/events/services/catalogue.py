"""The public catalogue's selection and search, shared by the front office and the API.

On PostgreSQL the words are searched with French full-text search: accent-insensitive
(unaccent) and stemmed ("exportations" finds "exportation"), each word also as a prefix,
ranked (the company name weighs more than the rest of the profile and the offers). The
`french_unaccent` configuration, the stored `events_company.search_vector` column (kept up
to date by a trigger from `name` and `Company.search_text`, itself maintained by
services.registration.refresh_search_text) and its GIN index come from migration
0009_catalogue_search, on PostgreSQL only.
Elsewhere (SQLite, the embedded default) every word must appear in the normalised text.
Only the first MAX_WORDS words are searched (each word is one more condition in the
query: 1,900 of them exceed SQLite's expression depth); `search_terms` says whether some
were left out so the screens can tell.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models.expressions import RawSQL

from civitas.core.params import int_param

from ..models import Company
from .registration import normalise

SEARCH_CONFIG = "french_unaccent"


def search_vector():
    """The stored vector (a PostgreSQL-only column, written by its trigger, not a field)."""
    return RawSQL('"events_company"."search_vector"', [], output_field=SearchVectorField())


MAX_WORDS = 20


def words(q: str) -> list[str]:
    """Letters and digits only: nothing of the tsquery syntax gets through (the first
    MAX_WORDS)."""
    return re.findall(r"[^\W_]+", normalise(q or ""))[:MAX_WORDS]


def plain_words(q: str) -> list[str]:
    """The normalised words of `q` split on spaces (the first MAX_WORDS)."""
    return normalise(q or "").split()[:MAX_WORDS]


def too_many_words(q: str) -> bool:
    """True when `q` holds more words than are searched."""
    return len(normalise(q or "").split()) > MAX_WORDS


def full_text() -> bool:
    return connection.vendor == "postgresql"


def public_countries(event) -> list[tuple[str, str]]:
    """[(ISO code, name)] of the countries of the validated companies, by name: the
    catalogue's country filter offers only countries that give results."""
    from django_countries import countries

    codes = (
        Company.objects.filter(event=event, status=Company.Status.VALIDATED)
        .values_list("country", flat=True)
        .distinct()
    )
    pairs = [(c, countries.name(c) or c) for c in codes if c]
    return sorted(pairs, key=lambda p: p[1])


def public_companies(event, q: str = "", sector: int | str | None = None, country: str = ""):
    """Validated companies of the event matching every word of `q` (over names,
    descriptions, offers, keywords and key figures): by relevance when searching on
    PostgreSQL, otherwise by name. `sector` is an id (a value that is not one is ignored),
    `country` an ISO code ("" for all)."""
    qs = Company.objects.filter(event=event, status=Company.Status.VALIDATED)
    if country:
        qs = qs.filter(country=country.upper())
    sector_id = int_param(sector)
    if sector_id is not None:
        qs = qs.filter(sector_id=sector_id)
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
    for word in plain_words(q):
        qs = qs.filter(search_text__contains=word)
    return qs.order_by("name", "pk")
