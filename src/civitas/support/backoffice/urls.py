from django.urls import path

from . import configuration, views

urlpatterns = [
    path("backoffice/support/", views.queue, name="bo_queue"),
    path("backoffice/support/tickets/<id:pk>/", views.ticket, name="bo_ticket"),
    path("backoffice/support/rapports/", views.reports_view, name="bo_reports"),
    path("backoffice/support/rapports/pdf/", views.reports_pdf, name="bo_reports_pdf"),
    path("backoffice/support/structures/", views.structures, name="bo_structures"),
    path("backoffice/support/structures/<id:pk>/", views.structure, name="bo_structure"),
    path("backoffice/support/evolutions/", views.evolutions, name="bo_evolutions"),
    path("backoffice/support/versions/<id:pk>/pdf/", views.version_pdf, name="bo_version_pdf"),
    path("backoffice/support/reglages/", configuration.index, name="bo_config"),
    path(
        "backoffice/support/reglages/<slug:table>/",
        configuration.table_list,
        name="bo_config_list",
    ),
    path(
        "backoffice/support/reglages/<slug:table>/nouveau/",
        configuration.row_new,
        name="bo_config_new",
    ),
    path(
        "backoffice/support/reglages/<slug:table>/<id:pk>/",
        configuration.row_edit,
        name="bo_config_edit",
    ),
]
