from django.urls import path

from . import views

urlpatterns = [
    path("conseils/s/<str:token>/", views.my_sittings, name="my_sittings"),
    path("conseils/s/<str:token>/document/<id:doc>/", views.document, name="my_document"),
    path("conseils/s/<str:token>/accuse-reception/", views.acknowledge, name="my_acknowledge"),
    path("conseils/s/<str:token>/tout.zip", views.zip_all, name="my_zip"),
    path("espace/conseils/", views.account_sittings, name="account_sittings"),
]
