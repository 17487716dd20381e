from django.urls import path

from . import views

app_name = "backups"
urlpatterns = [
    path("backoffice/sauvegardes/", views.backup_list, name="list"),
    path("backoffice/sauvegardes/lancer/", views.backup_run, name="run"),
    path("backoffice/rapport-de-service/", views.service_report, name="report"),
    path("backoffice/rapport-de-service/csv/", views.service_report_csv, name="report_csv"),
]
