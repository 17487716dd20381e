from django.urls import path

from .api.urls import urlpatterns as api_urlpatterns
from .backoffice import views as bo
from .backoffice import webhooks as bo_webhooks
from .frontoffice import views as fo

app_name = "events"
urlpatterns = [
    path("evenements/", fo.event_list, name="event_list"),
    path("evenements/agenda/<str:token>.ics", fo.calendar_feed, name="calendar_feed"),
    path("evenements/<slug:slug>/", fo.event_page, name="event_page"),
    path("evenements/<slug:slug>/theme.css", fo.theme_css, name="theme_css"),
    path("evenements/<slug:slug>/inscription/", fo.register, name="register"),
    path("evenements/<slug:slug>/inscription/merci/", fo.register_done, name="register_done"),
    path("evenements/<slug:slug>/participants/", fo.catalogue, name="catalogue"),
    path("evenements/<slug:slug>/participants/<int:pk>/", fo.company_detail, name="company_detail"),
    path("espace/evenements/<slug:slug>/", fo.area_home, name="area_home"),
    path("espace/evenements/<slug:slug>/entreprise/", fo.area_company, name="area_company"),
    path("espace/evenements/<slug:slug>/offres/nouvelle/", fo.area_offer, name="area_offer_new"),
    path("espace/evenements/<slug:slug>/offres/<int:pk>/", fo.area_offer, name="area_offer"),
    path(
        "espace/evenements/<slug:slug>/suggestions/", fo.area_suggestions, name="area_suggestions"
    ),
    path(
        "espace/evenements/<slug:slug>/demandes/nouvelle/<int:rep_pk>/",
        fo.area_request_new,
        name="area_request_new",
    ),
    path(
        "espace/evenements/<slug:slug>/demandes/<int:pk>/<str:action>/",
        fo.area_request_action,
        name="area_request_action",
    ),
    path("espace/evenements/<slug:slug>/agenda/", fo.area_agenda, name="area_agenda"),
    # Back office
    path("backoffice/evenements/", bo.event_list, name="bo_events"),
    path("backoffice/evenements/nouveau/", bo.event_create, name="bo_event_new"),
    path("backoffice/evenements/<int:pk>/", bo.event_detail, name="bo_event"),
    path("backoffice/evenements/<int:pk>/modifier/", bo.event_edit, name="bo_event_edit"),
    path("backoffice/evenements/<int:pk>/ajouter/<str:kind>/", bo.add_item, name="bo_add"),
    path(
        "backoffice/evenements/<int:pk>/sessions/<int:session_pk>/",
        bo.session_edit,
        name="bo_session",
    ),
    path("backoffice/evenements/<int:pk>/inscriptions/", bo.registrations, name="bo_registrations"),
    path(
        "backoffice/evenements/<int:pk>/inscriptions/<int:company_pk>/<str:action>/",
        bo.registration_action,
        name="bo_registration_action",
    ),
    path("backoffice/evenements/<int:pk>/demandes/", bo.requests_list, name="bo_requests"),
    path(
        "backoffice/evenements/<int:pk>/agenda/<int:rep_pk>/",
        bo.participant_agenda,
        name="bo_agenda",
    ),
    path("backoffice/evenements/<int:pk>/planification/", bo.scheduling, name="bo_scheduling"),
]
urlpatterns += [
    path("backoffice/evenements/<int:pk>/webhooks/", bo_webhooks.webhook_list, name="bo_webhooks"),
    path(
        "backoffice/evenements/<int:pk>/webhooks/nouveau/",
        bo_webhooks.webhook_new,
        name="bo_webhook_new",
    ),
    path(
        "backoffice/evenements/<int:pk>/webhooks/<int:hook_pk>/",
        bo_webhooks.webhook_detail,
        name="bo_webhook",
    ),
    path(
        "backoffice/evenements/<int:pk>/webhooks/<int:hook_pk>/<str:action>/",
        bo_webhooks.webhook_action,
        name="bo_webhook_action",
    ),
]
urlpatterns += api_urlpatterns
