from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("backoffice/documents/", views.template_list, name="template_list"),
    path("backoffice/documents/nouveau/", views.template_upload, name="template_upload"),
    path("backoffice/documents/champs/", views.kind_fields, name="kind_fields"),
    path("backoffice/documents/<id:pk>/", views.template_detail, name="template_detail"),
    path("backoffice/documents/<id:pk>/generer/", views.generate, name="generate"),
    path(
        "backoffice/documents/<id:pk>/telecharger/",
        views.template_download,
        name="template_download",
    ),
    path("backoffice/documents/<id:pk>/supprimer/", views.template_delete, name="template_delete"),
    path(
        "backoffice/documents/essai-impression/<slug:sample>.pdf",
        views.print_test,
        name="print_test",
    ),
]
