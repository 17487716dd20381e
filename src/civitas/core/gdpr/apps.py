from django.apps import AppConfig


class GdprConfig(AppConfig):
    name = "civitas.core.gdpr"
    label = "gdpr"
    default_auto_field = "django.db.models.BigAutoField"
