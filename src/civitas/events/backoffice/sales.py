"""Organiser's sales screens: payment settings, prices per audience, promo codes, orders
(mark paid, refund), amounts collected, exports (orders, invoices and credit notes,
payments) per period, and the monthly DES statement (EU buyers under reverse charge)."""

import csv
import datetime as dt

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from civitas.core import journal
from civitas.core.billing import providers
from civitas.core.permissions import permission_required, restrict, scoped_permission_required

from ..models import Event, Order, PriceCategory, PromoCode
from ..models.pricing import EventPayment
from ..services import checkout, sales


class PaymentSettingsForm(forms.ModelForm):
    providers = forms.MultipleChoiceField(
        label=gettext_lazy("Payment methods"),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = EventPayment
        fields = [
            "seller",
            "providers",
            "store_key",
            "shop_mode",
            "reminder_days",
            "checkin_refuse_unpaid",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["providers"].choices = providers.choices()


class PriceCategoryForm(forms.ModelForm):
    class Meta:
        model = PriceCategory
        fields = [
            "name",
            "amount",
            "vat_rate",
            "early_amount",
            "early_until",
            "meeting_amount",
            "included_meetings",
            "expert_meeting_amount",
            "is_internal",
        ]
        widgets = {"early_until": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["included_meetings"].required = False

    def clean_included_meetings(self):
        return self.cleaned_data.get("included_meetings") or 0

    def clean(self):
        data = super().clean()
        if (data.get("early_amount") is None) != (data.get("early_until") is None):
            raise forms.ValidationError(
                _("Give both the early price and its last day, or neither.")
            )
        for name in ("amount", "early_amount", "meeting_amount", "expert_meeting_amount"):
            if data.get(name) is not None and data[name] < 0:
                self.add_error(name, _("A price cannot be negative."))
        return data


class PromoCodeForm(forms.ModelForm):
    class Meta:
        model = PromoCode
        fields = ["code", "kind", "value", "valid_from", "valid_until", "max_uses", "categories"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_until": forms.DateInput(attrs={"type": "date"}),
            "categories": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["categories"].queryset = PriceCategory.objects.filter(event=event)

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        if PromoCode.objects.filter(event=self.event, code__iexact=code).exists():
            raise forms.ValidationError(_("This code already exists for this event."))
        return code

    def clean(self):
        data = super().clean()
        value = data.get("value")
        if value is not None and value <= 0:
            self.add_error("value", _("The value must be above zero."))
        if data.get("kind") == PromoCode.Kind.PERCENT and value is not None and value > 100:
            self.add_error("value", _("A percentage cannot exceed 100."))
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end of validity is before its start."))
        return data


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All"))] + list(Order.Status.choices),
    )


@scoped_permission_required("events.manage_sales", Event)
def prices(request, pk):
    event = request.event
    conf = EventPayment.objects.filter(event=event).first()
    action = request.POST.get("action")
    settings_form = PaymentSettingsForm(
        request.POST if action == "settings" else None, instance=conf, prefix="settings"
    )
    category_form = PriceCategoryForm(
        request.POST if action == "category" else None, prefix="category"
    )
    promo_form = PromoCodeForm(
        request.POST if action == "promo" else None, event=event, prefix="promo"
    )
    if request.method == "POST":
        form = {"settings": settings_form, "category": category_form, "promo": promo_form}.get(
            action
        )
        if form is not None and form.is_valid():
            obj = form.save(commit=False)
            obj.event = event
            obj.save()
            form.save_m2m()
            journal.record(f"events.sales_{action}_saved", request=request, obj=obj)
            messages.success(request, _("Saved."))
            return redirect("events:bo_prices", pk=event.pk)
    return render(
        request,
        "events/backoffice/prices.html",
        {
            "event": event,
            "settings_form": settings_form,
            "category_form": category_form,
            "promo_form": promo_form,
            "categories": event.price_categories.all(),
            "promos": event.promo_codes.prefetch_related("categories"),
        },
    )


@scoped_permission_required("events.manage_sales", Event)
def orders(request, pk):
    event = request.event
    form = PeriodForm(request.GET or None)
    qs = Order.objects.filter(event=event).select_related("company", "category", "promo")
    if form.is_valid():
        qs = sales.filter_period(qs, form.cleaned_data, "created_at")
        if form.cleaned_data["status"]:
            qs = qs.filter(status=form.cleaned_data["status"])
    collected = sales.collected(event)
    return render(
        request,
        "events/backoffice/orders.html",
        {
            "event": event,
            "form": form,
            "orders": qs[:500],
            "collected": collected,
            "pending_vat": Order.objects.filter(event=event, status=Order.Status.VAT_PENDING),
            "months": sales.des_months(event),
        },
    )


@scoped_permission_required("events.manage_sales", Event)
@require_POST
def order_action(request, pk, order_pk):
    event = request.event
    order = get_object_or_404(Order, pk=order_pk, event=event)
    action = request.POST.get("action")
    try:
        if action == "mark_paid":
            checkout.mark_paid(order, user=request.user, request=request)
            messages.success(request, _("The order is marked paid; its invoice is issued."))
        elif action == "refund":
            reason = request.POST.get("reason", "").strip()[:200] or _("Refund")
            note = checkout.refund(order, user=request.user, reason=reason, request=request)
            if note is not None:
                messages.success(
                    request, _("Refund recorded: credit note %(n)s.") % {"n": note.number}
                )
            else:
                messages.success(request, _("Refund recorded."))
    except checkout.CheckoutError as exc:
        messages.error(request, str(exc))
    return redirect("events:bo_orders", pk=event.pk)


@scoped_permission_required("events.manage_sales", Event)
def export(request, pk, kind):
    """CSV exports: orders, invoices (and credit notes), payments, des (monthly statement)."""
    event = request.event
    form = PeriodForm(request.GET or None)
    period = form.cleaned_data if form.is_valid() else {}
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    writer = csv.writer(response, delimiter=";")
    if kind == "des":
        month = request.GET.get("month", "")
        try:
            year, mon = (int(x) for x in month.split("-"))
            first = dt.date(year, mon, 1)
        except ValueError:
            return HttpResponse(
                _("Give the month as YYYY-MM."), status=400, content_type="text/plain"
            )
        rows = sales.des_rows(event, first)
        for row in rows:
            writer.writerow(row)
        name = f"DES-{event.slug}-{first:%Y-%m}.csv"
    elif kind == "orders":
        writer.writerow(sales.ORDER_COLUMNS)
        writer.writerows(sales.order_rows(event, period))
        name = f"commandes-{event.slug}.csv"
    elif kind == "invoices":
        writer.writerow(sales.INVOICE_COLUMNS)
        writer.writerows(sales.invoice_rows(event, period))
        name = f"factures-{event.slug}.csv"
    elif kind == "payments":
        writer.writerow(sales.PAYMENT_COLUMNS)
        writer.writerows(sales.payment_rows(event, period))
        name = f"paiements-{event.slug}.csv"
    else:
        return HttpResponse(_("Unknown export."), status=404, content_type="text/plain")
    journal.record("events.sales_exported", request=request, obj=event, details={"kind": kind})
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class SellerPeriodForm(forms.Form):
    start = PeriodForm.base_fields["start"]
    end = PeriodForm.base_fields["end"]


@permission_required("events.manage_sales")
def sales_by_seller(request):
    """Sales per selling establishment across the events the reader manages the sales of
    (scope filter), for a period of issue; `?format=csv` gives the same rows as CSV."""
    form = SellerPeriodForm(request.GET or None)
    period = form.cleaned_data if form.is_valid() else {}
    events = restrict(Event.objects.all(), request.user, "events.manage_sales")
    rows = sales.per_seller(events, period)
    if request.GET.get("format") == "csv" and not form.errors:
        journal.record(
            "events.sales_by_seller_exported",
            request=request,
            details={k: str(v) for k, v in period.items() if v},
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.writer(response, delimiter=";")
        writer.writerow(sales.SELLER_COLUMNS)
        writer.writerows(sales.seller_rows(rows))
        response["Content-Disposition"] = 'attachment; filename="ventes-par-etablissement.csv"'
        return response
    return render(
        request,
        "events/backoffice/sales_by_seller.html",
        {"form": form, "rows": rows, "totals": sales.seller_totals(rows)},
    )
