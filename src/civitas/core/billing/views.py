"""Billing screens: provider callbacks and return page, demo payment page, invoice PDF by
its secret link; back office: invoices, payments (mark paid, CSV reconciliation), VAT
checks."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from civitas.core import journal
from civitas.core.permissions import permission_required, public

from . import payments, pdf, providers, vat
from .models import Invoice, Payment, PaymentNotice, Seller, VatCheck


def _page(request, qs, per_page=50):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


# --- Public: providers and payers ---------------------------------------------------------


@public
@csrf_exempt
@require_POST
def notify(request, provider):
    """Server-to-server notification of a provider. 200 applied or already known, 400 not
    verified, 404 unknown payment: journaled in every case."""
    try:
        providers.get(provider)
    except LookupError:
        return HttpResponseNotFound("unknown provider")
    verdict = payments.receive(provider, request)
    if verdict in (PaymentNotice.Verdict.APPLIED, PaymentNotice.Verdict.UNCHANGED):
        return HttpResponse("OK", content_type="text/plain")
    if verdict == PaymentNotice.Verdict.UNKNOWN:
        return HttpResponseNotFound("unknown payment")
    if verdict == PaymentNotice.Verdict.ERROR:
        return HttpResponse("provider error", status=503, content_type="text/plain")
    return HttpResponseBadRequest("refused")


@public
def payment_return(request, token):
    """Where the provider sends the payer back: read the result (never trust the URL),
    then go to the module's page."""
    payment = get_object_or_404(Payment, token=token)
    payments.refresh(payment)
    payment.refresh_from_db()
    if payment.return_url:
        return redirect(payment.return_url)
    return render(request, "billing/pay/return.html", {"payment": payment})


@public
def demo_pay(request, token):
    payment = get_object_or_404(Payment, token=token, provider="demo")
    if request.method == "POST" and payment.state == Payment.State.PENDING:
        outcome = "paid" if request.POST.get("outcome") == "paid" else "refused"
        payments.apply(
            providers.Notice(payment.reference, outcome, transaction_id=f"demo-{payment.pk}"),
            provider="demo",
            settled_by="demo page",
        )
        return redirect("billing:return", token=payment.token)
    return render(request, "billing/pay/demo.html", {"payment": payment})


@public
def invoice_pdf(request, token):
    """The buyer's copy, by the secret link given on their order page."""
    invoice = get_object_or_404(Invoice, access_token=token)
    return _pdf_response(invoice)


def _pdf_response(invoice, facturx=False):
    response = HttpResponse(
        pdf.render_pdf(invoice, facturx=facturx), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{invoice.number}.pdf"'
    return response


# --- Back office ---------------------------------------------------------------------------


@permission_required("billing.view_billing")
def invoice_list(request):
    qs = Invoice.objects.select_related("refers_to")
    kind = request.GET.get("kind")
    if kind in Invoice.Kind.values:
        qs = qs.filter(kind=kind)
    return render(request, "billing/backoffice/invoices.html", {"page": _page(request, qs)})


@permission_required("billing.view_billing")
def invoice_download(request, pk):
    invoice = get_object_or_404(Invoice, pk=pk)
    journal.record("billing.invoice_downloaded", request=request, obj=invoice)
    return _pdf_response(invoice, facturx=request.GET.get("facturx") == "1")


class ReconcileForm(forms.Form):
    statement = forms.FileField(
        label=gettext_lazy("Bank statement (CSV)"),
        help_text=gettext_lazy("Columns: an amount (montant) and a label (libellé)."),
    )


@permission_required("billing.view_billing")
def payment_list(request):
    qs = Payment.objects.all()
    state = request.GET.get("state")
    if state in Payment.State.values:
        qs = qs.filter(state=state)
    return render(
        request,
        "billing/backoffice/payments.html",
        {
            "page": _page(request, qs),
            "form": ReconcileForm(),
            "notices": PaymentNotice.objects.exclude(verdict=PaymentNotice.Verdict.APPLIED)[:20],
        },
    )


@permission_required("billing.manage_billing")
@require_POST
def payment_mark_paid(request, pk):
    payment = get_object_or_404(Payment, pk=pk)
    verdict = payments.mark_paid(payment, user=request.user, request=request)
    if verdict == PaymentNotice.Verdict.APPLIED:
        messages.success(request, _("Payment %(ref)s marked paid.") % {"ref": payment.reference})
    else:
        messages.info(
            request, _("Payment %(ref)s was already settled.") % {"ref": payment.reference}
        )
    return redirect("billing:payments")


@permission_required("billing.manage_billing")
def payment_reconcile(request):
    form = ReconcileForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        raw = form.cleaned_data["statement"].read(2_000_000)
        text = raw.decode("utf-8-sig", "replace")
        try:
            result = payments.reconcile_csv(text, user=request.user, request=request)
        except (payments.PaymentError, Exception) as exc:  # unreadable CSV: say so
            form.add_error("statement", _("This file cannot be read: %(e)s") % {"e": exc})
    return render(request, "billing/backoffice/reconcile.html", {"form": form, "result": result})


@permission_required("billing.view_billing")
def vat_check_list(request):
    qs = VatCheck.objects.all()
    if request.GET.get("status") in VatCheck.Status.values:
        qs = qs.filter(status=request.GET["status"])
    return render(request, "billing/backoffice/vat_checks.html", {"page": _page(request, qs)})


@permission_required("billing.view_billing")
def vat_check_detail(request, pk):
    check = get_object_or_404(VatCheck, pk=pk)
    return render(request, "billing/backoffice/vat_check.html", {"check": check})


class SellerForm(forms.ModelForm):
    class Meta:
        model = Seller
        fields = [
            "name",
            "legal_form",
            "siret",
            "vat_number",
            "address",
            "postcode",
            "city",
            "country",
            "email",
            "iban",
            "bic",
            "invoice_prefix",
            "credit_note_prefix",
            "payment_days",
            "late_penalty_rate",
        ]

    def clean_siret(self):
        from stdnum.fr import siret

        value = self.cleaned_data["siret"].replace(" ", "")
        if not siret.is_valid(value):
            raise forms.ValidationError(_("This SIRET is not valid (14 digits, check digit)."))
        return value

    def clean_vat_number(self):
        value = self.cleaned_data["vat_number"]
        if not value:
            return value
        try:
            return vat.check_format(value, self.cleaned_data.get("country") or "FR")
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


@permission_required("billing.manage_billing")
def seller_list(request):
    return render(request, "billing/backoffice/sellers.html", {"sellers": Seller.objects.all()})


@permission_required("billing.manage_billing")
def seller_edit(request, pk=None):
    seller = get_object_or_404(Seller, pk=pk) if pk else None
    form = SellerForm(request.POST or None, instance=seller)
    if request.method == "POST" and form.is_valid():
        seller = form.save()
        journal.record("billing.seller_saved", request=request, obj=seller)
        messages.success(request, _("Saved."))
        return redirect("billing:sellers")
    return render(request, "billing/backoffice/seller_form.html", {"form": form, "seller": seller})
