"""Every login entry point goes through allauth and its second factor (issue 31, defect 1).

With "2FA required" on, no password-only session may reach a back-office page: not through
Wagtail's admin login, Wagtail's front-end login, Django's admin login, allauth's login
stopped before the code, nor a session opened by any other `auth.login` call.
"""

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from django.test import Client

from tests.conftest import PASSWORD, TOTP_SECRET, make_user, totp_code

pytestmark = pytest.mark.django_db

# Back-office pages an attacker would want: home, user management, GDPR, reversibility,
# exports, backups, the CMS.
BACKOFFICE_PAGES = [
    "/backoffice/",
    "/backoffice/utilisateurs/",
    "/backoffice/roles/",
    "/backoffice/donnees-personnelles/",
    "/backoffice/reversibilite/",
    "/backoffice/exports/planifies/",
    "/backoffice/sauvegardes/",
    "/cms/",
    "/cms/pages/",
]


@pytest.fixture
def admin(org):
    assert org.mfa_required_backoffice
    return make_user(
        "boss@example.org", role_code="principal_admin", is_superuser=True
    )  # has a TOTP device


def assert_no_backoffice(client):
    for url in BACKOFFICE_PAGES:
        response = client.get(url)
        assert response.status_code in (302, 403), (url, response.status_code)
        if response.status_code == 302:
            target = response["Location"]
            assert target.startswith(("/accounts/", "/cms/login/")), (url, target)
            if target.startswith("/cms/login/"):
                # Wagtail's own login page must itself only lead to allauth's.
                again = client.get(target)
                assert again.status_code == 302 and again["Location"].startswith("/accounts/")


def test_wagtail_admin_login_does_not_open_a_session(client, admin):
    # The outside probe's attack: e-mail and password posted to Wagtail's own login form.
    client.post("/cms/login/", {"username": admin.email, "password": PASSWORD})
    assert_no_backoffice(client)
    assert "_auth_user_id" not in client.session
    page = client.get("/cms/login/?next=/cms/pages/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")
    assert "next=%2Fcms%2Fpages%2F" in page["Location"]


def test_wagtail_front_end_login_does_not_open_a_session(client, admin):
    page = client.get("/_util/login/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")
    client.post("/_util/login/", {"username": admin.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert_no_backoffice(client)


def test_wagtail_password_reset_leads_to_allauth(client, admin):
    page = client.get("/cms/password_reset/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/password/reset/")


def test_django_admin_login_is_not_mounted(client, admin):
    client.post("/admin/login/", {"username": admin.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 404
    assert_no_backoffice(client)


def test_allauth_login_stopped_before_the_code_reaches_nothing(client, admin):
    response = client.post("/accounts/login/", {"login": admin.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert_no_backoffice(client)
    api = client.get("/api/v1/me/")
    assert api.status_code in (401, 403)


def test_allauth_login_with_the_code_reaches_the_back_office(client, admin):
    client.post("/accounts/login/", {"login": admin.email, "password": PASSWORD})
    done = client.post("/accounts/2fa/authenticate/", {"code": totp_code(TOTP_SECRET)})
    assert done["Location"] == "/backoffice/"
    for url in BACKOFFICE_PAGES:
        assert client.get(url).status_code == 200, url


def test_a_session_opened_without_the_second_factor_must_reauthenticate(admin):
    """Defence in depth: any `auth.login` that did not pass through allauth's MFA stage."""
    client = Client()
    client.force_login(admin)
    session = client.session
    session.pop(AUTHENTICATION_METHODS_SESSION_KEY, None)
    session.save()
    for url in BACKOFFICE_PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/2fa/reauthenticate/"), url
    # The API refuses it too.
    assert client.get("/api/v1/me/").status_code == 403
    # Passing the second factor in this session opens the back office.
    done = client.post(
        "/accounts/2fa/reauthenticate/?next=/backoffice/", {"code": totp_code(TOTP_SECRET)}
    )
    assert done.status_code == 302
    assert client.get("/backoffice/").status_code == 200


def test_a_password_only_session_of_a_user_without_mfa_is_sent_to_set_it_up(org):
    nomfa = make_user("nomfa@example.org", role_code="principal_admin", mfa=False)
    client = Client()
    client.post("/accounts/login/", {"login": nomfa.email, "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(nomfa.pk)
    for url in BACKOFFICE_PAGES:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/accounts/2fa/", url


def test_participants_log_in_without_a_second_factor(client, org):
    make_user("someone@example.org")
    response = client.post(
        "/accounts/login/", {"login": "someone@example.org", "password": PASSWORD}
    )
    assert response["Location"] == "/espace/"
    assert client.get("/espace/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200
