"""Login, lockout, MFA, password policy, account deletion, back-office guards."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from civitas.core.models import LoginEvent, Organisation, User
from civitas.core.outbox.models import Message
from tests.conftest import PASSWORD, TOTP_SECRET, add_totp, make_user, totp_code

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def login(client, email, password, **extra):
    return client.post(LOGIN, {"login": email, "password": password}, **extra)


def test_login_by_email_is_journaled_with_ip_and_browser(client, users):
    response = login(
        client,
        "participant@example.org",
        PASSWORD,
        REMOTE_ADDR="192.0.2.1",
        HTTP_USER_AGENT="Firefox/140",
    )
    assert response.status_code == 302
    assert response["Location"] == "/espace/"
    event = LoginEvent.objects.get(kind="login")
    assert (event.identifier, event.ip, event.user_agent) == (
        "participant@example.org",
        "192.0.2.1",
        "Firefox/140",
    )


def test_wrong_password_and_unknown_account_get_the_same_message(client, users):
    known = login(client, "participant@example.org", "wrong-password-123")
    unknown = login(client, "nobody@example.org", "wrong-password-123")
    assert known.status_code == unknown.status_code == 200
    known_errors = known.context["form"].non_field_errors()
    assert known_errors == unknown.context["form"].non_field_errors()
    assert (
        "Le mot de passe ou l’adresse e-mail ne sont pas corrects" in str(known_errors)
        or known_errors
    )  # message text comes from allauth's French catalogue
    failures = LoginEvent.objects.filter(kind="failure")
    assert failures.count() == 2
    # Nothing but the login typed is stored: never the password.
    assert not any("wrong-password" in str(vars(e)) for e in failures)


def test_form_keeps_the_login_typed_after_a_failure(client, users):
    response = login(client, "participant@example.org", "bad-password-00")
    assert b'value="participant@example.org"' in response.content


@pytest.mark.parametrize("email", ["participant@example.org", "ghost@example.org"])
def test_lockout_after_repeated_failures_whether_or_not_the_account_exists(client, users, email):
    for _ in range(5):
        login(client, email, "not-the-password-1")
    response = login(client, email, PASSWORD if "participant" in email else "x")
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode() or b"Too many" in response.content
    assert LoginEvent.objects.filter(kind="lockout", identifier=email).exists()
    # Even the right password is refused while locked.
    if "participant" in email:
        assert "_auth_user_id" not in client.session


def test_lockout_pages_are_identical_for_known_and_unknown_accounts(client, users):
    bodies = []
    for email in ("participant@example.org", "ghost@example.org"):
        for _ in range(6):
            response = login(client, email, "not-the-password-1")
        bodies.append(response.content.replace(b"ghost@", b"participant@"))
    strip = [b.split(b'name="csrfmiddlewaretoken"')[0] for b in bodies]
    assert strip[0] == strip[1]


def test_mfa_login_flow_refuses_a_bad_code_and_accepts_the_right_one(client, users):
    principal = users["principal"]
    response = login(client, principal.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    bad = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert bad.status_code == 200
    assert bad.context["form"].errors
    assert LoginEvent.objects.filter(kind="mfa_failure", user_id=principal.pk).exists()
    good = client.post("/accounts/2fa/authenticate/", {"code": totp_code(TOTP_SECRET)})
    assert good.status_code == 302
    assert good["Location"] == "/backoffice/"
    assert client.session["_auth_user_id"] == str(principal.pk)
    kinds = set(LoginEvent.objects.values_list("kind", flat=True))
    assert {"mfa_success", "login"} <= kinds
    # Codes are never written to the journal.
    assert not LoginEvent.objects.filter(identifier__contains="000000").exists()


def test_backoffice_requires_mfa_for_back_office_roles(client, org):
    admin = make_user("nomfa@example.org", role_code="principal_admin", mfa=False)
    client.force_login(admin)
    response = client.get("/backoffice/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/"
    add_totp(admin)
    assert client.get("/backoffice/").status_code == 200


def test_participants_are_not_asked_for_mfa(client_for):
    assert client_for("participant").get("/espace/").status_code == 200


def test_backoffice_ip_allowlist(client_for, org):
    org.backoffice_ip_allowlist = "10.1.0.0/16\n# office\n192.0.2.10"
    org.save()
    client = client_for("principal")
    assert client.get("/backoffice/", REMOTE_ADDR="10.1.2.3").status_code == 200
    refused = client.get("/backoffice/", REMOTE_ADDR="203.0.113.5")
    assert refused.status_code == 403
    assert "adresse" in refused.content.decode()
    assert LoginEvent.objects.filter(kind="ip_refused", ip="203.0.113.5").exists()
    # The public site and the participant area are not restricted.
    assert client.get("/espace/", REMOTE_ADDR="203.0.113.5").status_code == 200


def test_organisation_rejects_a_malformed_allowlist_and_keeps_the_input(client_for, org):
    response = client_for("principal").post(
        "/backoffice/organisation/",
        {
            "save_org": "1",
            "org-name": "Ville",
            "org-password_min_length": 12,
            "org-backoffice_idle_minutes": 30,
            "org-backoffice_ip_allowlist": "10.0.0.0/33",
        },
    )
    assert response.status_code == 200
    assert "10.0.0.0/33" in response.content.decode()
    org.refresh_from_db()
    assert org.backoffice_ip_allowlist == ""


def test_backoffice_idle_timeout_logs_out(client_for, org):
    client = client_for("principal")
    assert client.get("/backoffice/").status_code == 200
    session = client.session
    session["civitas_bo_last_seen"] -= (org.backoffice_idle_minutes + 1) * 60
    session.save()
    response = client.get("/backoffice/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_password_policy_minimum_length_and_common_passwords(org):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("Short-pw-11")  # 11 characters
    with pytest.raises(ValidationError):
        validate_password("password1234")  # common
    # French habits: a frequent word, any case, followed by digits or symbols.
    for french in ("azertyuiop123456", "Motdepasse2024!!", "Marseille13013!", "Soleil-20262026"):
        with pytest.raises(ValidationError) as refused:
            validate_password(french)
        assert [e.code for e in refused.value.error_list] == ["password_too_common"]
    validate_password("Un-mot-de-passe-solide-9")
    org.password_min_length = 16
    org.save()
    with pytest.raises(ValidationError):
        validate_password("Twelve-chars-1")


def test_forced_password_renewal(client_for, users, org):
    org.password_renewal_days = 180
    org.save()
    User.objects.filter(pk=users["participant"].pk).update(
        password_changed_at=timezone.now() - timedelta(days=181)
    )
    response = client_for("participant").get("/espace/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/change/"


def test_argon2_is_the_production_hasher():
    from django.conf import settings

    from civitas.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        user = User.objects.create_user("argon@example.org", PASSWORD)
        assert user.password.startswith("argon2")
    assert settings.PASSWORD_HASHERS  # test settings use a fast hasher on purpose


def test_password_reset_mail_and_expired_link(client, users):
    response = client.post("/accounts/password/reset/", {"email": "participant@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    # Unknown address: same answer, no mail revealing anything to the requester.
    response = client.post("/accounts/password/reset/", {"email": "ghost@example.org"})
    assert response.status_code == 302
    bad = client.get("/accounts/password/reset/key/zz-invalid-token/", follow=True)
    assert bad.status_code == 200
    assert bad.context["token_fail"]


def test_delete_own_account_requires_the_password(client_for, users):
    client = client_for("participant")
    wrong = client.post("/espace/supprimer-mon-compte/", {"password": "nope"})
    assert wrong.status_code == 200
    assert User.objects.filter(email="participant@example.org").exists()
    ok = client.post("/espace/supprimer-mon-compte/", {"password": PASSWORD})
    assert ok.status_code == 302
    assert not User.objects.filter(email="participant@example.org").exists()


def test_sessions_can_be_listed_and_revoked(client, users):
    from allauth.usersessions.models import UserSession

    login(client, "participant@example.org", PASSWORD)
    other = type(client)()
    login(other, "participant@example.org", PASSWORD)
    assert UserSession.objects.filter(user=users["participant"]).count() == 2
    page = client.get("/accounts/sessions/")
    assert page.status_code == 200
    client.post("/accounts/sessions/", {})
    assert UserSession.objects.filter(user=users["participant"]).count() == 1
    assert other.get("/espace/").status_code == 302  # the other session is gone


def test_principal_creates_a_secondary_admin_and_chooses_the_scope(
    client_for, unit_tree, secondary_role
):
    client = client_for("principal")
    response = client.post(
        "/backoffice/utilisateurs/nouveau/",
        {"email": "New.Admin@Example.org", "full_name": "Nouvel Admin", "language": "fr"},
    )
    assert response.status_code == 302
    new = User.objects.get(email="new.admin@example.org")
    assert not new.has_usable_password()
    invitation = Message.objects.get(template_code="core.account_invitation")
    assert invitation.to == "new.admin@example.org"
    assert "/accounts/password/reset/key/" in invitation.body_text
    client.post(
        f"/backoffice/utilisateurs/{new.pk}/",
        {"role": secondary_role.pk, "scope": f"unit:{unit_tree['north'].pk}"},
    )
    assignment = new.role_assignments.get()
    assert (assignment.scope_type, assignment.scope_id) == ("unit", unit_tree["north"].pk)
    from civitas.core.permissions import has_perm

    assert has_perm(new, "core.view_journal", unit_tree["north"])
    assert not has_perm(new, "core.view_journal", unit_tree["south"])


def test_last_principal_admin_cannot_be_removed(client_for, users):
    principal = users["principal"]
    assignment = principal.role_assignments.get()
    client_for("principal").post(f"/backoffice/affectations/{assignment.pk}/retirer/")
    assert principal.role_assignments.exists()


def test_login_journal_purge_keeps_one_year(org):
    from civitas.core.periodic import run_due

    old = LoginEvent.objects.create(kind="login", identifier="old@example.org")
    LoginEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=366))
    recent = LoginEvent.objects.create(kind="login", identifier="new@example.org")
    ran = dict(run_due(only="core.purge_login_journal"))
    assert ran == {"core.purge_login_journal": "ok"}
    assert list(LoginEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    # Not due again within the day.
    assert run_due(only="core.purge_login_journal") == []


def test_login_journal_is_for_the_principal_only(client_for):
    LoginEvent.objects.create(kind="failure", identifier="someone@example.org", ip="192.0.2.3")
    assert client_for("secondary").get("/backoffice/connexions/").status_code == 403
    page = client_for("principal").get("/backoffice/connexions/", {"q": "192.0.2.3"})
    assert b"someone@example.org" in page.content
    assert Organisation.get()


def test_first_password_through_the_mailed_link_proves_the_address(client, org):
    """Accounts created for people (event registrations) start with an unverified address
    and no password; following the mailed link must be enough to log in."""
    from allauth.account.models import EmailAddress

    from tests.conftest import set_password_through_reset_link

    user = User.objects.create_user("invited@example.org", None)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    set_password_through_reset_link("invited@example.org", "Un-mot-de-passe-solide-9")
    assert EmailAddress.objects.get(user=user).verified
    response = login(client, "invited@example.org", "Un-mot-de-passe-solide-9")
    assert response.status_code == 302
    assert response["Location"] == "/espace/"


# --- Accounts and roles service (civitas.core.accounts) ------------------------------------


@pytest.fixture
def received():
    """The roles_changed and account_erased signals received during the test."""
    from civitas.core.signals import account_erased, roles_changed

    got = []

    def on_roles(sender, user, **kwargs):
        got.append(("roles", user.email))

    def on_erased(sender, user_id, email, **kwargs):
        got.append(("erased", email, user_id))

    roles_changed.connect(on_roles, dispatch_uid="test.roles")
    account_erased.connect(on_erased, dispatch_uid="test.erased")
    yield got
    roles_changed.disconnect(dispatch_uid="test.roles")
    account_erased.disconnect(dispatch_uid="test.erased")


def test_get_or_create_matches_the_address_whatever_its_case(org):
    from allauth.account.models import EmailAddress

    from civitas.core import accounts

    user, created = accounts.get_or_create("  Jeanne.Dupont@Example.ORG ", "Jeanne Dupont")
    assert created and user.email == "jeanne.dupont@example.org"
    assert not user.has_usable_password()
    address = EmailAddress.objects.get(user=user)
    assert address.primary and not address.verified
    again, created = accounts.get_or_create("JEANNE.DUPONT@example.org", "Quelqu'un d'autre")
    assert (again, created) == (user, False)
    again.refresh_from_db()
    assert again.full_name == "Jeanne Dupont"  # an existing account is left as it is
    assert accounts.find("jeanne.dupont@EXAMPLE.org") == user
    assert accounts.find("") is None


def test_invitation_goes_through_the_outbox_and_its_link_sets_the_password(
    client, org, django_capture_on_commit_callbacks
):
    import re

    from civitas.core import accounts

    user, _created = accounts.get_or_create("invitee@example.org", "Invitée", verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        message = accounts.invite(user)
    message.refresh_from_db()
    assert message.template_code == "core.account_invitation"
    assert message.state == "sent"
    sent = [m for m in mail.outbox if m.to == ["invitee@example.org"]][-1]
    path = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", sent.body)[1]
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(path, follow=True)
    # The page speaks of a first password, not of a change.
    assert re.search(r"<title>\s*Choose your password", response.content.decode())
    assert "Change Password" not in response.content.decode()
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else path
    password = "Un-mot-de-passe-solide-9"
    done = client.post(form_path, {"password1": password, "password2": password})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(password)
    # The person is logged in and lands on "Mon espace".
    assert done["Location"] == "/espace/"
    assert client.get("/espace/").status_code == 200


def test_only_a_principal_administrator_grants_the_principal_role(users, received):
    from civitas.core import accounts
    from civitas.core.models import JournalEntry, Role

    principal_role = Role.objects.get(code=Role.PRINCIPAL_ADMIN)
    target = users["participant"]
    with pytest.raises(accounts.AccountError):
        accounts.grant(target, principal_role, by=users["secondary"])
    assert not target.role_assignments.exists()
    assert received == []
    assignment, created = accounts.grant(target, principal_role, by=users["principal"])
    assert created and assignment.created_by == users["principal"]
    assert received == [("roles", target.email)]
    entry = JournalEntry.objects.get(action="admin.role_assigned", object_id=str(target.pk))
    assert entry.details == {"role": "principal_admin", "scope": "organisation:1"}
    # Granting it again changes nothing and tells nobody.
    assert accounts.grant(target, principal_role, by=users["principal"])[1] is False
    assert len(received) == 1


def test_the_last_principal_administrator_cannot_be_revoked(users, received):
    from civitas.core import accounts
    from civitas.core.models import JournalEntry, Role, RoleAssignment

    principal_role = Role.objects.get(code=Role.PRINCIPAL_ADMIN)
    only = RoleAssignment.objects.get(role=principal_role)
    with pytest.raises(accounts.AccountError):
        accounts.revoke(only)
    assert RoleAssignment.objects.filter(pk=only.pk).exists()
    second, _created = accounts.grant(users["participant"], principal_role)
    received.clear()
    accounts.revoke(only, by=users["participant"])
    assert not RoleAssignment.objects.filter(pk=only.pk).exists()
    assert received == [("roles", users["principal"].email)]
    assert JournalEntry.objects.filter(action="admin.role_revoked").count() == 1
    with pytest.raises(accounts.AccountError):
        accounts.revoke(second)


def test_role_edits_tell_every_holder(users, secondary_role, received):
    from civitas.core import accounts
    from civitas.core.permissions import has_perm

    holder = users["secondary"]
    assert has_perm(holder, "core.view_journal")
    secondary_role.permissions = ["core.access_backoffice"]
    accounts.save_role(secondary_role)
    assert ("roles", holder.email) in received
    assert ("roles", users["principal"].email) not in received
    assert not has_perm(User.objects.get(pk=holder.pk), "core.view_journal")


def test_holders_of_a_permission_on_an_object(users, unit_tree, secondary_role):
    from civitas.core import accounts

    north = make_user(
        "north@example.org", role_code="journal_reader", scope=("unit", unit_tree["north"].pk)
    )
    root = make_user(
        "root@example.org", role_code="journal_reader", scope=("unit", unit_tree["root"].pk)
    )
    gone = make_user(
        "gone@example.org", role_code="journal_reader", scope=("unit", unit_tree["north"].pk)
    )
    gone.is_active = False
    gone.save()
    on_north = set(accounts.holders("core.view_journal", unit_tree["north"]))
    # The unit, its parent, the organisation-wide holders; not the inactive account.
    assert on_north == {north, root, users["secondary"], users["principal"]}
    on_south = set(accounts.holders("core.view_journal", unit_tree["south"]))
    assert on_south == {root, users["secondary"], users["principal"]}
    assert set(accounts.holders("core.manage_organisation")) == {users["principal"]}
    with pytest.raises(KeyError):
        accounts.holders("core.no_such_permission")


def test_backoffice_refuses_a_principal_grant_by_a_secondary_administrator(users, org):
    from django.test import Client

    from civitas.core.models import Role

    manager_role = Role.objects.create(
        code="user_manager",
        name="Gestion des comptes",
        permissions=["core.access_backoffice", "core.manage_administrators"],
    )
    manager = make_user("manager@example.org", role_code=manager_role.code)
    client = Client()
    client.force_login(manager)
    target = users["participant"]
    principal_role = Role.objects.get(code=Role.PRINCIPAL_ADMIN)
    response = client.post(
        f"/backoffice/utilisateurs/{target.pk}/",
        {"role": principal_role.pk, "scope": "organisation:1"},
        follow=True,
    )
    assert response.status_code == 200
    assert not target.role_assignments.exists()
    assert "administrateur principal" in response.content.decode()


def test_gdpr_erasure_sends_account_erased(users, received):
    from civitas.core.gdpr.services import Subject, erase

    user = users["participant"]
    erase(Subject.find(user.email))
    assert ("erased", user.email, user.pk) in received
    assert not User.objects.filter(pk=user.pk).exists()


def _revoke_race(monkeypatch, locked):
    """Two principal administrators revoke each other at the same moment."""
    import threading
    import time

    from django.db import connection, transaction

    from civitas.core import accounts
    from civitas.core.models import Role, RoleAssignment

    role = Role.objects.get_or_create(
        code=Role.PRINCIPAL_ADMIN, defaults={"name": "Administrateur principal"}
    )[0]
    first = make_user("first@example.org", role_code=role.code, mfa=False)
    second = make_user("second@example.org", role_code=role.code, mfa=False)
    if not locked:
        monkeypatch.setattr(accounts, "_locked_role", lambda pk: Role.objects.get(pk=pk))
    a_revoked, b_started = threading.Event(), threading.Event()
    results = {}

    def a():
        try:
            with transaction.atomic():
                accounts.revoke(first.role_assignments.get(), by=second)
                a_revoked.set()
                b_started.wait(5)
                time.sleep(0.5)  # B is now checking (or waiting for the lock)
            results["a"] = "ok"
        finally:
            connection.close()

    def b():
        try:
            a_revoked.wait(5)
            b_started.set()
            accounts.revoke(second.role_assignments.get(), by=first)
            results["b"] = "ok"
        except accounts.AccountError as exc:
            results["b"] = str(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    return results, RoleAssignment.objects.filter(role=role).count()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_lock_two_revokes_leave_no_principal_administrator(monkeypatch, org):
    results, left = _revoke_race(monkeypatch, locked=False)
    assert results == {"a": "ok", "b": "ok"} and left == 0  # the race exists


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_with_the_lock_one_principal_administrator_always_remains(monkeypatch, org):
    results, left = _revoke_race(monkeypatch, locked=True)
    assert results["a"] == "ok" and results["b"] != "ok"
    assert left == 1


def test_a_whole_service_behind_one_proxy_can_log_in_within_a_minute(users):
    """Staff arrive through one proxy address: 40 logins from it in a minute all go through
    (allauth's default, 30 a minute per address, refused 20 of 50 in the load bench), and
    the limit still exists."""
    from django.conf import settings
    from django.test import Client

    for _ in range(40):
        response = login(Client(), "participant@example.org", PASSWORD, REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 302
    assert settings.ACCOUNT_RATE_LIMITS["login"] == "300/m/ip"
