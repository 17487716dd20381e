"""The public home page shows "My sittings" to a signed-in official who received some."""


def my_sittings_context(request):
    from .models import Delivery

    user = getattr(request, "user", None)
    if not user or not user.is_authenticated or not user.email:
        return None
    if not Delivery.objects.filter(official__email__iexact=user.email).exists():
        return None
    return {}


def register():
    from civitas.core import home

    home.register_section(
        "councils.my_sittings",
        "councils/frontoffice/home_section.html",
        my_sittings_context,
        order=150,
    )
