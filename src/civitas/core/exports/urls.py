from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("backoffice/exports/telecharger/", views.export, name="export"),
    path("backoffice/exports/planifies/", views.schedules, name="schedules"),
    path("backoffice/exports/planifies/nouveau/", views.schedule_create, name="schedule_create"),
    path(
        "backoffice/exports/planifies/<id:pk>/supprimer/",
        views.schedule_delete,
        name="schedule_delete",
    ),
    path("backoffice/exports/planifies/<id:pk>/executer/", views.schedule_run, name="schedule_run"),
    path("backoffice/imports/", views.imports, name="imports"),
    path("backoffice/imports/nouveau/", views.import_upload, name="import_upload"),
    path("backoffice/imports/<uuid:pk>/", views.import_batch, name="import_batch"),
    path("backoffice/imports/<uuid:pk>/valider/", views.import_commit, name="import_commit"),
    path("backoffice/imports/<uuid:pk>/annuler/", views.import_cancel, name="import_cancel"),
]
