from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "civitas.cms"
    label = "cms"
    verbose_name = _("Public site")
    default_auto_field = "django.db.models.BigAutoField"
