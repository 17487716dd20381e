"""Shared fixtures: one user per role, logged-in clients, PostgreSQL detection."""

import contextlib
import fcntl
import os
import tempfile

import pytest
from allauth.account.models import EmailAddress
from django.db import connection

PASSWORD = "Correct-Horse-Battery-42"

# Playwright's sync API runs an event loop in the main thread; Django must not refuse ORM
# calls made from the test body in that state.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def mark_second_factor_passed(client, user):
    """Record in the client's session that this login passed the second factor, as allauth
    does after a good TOTP code (the back-office guard checks it, issue 31)."""
    import time

    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.account.internal.flows.login import _AUTHENTICATION_METHODS_USER_SESSION_KEY
    from allauth.account.internal.userkit import user_id_to_str

    now = time.time()
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    session.save()


def _install_force_login_with_second_factor():
    """`client.force_login(user)` stands for "this person logged in completely": with the
    second factor too. Tests of a login that skipped it remove the record (see
    tests/core/test_login_paths.py)."""
    from django.test.client import ClientMixin

    original = ClientMixin.force_login
    if getattr(original, "civitas_mfa", False):
        return

    def force_login(self, user, backend=None):
        original(self, user, backend)
        mark_second_factor_passed(self, user)

    force_login.civitas_mfa = True
    ClientMixin.force_login = force_login


_install_force_login_with_second_factor()


# PostgreSQL's lock table is shared by every database of the server. A restore (one
# transaction locking ~1,550 tables, indexes and sequences twice, --clean then create) and the
# other xdist worker's flush between transactional tests (one TRUNCATE of every table) do not
# fit in it together with the default max_locks_per_transaction: "out of shared memory", every
# time in two runs of 7 Dec. The runbook tells operators to stop other work during a restore;
# the tests do the same: a backup test holds this file lock exclusively (tests/backups), every
# flush holds it shared. Nothing is serialised on SQLite.
PG_LOCK_TABLE_GUARD = os.path.join(tempfile.gettempdir(), "civitas-tests-pg-lock-table.lock")


@contextlib.contextmanager
def pg_lock_table_guard(*, exclusive: bool):
    if connection.vendor != "postgresql":
        yield
        return
    with open(PG_LOCK_TABLE_GUARD, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _install_flush_guard():
    from django.core.management.commands import flush

    original = flush.Command.handle
    if getattr(original, "civitas_guard", False):
        return

    def handle(self, *args, **options):
        with pg_lock_table_guard(exclusive=False):
            return original(self, *args, **options)

    handle.civitas_guard = True
    flush.Command.handle = handle


_install_flush_guard()


def _install_clean_deserialize():
    """`serialized_rollback` puts back the rows of the migrations into a database it assumes
    empty. A transactional test without it, run just before on the same worker, leaves the
    rows its flush's post_migrate made (content types, permissions): the restore then fails on
    their unique keys (seen in the fault tests, 7 Dec). Those rows are in the serialized data
    anyway: they are removed before it is put back."""
    from django.db.backends.base.creation import BaseDatabaseCreation

    original = BaseDatabaseCreation.deserialize_db_from_string
    if getattr(original, "civitas_clean", False):
        return

    def deserialize_db_from_string(self, data):
        import json

        wanted = {
            (row["pk"], row["fields"]["app_label"], row["fields"]["model"])
            for row in json.loads(data)
            if row["model"] == "contenttypes.contenttype"
        }
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT id, app_label, model FROM django_content_type")
            if set(map(tuple, cursor.fetchall())) - wanted:
                # Made by post_migrate after a flush (the rest of the database is empty):
                # the serialized data has them under their first ids.
                cursor.execute("DELETE FROM auth_group_permissions")
                cursor.execute("DELETE FROM auth_permission")
                cursor.execute("DELETE FROM django_content_type")
        return original(self, data)

    deserialize_db_from_string.civitas_clean = True
    BaseDatabaseCreation.deserialize_db_from_string = deserialize_db_from_string


_install_clean_deserialize()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's default language (French): a language left active by
    an earlier test in the same worker must not decide how lazy labels read (CI run of 7 Dec
    failed on that, depending on test order)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, each worker's test database is a file (not in memory), so that the worker
    processes of the fault tests (tests/faults) can share it. Here, not in tests/faults: the
    database is made once per pytest worker, by whichever test comes first on it (a
    fault test after any other test found an in-memory database, 7 Dec). Nothing is synced
    to disk: the file lives as long as the run."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3") and not os.environ.get("DATABASE_URL"):
        db.setdefault("TEST", {})["NAME"] = str(
            tmp_path_factory.mktemp("db") / "test_civitas.sqlite3"
        )
        options = db.setdefault("OPTIONS", {})
        options["init_command"] = "; ".join(
            filter(
                None,
                [options.get("init_command", "").strip().rstrip(";"), "PRAGMA synchronous=OFF"],
            )
        )


