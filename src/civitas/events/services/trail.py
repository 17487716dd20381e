"""The change trail of event data (who changed what, when), read from core's audit kit."""

from __future__ import annotations

from civitas.core import audit

from ..models import Company, Offer, Representative


def registration_trail(company: Company):
    """Entries about a registration: the company, its representatives and its offers,
    including the representatives and offers deleted since. Newest first."""
    objects: list = [company]
    for model in (Representative, Offer):
        current = set(model.objects.filter(company=company).values_list("pk", flat=True))
        pks = {str(pk) for pk in current} | audit.linked_pks(model, "company", company.pk)
        objects += [(model, pk) for pk in pks]
    return audit.trail(objects)
