from django.conf import settings
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from civitas.core.api import MeView
from civitas.core.permissions import public
from civitas.core.views import public as core_public

handler403 = "civitas.core.views.public.error_403"
handler404 = "civitas.core.views.public.error_404"
handler500 = "civitas.core.views.public.error_500"

urlpatterns = [
    path("health", core_public.health, name="health"),
    path("metrics", core_public.metrics_view, name="metrics"),
    path("i18n/setlang/", core_public.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("", include("civitas.core.urls")),
    path("", include("civitas.core.outbox.urls")),
    path("", include("civitas.core.exports.urls")),
    path("", include("civitas.core.documents.urls")),
    path("", include("civitas.core.gdpr.urls")),
    path("", include("civitas.core.backups.urls")),
    path("", include("civitas.core.billing.urls")),
    path("api/schema/", public(SpectacularAPIView.as_view()), name="api_schema"),
    path("api/v1/me/", MeView.as_view(), name="api_me"),
]
for module in settings.CIVITAS_MODULES:
    urlpatterns.append(path("", include(f"civitas.{module}.urls")))
urlpatterns += [
    # Every login goes through allauth and its second factor (issue 31): Wagtail's login
    # and password-reset pages are replaced by redirections before Wagtail's own routes.
    path("cms/login/", core_public.login_elsewhere, name="cms_login"),
    re_path(r"^cms/password_reset/", core_public.password_reset_elsewhere),
    path("_util/login/", core_public.login_elsewhere, name="cms_frontend_login"),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include(wagtail_urls)),
]
