"""Model change trail (django-auditlog). Modules register their business models here too."""

from auditlog.registry import auditlog


def register_models():
    from .models import Organisation, Role, RoleAssignment, Unit, User

    auditlog.register(Organisation)
    auditlog.register(Unit)
    auditlog.register(Role)
    auditlog.register(RoleAssignment)
    auditlog.register(User, exclude_fields=["password", "last_login"], mask_fields=[])
