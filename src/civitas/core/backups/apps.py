from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "civitas.core.backups"
    label = "backups"
    default_auto_field = "django.db.models.BigAutoField"