def pytest_collection_modifyitems(config, items):
    on_pg = os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql"))
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords and not on_pg:
            item.add_marker(skip_pg)


def make_user(email, *, role_code=None, scope=("organisation", 1), mfa=True, **extra):
    from civitas.core import accounts
    from civitas.core.models import Role, User

    user = User.objects.create_user(email, PASSWORD, full_name=email.split("@")[0], **extra)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    if role_code:
        role = Role.objects.filter(code=role_code).first()
        if role is None and role_code == "principal_admin":
            # Transactional (browser) tests flush the data migrations' rows.
            role = Role.objects.create(
                code=role_code, name="Administrateur principal", is_system=True
            )
        accounts.grant(user, role, scope)
    if mfa and role_code:
        add_totp(user)
    return user


TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def add_totp(user, secret=TOTP_SECRET):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, secret)
    return Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)


def totp_code(secret=TOTP_SECRET):
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth's rate limits (and other counters) live in the cache: never let one test's
    requests count against the next one's."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    # A transactional test flushes the database and post_migrate creates the content types
    # again under new ids (a restore replaces them too): ids cached by an earlier test would
    # make the next page or log entry point at a content type that no longer exists.
    ContentType.objects.clear_cache()
    yield


@pytest.fixture
def org(db):
    from civitas.core.models import Organisation

    return Organisation.get()


@pytest.fixture
def unit_tree(db):
    from civitas.core.models import Unit

    root = Unit.objects.create(name="Direction générale")
    north = Unit.objects.create(name="Territoire Nord", kind="territory", parent=root)
    south = Unit.objects.create(name="Territoire Sud", kind="territory", parent=root)
    return {"root": root, "north": north, "south": south}


@pytest.fixture
def secondary_role(db):
    from civitas.core.models import Role

    return Role.objects.create(
        code="journal_reader",
        name="Gestionnaire (journal)",
        permissions=["core.access_backoffice", "core.view_journal"],
    )


@pytest.fixture
def users(db, org, secondary_role):
    """anonymous (None), participant (no role), secondary admin, principal admin."""
    return {
        "anonymous": None,
        "participant": make_user("participant@example.org"),
        "secondary": make_user("secondary@example.org", role_code="journal_reader"),
        "principal": make_user("principal@example.org", role_code="principal_admin"),
    }


@pytest.fixture
def client_for(client, users):
    """client_for("principal") -> a client logged in as that role (MFA already passed);
    client_for("principal", lang="en") for tests that read English interface texts."""
    from django.conf import settings
    from django.test import Client

    def make(role, lang=None):
        c = Client()
        if users[role] is not None:
            c.force_login(users[role])
        if lang:
            c.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        return c

    return make


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"


def set_password_through_reset_link(email, password):
    """Follow the password-reset mail's link like the person would, with a test client."""
    import re

    from django.core import mail
    from django.test import Client

    client = Client()
    client.post("/accounts/password/reset/", {"email": email})
    message = [m for m in mail.outbox if email in m.to][-1]
    path = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", message.body)[1]
    response = client.get(path, follow=True)
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else path
    done = client.post(form_path, {"password1": password, "password2": password})
    assert done.status_code == 302, "the password could not be set through the reset link"
