"""Routes of the child protection API, included by civitas.childprotection.urls."""

from django.urls import path

from . import views

urlpatterns = [
    path("api/v1/childprotection/files/", views.FileListView.as_view(), name="api_files"),
    path("api/v1/childprotection/files/<id:pk>/", views.FileDetailView.as_view(), name="api_file"),
    path(
        "api/v1/childprotection/files/<id:pk>/break-glass/",
        views.BreakGlassView.as_view(),
        name="api_file_break_glass",
    ),
]
