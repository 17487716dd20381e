"""Routes of the support module: the customers' portal (support/) and the agents' back
office (backoffice/support/)."""

from django.urls import include, path

from .backoffice import urls as backoffice_urls
from .frontoffice import urls as frontoffice_urls

app_name = "support"
urlpatterns = [
    path("", include(frontoffice_urls)),
    path("", include(backoffice_urls)),
]
