from django.urls import path

from . import views

app_name = "outbox"

urlpatterns = [
    path("backoffice/outbox/messages/", views.message_list, name="messages"),
    path("backoffice/outbox/messages/<id:pk>/", views.message_detail, name="message_detail"),
    path(
        "backoffice/outbox/messages/<id:pk>/resend/",
        views.message_resend,
        name="message_resend",
    ),
    path("backoffice/outbox/templates/", views.template_list, name="templates"),
    path(
        "backoffice/outbox/templates/<str:code>/<str:language>/<str:channel>/",
        views.template_edit,
        name="template_edit",
    ),
    path(
        "backoffice/outbox/templates/<str:code>/<str:language>/<str:channel>/preview/",
        views.template_preview,
        name="template_preview",
    ),
    path("backoffice/outbox/mailings/", views.mailing_list, name="mailings"),
    path("backoffice/outbox/mailings/new/", views.mailing_create, name="mailing_create"),
    path("backoffice/outbox/mailings/<id:pk>/", views.mailing_detail, name="mailing_detail"),
    path(
        "backoffice/outbox/mailings/<id:pk>/progress/",
        views.mailing_progress,
        name="mailing_progress",
    ),
    path("mail/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
