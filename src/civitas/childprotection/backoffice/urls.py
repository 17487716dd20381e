from django.urls import path

from . import consultations, dashboard, letters, parameters
from . import views as bo

P = "backoffice/protection-enfance/"

urlpatterns = [
    path(f"{P}dossiers/", bo.file_list, name="file_list"),
    path(f"{P}dossiers/nouveau/", bo.file_create, name="file_new"),
    path(f"{P}dossiers/enfants-connus/", bo.known_children, name="known_children"),
    path(f"{P}dossiers/<id:pk>/", bo.file_detail, name="file_detail"),
    path(f"{P}dossiers/<id:pk>/modifier/", bo.file_edit, name="file_edit"),
    path(f"{P}dossiers/<id:pk>/supprimer/", bo.file_delete, name="file_delete"),
    path(f"{P}dossiers/<id:pk>/acces-exceptionnel/", bo.break_glass, name="break_glass"),
    path(f"{P}dossiers/<id:pk>/enfants/<id:child_pk>/", bo.child_edit, name="child_edit"),
    path(f"{P}dossiers/<id:pk>/affectations/nouvelle/", bo.assignment_edit, name="assignment_new"),
    path(
        f"{P}dossiers/<id:pk>/affectations/<id:assignment_pk>/",
        bo.assignment_edit,
        name="assignment_edit",
    ),
    path(
        f"{P}dossiers/<id:pk>/demandes-signalant/nouvelle/",
        bo.reporter_request_edit,
        name="reporter_request_new",
    ),
    path(
        f"{P}dossiers/<id:pk>/demandes-signalant/<id:request_pk>/",
        bo.reporter_request_edit,
        name="reporter_request_edit",
    ),
    path(f"{P}dossiers/<id:pk>/courriers/", letters.letter_list, name="letters"),
    path(
        f"{P}dossiers/<id:pk>/courriers/<id:letter_pk>/",
        letters.letter_download,
        name="letter_download",
    ),
    path(f"{P}tableaux-de-bord/", dashboard.dashboard, name="dashboard"),
    path(f"{P}echeances/", bo.deadlines_view, name="deadlines"),
    path(f"{P}journal-consultations/", consultations.consultations, name="consultations"),
    path(f"{P}parametres/", parameters.parameters, name="parameters"),
    path(f"{P}parametres/<slug:table>/", parameters.parameter_list, name="parameter_list"),
    path(f"{P}parametres/<slug:table>/nouveau/", parameters.parameter_edit, name="parameter_new"),
    path(f"{P}parametres/<slug:table>/<id:pk>/", parameters.parameter_edit, name="parameter_edit"),
]
