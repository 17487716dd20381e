from django.urls import path

from . import views

urlpatterns = [
    path("backoffice/support/", views.queue, name="bo_queue"),
    path("backoffice/support/tickets/<id:pk>/", views.ticket, name="bo_ticket"),
    path("backoffice/support/rapports/", views.reports_view, name="bo_reports"),
    path("backoffice/support/structures/", views.structures, name="bo_structures"),
    path("backoffice/support/structures/<id:pk>/", views.structure, name="bo_structure"),
]
