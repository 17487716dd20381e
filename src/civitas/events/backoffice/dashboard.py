"""Back office: the event dashboard (services/dashboard.py)."""

from django.shortcuts import render
from django.urls import path

from civitas.core.permissions import scoped_permission_required

from ..models import Event
from ..services import dashboard as svc


@scoped_permission_required("events.view_registrations", Event)
def dashboard(request, pk):
    event = request.event
    return render(
        request,
        "events/dashboard/page.html",
        {"event": event, "d": svc.summary(event, request.user)},
    )


urlpatterns = [
    path("backoffice/evenements/<id:pk>/tableau-de-bord/", dashboard, name="bo_dashboard"),
]
