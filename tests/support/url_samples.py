"""Sample URL arguments for tests/core/test_url_matrix.py."""


def url_samples():
    from civitas.core.models import Unit
    from civitas.support.models import Product, SlaTable, Structure, SupportCalendar
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
    return {
        "support:ticket": {"pk": ticket.pk},
        "support:bo_ticket": {"pk": ticket.pk},
        "support:bo_structure": {"pk": structure.pk},
    }
