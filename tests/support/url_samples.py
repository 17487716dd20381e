"""Sample URL arguments for tests/core/test_url_matrix.py."""


def url_samples():
    from civitas.core.models import Unit
    from civitas.support.models import (
        Product,
        Satisfaction,
        SlaTable,
        Structure,
        SupportCalendar,
        TimeBook,
        Version,
    )
    from civitas.support.services import tickets

    unit = Unit.objects.create(name="Support matrix")
    structure = Structure.objects.create(
        name="Matrix structure",
        unit=unit,
        calendar=SupportCalendar.objects.order_by("pk").first(),
        sla_table=SlaTable.objects.order_by("pk").first(),
    )
    product = Product.objects.create(name="Matrix product")
    ticket = tickets.open_ticket(
        structure=structure,
        requester=None,
        product=product,
        service="functional_help",
        level=2,
        subject="Matrix",
        text="Matrix",
    )
    book = TimeBook.objects.create(structure=structure, hours_bought=10, starts_on="2027-01-01")
    survey = Satisfaction.objects.create(
        ticket=ticket, token="matrix-token", asked_at=ticket.opened_at
    )
    version = Version.objects.create(product=product, number="9.9")
    return {
        "support:version": {"pk": version.pk},
        "support:version_pdf": {"pk": version.pk},
        "support:bo_version_pdf": {"pk": version.pk},
        "support:satisfaction": {"token": survey.token},
        "support:ticket": {"pk": ticket.pk},
        "support:bo_ticket": {"pk": ticket.pk},
        "support:bo_structure": {"pk": structure.pk},
        "support:bo_config_list": {"table": "tables-sla"},
        "support:bo_config_new": {"table": "calendriers"},
        "support:bo_config_edit": {"table": "carnets-de-temps", "pk": book.pk},
    }
