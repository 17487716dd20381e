from django.urls import path

from . import views

urlpatterns = [
    path("support/", views.portal, name="portal"),
    path("support/demandes/nouvelle/", views.ticket_new, name="ticket_new"),
    path("support/demandes/<id:pk>/", views.ticket, name="ticket"),
]
