"""Routes of the events module (namespace "events"), one file per area: front office
(public pages and the participants' area), back office, API. The areas never share a path
prefix (evenements/ and espace/, backoffice/, api/), so the order between them does not
change how a URL resolves."""

from django.urls import include, path

from .api import urls as api_urls
from .backoffice import urls as backoffice_urls
from .frontoffice import urls as frontoffice_urls

app_name = "events"
urlpatterns = [
    path("", include(frontoffice_urls)),
    path("", include(backoffice_urls)),
    path("", include(api_urls)),
]
