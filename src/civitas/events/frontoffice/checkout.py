"""The participant's checkout: audience, basket (remove or restore an item), promo code,
totals before and after VAT, payment method, invoices."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from civitas.core.billing import providers
from civitas.core.permissions import login_required
from civitas.core.sites import absolute_url

from ..models import PriceCategory
from ..services import checkout
from .views import _me, _not_registered


class AudienceForm(forms.Form):
    category = forms.ModelChoiceField(
        label=gettext_lazy("You register as"), queryset=PriceCategory.objects.none()
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        # Internal audiences are set by the organiser, never chosen by the buyer.
        self.fields["category"].queryset = PriceCategory.objects.filter(
            event=event, is_internal=False
        )


class PromoForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Promo code"), max_length=40)


@login_required
def area_checkout(request, slug):
    event, me = _me(request, slug)
    if me is None:
        return _not_registered(request, event)
    company = me.company
    order = getattr(company, "order", None)
    conf = checkout.settings_of(event)
    audience = AudienceForm(
        request.POST if request.POST.get("action") == "audience" else None,
        event=event,
        initial={"category": order.category_id if order else None},
    )
    promo = PromoForm(request.POST if request.POST.get("action") == "promo" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "audience" and audience.is_valid():
                if order is None or order.status == order.Status.OPEN:
                    order = checkout.open_order(
                        company, audience.cleaned_data["category"], language=get_language()
                    )
                    return redirect("events:area_checkout", slug=slug)
            elif order is not None and action == "promo" and promo.is_valid():
                checkout.apply_promo(order, promo.cleaned_data["code"])
                messages.success(request, _("The promo code is applied."))
                return redirect("events:area_checkout", slug=slug)
            elif order is not None and action == "remove":
                checkout.remove_line(order, request.POST.get("code", ""))
                return redirect("events:area_checkout", slug=slug)
            elif order is not None and action == "restore":
                checkout.restore_line(order, request.POST.get("code", ""))
                return redirect("events:area_checkout", slug=slug)
            elif order is not None and action == "pay":
                start = checkout.pay(
                    order,
                    request.POST.get("provider", ""),
                    return_url=absolute_url("events:area_checkout", slug=slug),
                )
                if start.redirect_url:
                    return redirect(start.redirect_url)
                if start.instructions:
                    messages.info(request, start.instructions)
                return redirect("events:area_checkout", slug=slug)
        except checkout.CheckoutError as exc:
            if action == "promo":
                promo.add_error("code", str(exc))
            else:
                messages.error(request, str(exc))
        except providers.ProviderDown:
            messages.error(
                request,
                _(
                    "The payment service does not answer. Your order is kept, unpaid: "
                    "try again in a few minutes or choose another method."
                ),
            )
    context = {
        "event": event,
        "me": me,
        "company": company,
        "order": order,
        "audience": audience,
        "promo": promo,
    }
    if order is not None:
        if order.status in (order.Status.OPEN, order.Status.VAT_PENDING):
            checkout.ensure_vat_check(order)  # the VAT number may have been corrected
            order = checkout.refresh_totals(order)
        decision, totals = checkout.totals(order)
        removable = [line for line in checkout.all_lines(order) if line.code in order.removed]
        context.update(
            order=order,
            decision=decision,
            totals=totals,
            removed=removable,
            methods=[(c, providers.get(c).label) for c in (conf.providers if conf else [])],
            invoices=checkout.order_invoices(order),
        )
    return render(request, "events/area/checkout.html", context)
