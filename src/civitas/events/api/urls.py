"""Routes of the events API, included by civitas.events.urls (namespace "events")."""

from django.urls import path

from . import views

urlpatterns = [
    path("api/v1/events/", views.EventListView.as_view(), name="api_events"),
    path("api/v1/events/crm/", views.CrmEventListView.as_view(), name="api_crm_events"),
    path("api/v1/events/<slug:slug>/", views.EventDetailView.as_view(), name="api_event"),
    path(
        "api/v1/events/<slug:slug>/catalogue/",
        views.CatalogueView.as_view(),
        name="api_catalogue",
    ),
    path(
        "api/v1/events/<slug:slug>/companies/",
        views.CrmCompanyListView.as_view(),
        name="api_companies",
    ),
    path(
        "api/v1/events/<slug:slug>/contacts/",
        views.CrmContactListView.as_view(),
        name="api_contacts",
    ),
    path(
        "api/v1/events/<slug:slug>/meetings/",
        views.CrmMeetingListView.as_view(),
        name="api_meetings",
    ),
    path(
        "api/v1/events/<slug:slug>/companies/<id:pk>/",
        views.CrmCompanyDetailView.as_view(),
        name="api_company",
    ),
    path(
        "api/v1/events/<slug:slug>/contacts/<id:pk>/",
        views.CrmContactDetailView.as_view(),
        name="api_contact",
    ),
    path(
        "api/v1/events/<slug:slug>/meetings/<id:pk>/",
        views.CrmMeetingDetailView.as_view(),
        name="api_meeting",
    ),
    path(
        "api/v1/events/<slug:slug>/requests/",
        views.CrmRequestListView.as_view(),
        name="api_requests",
    ),
    path(
        "api/v1/events/<slug:slug>/attendance/",
        views.CrmAttendanceView.as_view(),
        name="api_attendance",
    ),
    path(
        "api/v1/events/<slug:slug>/deletions/",
        views.CrmDeletionListView.as_view(),
        name="api_deletions",
    ),
]
