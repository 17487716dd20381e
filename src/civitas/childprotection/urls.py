"""Routes of the child protection module (namespace "childprotection"): back office only."""

from django.urls import include, path

from .backoffice import urls as backoffice_urls

app_name = "childprotection"
urlpatterns = [path("", include(backoffice_urls))]
