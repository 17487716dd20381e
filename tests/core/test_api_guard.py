"""The API obeys the back office's guard (issue 31, defect 2): second factor and IP
allowlist; personal tokens are created after the second factor, listed, revocable, expiring."""

from datetime import timedelta

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from civitas.core import tokens
from civitas.core.models import ApiToken, JournalEntry, LoginEvent
from tests.conftest import PASSWORD, TOTP_SECRET, make_user, totp_code
from tests.events.conftest import make_company, make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def crm(org):
    event = make_event("guarded")
    company = make_company(event, "Acme Guarded", reps=2)
    return {
        "event": event,
        "company": company,
        "contacts": "/api/v1/events/guarded/contacts/",
        "company_url": f"/api/v1/events/guarded/companies/{company.pk}/",
    }


def password_only_session(user):
    """A session opened with the password only (allauth login of someone without MFA)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    return client


def token_client(key):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def assert_refused(client, crm, reason_word):
    read = client.get(crm["contacts"])
    assert read.status_code == 403, read.content
    assert reason_word in read.json()["detail"]
    write = client.patch(crm["company_url"], {"name": "Hijacked"}, content_type="application/json")
    assert write.status_code == 403
    crm["company"].refresh_from_db()
    assert crm["company"].name == "Acme Guarded"


def test_organiser_without_second_factor_cannot_use_the_api(crm, org):
    organiser = make_user("org-nomfa@example.org", role_code="principal_admin", mfa=False)
    assert_refused(password_only_session(organiser), crm, "two-factor")
    # Nor with a token (e.g. one from before the requirement).
    _token, key = tokens.issue(organiser, "old", mfa_verified=False)
    assert_refused(token_client(key), crm, "two-factor")
    # The rule is the organisation's: switched off, the same session works.
    org.mfa_required_backoffice = False
    org.save()
    assert password_only_session(organiser).get(crm["contacts"]).status_code == 200


def test_a_session_that_skipped_the_second_factor_cannot_use_the_api(crm):
    organiser = make_user("org@example.org", role_code="principal_admin")  # has TOTP
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(organiser)
    session = client.session
    session.pop(AUTHENTICATION_METHODS_SESSION_KEY)
    session.save()
    assert_refused(client, crm, "second factor")
    # A token not created after the second factor is refused the same way.
    _token, key = tokens.issue(organiser, "weak", mfa_verified=False)
    assert_refused(token_client(key), crm, "second factor")
    # A token created after it works, for reading and writing.
    _token, key = tokens.issue(organiser, "strong", mfa_verified=True)
    good = token_client(key)
    assert good.get(crm["contacts"]).status_code == 200
    assert (
        good.patch(crm["company_url"], {"name": "Acme Renamed"}, format="json").status_code == 200
    )


def test_ip_allowlist_applies_to_the_api(crm, org):
    organiser = make_user("org-ip@example.org", role_code="principal_admin")
    org.backoffice_ip_allowlist = "10.1.0.0/16"
    org.save()
    _token, key = tokens.issue(organiser, "crm", mfa_verified=True)
    client = token_client(key)
    refused = client.get(crm["contacts"], REMOTE_ADDR="203.0.113.5")
    assert refused.status_code == 403
    assert "network address" in refused.json()["detail"]
    assert LoginEvent.objects.filter(kind="ip_refused", ip="203.0.113.5").exists()
    patch = client.patch(
        crm["company_url"], {"name": "Hijacked"}, format="json", REMOTE_ADDR="203.0.113.5"
    )
    assert patch.status_code == 403
    assert client.get(crm["contacts"], REMOTE_ADDR="10.1.2.3").status_code == 200
    session = APIClient(REMOTE_ADDR="203.0.113.5")
    session.force_login(organiser)
    assert session.get(crm["contacts"]).status_code == 403
    # Participants and public endpoints are not behind the back-office allowlist.
    participant = make_user("someone@example.org")
    _t, pkey = tokens.issue(participant, "mine", mfa_verified=False)
    assert token_client(pkey).get("/api/v1/me/", REMOTE_ADDR="203.0.113.5").status_code == 200
    assert APIClient().get("/api/v1/events/", REMOTE_ADDR="203.0.113.5").status_code == 200


def test_back_office_tokens_are_created_only_after_the_second_factor(org):
    organiser = make_user("org-tok@example.org", role_code="principal_admin")
    client = Client()
    client.force_login(organiser)
    session = client.session
    session.pop(AUTHENTICATION_METHODS_SESSION_KEY)
    session.save()
    refused = client.post("/espace/jetons-api/", {"name": "crm", "days": 30})
    assert refused.status_code == 400
    assert not ApiToken.objects.filter(user=organiser).exists()

    # A real login with the code, then the token page.
    client = Client()
    client.post("/accounts/login/", {"login": organiser.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(TOTP_SECRET)})
    created = client.post("/espace/jetons-api/", {"name": "crm", "days": 30})
    assert created.status_code == 200
    key = created.context["new_key"]
    token = ApiToken.objects.get(user=organiser)
    assert token.mfa_verified and token.name == "crm"
    assert key not in (token.key_hash, token.prefix) and key.startswith(token.prefix)
    assert abs(token.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    assert JournalEntry.objects.filter(action="api_token.create", object_id=str(token.pk)).exists()
    # Listed, without the key, on the next visit.
    listing = client.get("/espace/jetons-api/").content.decode()
    assert "crm" in listing and token.prefix in listing and key not in listing
    me = token_client(key).get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["email"] == organiser.email

    # Revoked: refused with a reason.
    assert client.post(f"/espace/jetons-api/{token.pk}/revoquer/").status_code == 302
    after = token_client(key).get("/api/v1/me/")
    assert after.status_code == 401
    assert "revoked" in after.json()["detail"]
    assert JournalEntry.objects.filter(action="api_token.revoke").exists()


def test_participants_create_tokens_without_a_second_factor(org):
    participant = make_user("p@example.org")
    client = password_only_session(participant)
    created = client.post("/espace/jetons-api/", {"name": "my script", "days": 7})
    assert created.status_code == 200 and created.context["new_key"]
    token = ApiToken.objects.get(user=participant)
    assert not token.mfa_verified


def test_tokens_expire_with_a_reason(org):
    participant = make_user("p2@example.org")
    token, key = tokens.issue(participant, "short", mfa_verified=False, days=1)
    assert token_client(key).get("/api/v1/me/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = token_client(key).get("/api/v1/me/")
    assert expired.status_code == 401
    assert "expired" in expired.json()["detail"]
    unknown = token_client("nope").get("/api/v1/me/")
    assert unknown.status_code == 401 and "Invalid" in unknown.json()["detail"]


@override_settings(CIVITAS_API_TOKEN_DAYS=10)
def test_default_lifetime_is_configurable(org):
    token, _key = tokens.issue(make_user("p3@example.org"), "x", mfa_verified=False)
    assert abs(token.expires_at - (timezone.now() + timedelta(days=10))) < timedelta(minutes=1)
    with pytest.raises(tokens.TokenRefused):
        tokens.issue(token.user, "forever", mfa_verified=False, days=5000)


def test_nobody_revokes_someone_elses_token(org):
    owner = make_user("owner@example.org")
    token, key = tokens.issue(owner, "mine", mfa_verified=False)
    other = Client()
    other.force_login(make_user("other@example.org"))
    assert other.post(f"/espace/jetons-api/{token.pk}/revoquer/").status_code == 404
    assert token_client(key).get("/api/v1/me/").status_code == 200
