from django.urls import path

from . import views

urlpatterns = [
    path("support/", views.portal, name="portal"),
    path("support/demandes/nouvelle/", views.ticket_new, name="ticket_new"),
    path("support/demandes/<id:pk>/", views.ticket, name="ticket"),
    path("support/faq/", views.faq, name="faq"),
    path("support/versions/", views.releases, name="releases"),
    path("support/versions/<id:pk>/", views.version, name="version"),
    path("support/versions/<id:pk>/pdf/", views.version_pdf, name="version_pdf"),
    path("support/feuille-de-route/", views.roadmap, name="roadmap"),
    path("support/utilisateurs/", views.users, name="users"),
    path("support/satisfaction/<str:token>/", views.satisfaction, name="satisfaction"),
    path("support/confidentialite/", views.privacy_ack, name="privacy_ack"),
]
