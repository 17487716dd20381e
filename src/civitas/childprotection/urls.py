"""Routes of the child protection module (namespace "childprotection"): back office and
read-only API."""

from django.urls import include, path

from .api import urls as api_urls
from .backoffice import urls as backoffice_urls

app_name = "childprotection"
urlpatterns = [path("", include(backoffice_urls)), path("", include(api_urls))]
