from django.urls import path

from .backoffice import views as bo
from .views import area, jobs, tokens

app_name = "core"

urlpatterns = [
    path("espace/", area.area_home, name="area_home"),
    path("espace/compte/", area.area_account, name="area_account"),
    path("espace/redirection/", area.home_after_login, name="home_after_login"),
    path("espace/supprimer-mon-compte/", area.delete_account, name="delete_account"),
    path("espace/jetons-api/", tokens.token_list, name="api_tokens"),
    path("espace/jetons-api/<id:pk>/revoquer/", tokens.token_revoke, name="api_token_revoke"),
    path("taches/<uuid:pk>/", jobs.job_status, name="job_status"),
    path("taches/<uuid:pk>/telecharger/", jobs.job_download, name="job_download"),
    path("backoffice/", bo.home, name="backoffice_home"),
    path("backoffice/journal/", bo.journal_list, name="journal"),
    path("backoffice/historique/", bo.changes, name="changes"),
    path("backoffice/connexions/", bo.login_journal, name="login_journal"),
    path("backoffice/utilisateurs/", bo.users, name="users"),
    path("backoffice/utilisateurs/nouveau/", bo.user_create, name="user_create"),
    path("backoffice/utilisateurs/<id:pk>/", bo.user_detail, name="user_detail"),
    path(
        "backoffice/affectations/<id:pk>/retirer/", bo.assignment_revoke, name="assignment_revoke"
    ),
    path("backoffice/roles/", bo.roles, name="roles"),
    path("backoffice/roles/nouveau/", bo.role_edit, name="role_create"),
    path("backoffice/roles/<id:pk>/", bo.role_edit, name="role_edit"),
    path("backoffice/organisation/", bo.organisation, name="organisation"),
]
