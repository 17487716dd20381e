from django.urls import path

from . import views

app_name = "gdpr"

BO = "backoffice/donnees-personnelles/"

urlpatterns = [
    path(BO, views.home, name="home"),
    path(f"{BO}personne/", views.person, name="person"),
    path(f"{BO}personne/export/", views.person_export, name="person_export"),
    path(f"{BO}personne/rectifier/", views.person_rectify, name="person_rectify"),
    path(f"{BO}personne/effacer/", views.person_erase, name="person_erase"),
    path(f"{BO}conservation/", views.retention, name="retention"),
    path(f"{BO}conservation/purger/", views.retention_run, name="retention_run"),
    path(f"{BO}mentions/", views.notices, name="notices"),
    path(f"{BO}mentions/<id:pk>/", views.notice_edit, name="notice_edit"),
    path("backoffice/registre-traitements/", views.register, name="register"),
    path("backoffice/registre-traitements/imprimer/", views.register_print, name="register_print"),
    path("backoffice/registre-traitements/nouveau/", views.register_edit, name="register_create"),
    path("backoffice/registre-traitements/<id:pk>/", views.register_edit, name="register_edit"),
    path(
        "backoffice/registre-traitements/<id:pk>/supprimer/",
        views.register_delete,
        name="register_delete",
    ),
    path("backoffice/reversibilite/", views.export_all, name="export_all"),
    path("espace/mes-donnees/", views.my_data, name="my_data"),
]

urlpatterns += [
    path("backoffice/violations/", views.breaches_list, name="breaches"),
    path("backoffice/violations/nouvelle/", views.breach_edit, name="breach_create"),
    path("backoffice/violations/<id:pk>/", views.breach_detail, name="breach_detail"),
    path("backoffice/violations/<id:pk>/modifier/", views.breach_edit, name="breach_edit"),
    path("backoffice/violations/<id:pk>/notification-cnil/", views.breach_cnil, name="breach_cnil"),
]
