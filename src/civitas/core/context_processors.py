from django.conf import settings

from .permissions import is_backoffice_user


def civitas(request):
    user = getattr(request, "user", None)
    return {
        "civitas_modules": settings.CIVITAS_MODULES,
        "is_backoffice_user": bool(user and is_backoffice_user(user)),
    }
