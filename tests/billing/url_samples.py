def url_samples():
    import datetime as dt
    from decimal import Decimal

    from civitas.core.billing import invoices, payments, vat
    from civitas.core.billing.models import Seller, VatCheck
    from civitas.events.models import Company, EventPayment, Order, PriceCategory
    from civitas.events.services import setup

    seller = Seller.objects.create(
        name="CCI Matrix",
        siret="13000293900015",
        address="1 place",
        postcode="75002",
        city="Paris",
    )
    buyer = vat.Buyer("Matrix SA", "FR")
    invoice = invoices.issue(
        seller,
        buyer,
        [invoices.Line("Inscription", Decimal("10"))],
        vat.decide(buyer),
        source="matrix:1",
    )
    demo = payments.create(payable="matrix:1", amount=Decimal("12"), provider="demo")
    check = VatCheck.objects.create(vat_number="DE136695976", country="DE", status="pending")
    event = setup.create_event(
        name="Sales matrix",
        slug="matrix-sales",
        start_date=dt.date(2027, 3, 10),
        end_date=dt.date(2027, 3, 10),
        is_published=True,
    )
    EventPayment.objects.create(event=event, seller=seller, providers=["demo"])
    category = PriceCategory.objects.create(event=event, name="Entreprise", amount=Decimal("100"))
    company = Company.objects.create(event=event, name="Buyer SA", country="FR")
    order = Order.objects.create(event=event, company=company, category=category)
    return {
        "billing:notify": {"provider": "demo"},
        "billing:return": {"token": demo.token},
        "billing:demo_pay": {"token": demo.token},
        "billing:invoice_pdf": {"token": invoice.access_token},
        "billing:invoice_download": {"pk": invoice.pk},
        "billing:payment_mark_paid": {"pk": demo.pk},
        "billing:vat_check": {"pk": check.pk},
        "billing:seller_edit": {"pk": seller.pk},
        "events:area_checkout": {"slug": event.slug},
        "events:bo_prices": {"pk": event.pk},
        "events:bo_orders": {"pk": event.pk},
        "events:bo_order_action": {"pk": event.pk, "order_pk": order.pk},
        "events:bo_sales_export": {"pk": event.pk, "kind": "orders"},
    }
