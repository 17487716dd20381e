from django.urls import path

from . import views

app_name = "billing"

urlpatterns = [
    path("paiement/notification/<str:provider>/", views.notify, name="notify"),
    path("paiement/retour/<str:token>/", views.payment_return, name="return"),
    path("paiement/demo/<str:token>/", views.demo_pay, name="demo_pay"),
    path("facture/<str:token>.pdf", views.invoice_pdf, name="invoice_pdf"),
    path("backoffice/billing/invoices/", views.invoice_list, name="invoices"),
    path(
        "backoffice/billing/invoices/<id:pk>.pdf", views.invoice_download, name="invoice_download"
    ),
    path("backoffice/billing/payments/", views.payment_list, name="payments"),
    path(
        "backoffice/billing/payments/<id:pk>/mark-paid/",
        views.payment_mark_paid,
        name="payment_mark_paid",
    ),
    path("backoffice/billing/payments/reconcile/", views.payment_reconcile, name="reconcile"),
    path("backoffice/billing/sellers/", views.seller_list, name="sellers"),
    path("backoffice/billing/sellers/new/", views.seller_edit, name="seller_new"),
    path("backoffice/billing/sellers/<id:pk>/", views.seller_edit, name="seller_edit"),
    path("backoffice/billing/vat-checks/", views.vat_check_list, name="vat_checks"),
    path("backoffice/billing/vat-checks/<id:pk>/", views.vat_check_detail, name="vat_check"),
]
