"""No two URL patterns share one route: the second would never be reached (a Word mail-merge
page once took the address of the e-mail mailings' list, and only the mailing tests noticed)."""

from collections import Counter

from django.urls import URLPattern, URLResolver, get_resolver


def routes(resolver, prefix=""):
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from routes(p, route)
        elif isinstance(p, URLPattern):
            yield route


# Declared on purpose before Wagtail's own: every login goes through allauth and its MFA.
OVERRIDES = {"cms/login/", "_util/login/"}


def test_every_route_is_declared_once():
    counts = Counter(routes(get_resolver()))
    assert [r for r, n in counts.items() if n > 1 and r not in OVERRIDES] == []
