"""Which events the public sees: the one rule used by the home page and the event list."""

from django.utils import timezone

from civitas.events.models import Event


def public_events(today=None):
    """Published events still to come or under way, soonest first."""
    today = today or timezone.localdate()
    return Event.objects.filter(is_published=True, end_date__gte=today).order_by(
        "start_date", "name"
    )


def past_events(today=None):
    today = today or timezone.localdate()
    return Event.objects.filter(is_published=True, end_date__lt=today).order_by("-start_date")


def home_section(request):
    """Context of the home page's events section; None (hidden) when no event is coming."""
    events = list(public_events())
    if not events:
        return None
    now = timezone.now()
    return {"events": [(e, e.registration_is_open(now)) for e in events]}
