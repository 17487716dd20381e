"""Routes of the councils module (namespace "councils"): back office and officials' side."""

from django.urls import include, path

from .backoffice import urls as backoffice_urls
from .frontoffice import urls as frontoffice_urls

app_name = "councils"
urlpatterns = [
    path("", include(backoffice_urls)),
    path("", include(frontoffice_urls)),
]
