"""Second-factor codes are limited per account, in a store every process shares, and the
blocks are journaled (issue 31, defect 8)."""

import os
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from civitas.core.models import JournalEntry, SecondFactorThrottle
from tests.conftest import PASSWORD, TOTP_SECRET, make_user, totp_code

ROOT = Path(__file__).resolve().parents[2]


def start_login(email):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    return client


def code(client, value):
    return client.post("/accounts/2fa/authenticate/", {"code": value})


def wrong_code():
    right = totp_code(TOTP_SECRET)
    return "000000" if right != "000000" else "111111"


@pytest.mark.django_db
def test_five_wrong_codes_block_the_account_even_across_sessions(org):
    admin = make_user("mfa-admin@example.org", role_code="principal_admin")
    # Two separate browsers (sessions) share the account's count.
    first, second = start_login(admin.email), start_login(admin.email)
    for _ in range(3):
        assert code(first, wrong_code()).status_code == 200
    assert code(second, wrong_code()).status_code == 200
    blocked = code(second, wrong_code())
    assert "Too many wrong codes" in blocked.content.decode()
    # Now even the right code is refused, in both sessions, and no session opens.
    for client in (first, second):
        refused = code(client, totp_code(TOTP_SECRET))
        assert refused.status_code == 200
        assert "Too many wrong codes" in refused.content.decode()
        assert "_auth_user_id" not in client.session
    entry = JournalEntry.objects.get(action="auth.second_factor_blocked")
    assert entry.object_id == str(admin.pk) and entry.details["failures"] == 5
    # After the delay, the right code works and clears the count.
    SecondFactorThrottle.objects.filter(user=admin).update(
        locked_until=timezone.now() - timedelta(seconds=1)
    )
    third = start_login(admin.email)
    assert code(third, totp_code(TOTP_SECRET))["Location"] == "/backoffice/"
    assert not SecondFactorThrottle.objects.filter(user=admin).exists()


@pytest.mark.django_db
def test_a_right_code_resets_the_count_and_other_accounts_are_not_affected(org):
    from civitas.core.second_factor import blocked_message

    admin = make_user("mfa-a@example.org", role_code="principal_admin")
    other = make_user("mfa-b@example.org", role_code="principal_admin")
    client = start_login(admin.email)
    for _ in range(4):
        code(client, wrong_code())
    assert code(client, totp_code(TOTP_SECRET))["Location"] == "/backoffice/"
    assert not SecondFactorThrottle.objects.filter(user=admin).exists()
    client = start_login(admin.email)
    for _ in range(4):
        assert "Too many" not in code(client, wrong_code()).content.decode()
    # Another account's wrong codes never block this one.
    other_client = start_login(other.email)
    for _ in range(6):
        code(other_client, wrong_code())
    assert blocked_message(other) and blocked_message(admin) is None
    assert SecondFactorThrottle.objects.get(user=admin).failures == 4


@pytest.mark.django_db
def test_reauthentication_is_limited_too(org):
    admin = make_user("mfa-re@example.org", role_code="principal_admin")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin)
    for _ in range(5):
        client.post("/accounts/2fa/reauthenticate/", {"code": wrong_code()})
    refused = client.post("/accounts/2fa/reauthenticate/", {"code": totp_code(TOTP_SECRET)})
    assert "Too many wrong codes" in refused.content.decode()


SCRIPT = textwrap.dedent(
    """
    import django, sys
    django.setup()
    from django.test import Client
    from tests.conftest import PASSWORD
    email, wrong, tries = sys.argv[1], sys.argv[2], int(sys.argv[3])
    client = Client()
    r = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert r["Location"] == "/accounts/2fa/authenticate/", r
    for _ in range(tries):
        client.post("/accounts/2fa/authenticate/", {"code": wrong})
    print("done")
    """
)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_count_is_shared_by_separate_processes(org):
    """Another OS process (another web worker) makes 3 wrong tries; this one makes 2 more,
    and the account is blocked: the count is not per process."""
    from civitas.core.models import Role

    if not Role.objects.filter(code="principal_admin").exists():
        Role.objects.create(code="principal_admin", name="Admin", is_system=True)
    admin = make_user("mfa-proc@example.org", role_code="principal_admin")
    db = connection.settings_dict
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="civitas.settings.test",
        DATABASE_URL=(
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        PYTHONPATH=f"{ROOT / 'src'}:{ROOT}",
    )
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, admin.email, wrong_code(), "3"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert SecondFactorThrottle.objects.get(user=admin).failures == 3
    client = start_login(admin.email)
    code(client, wrong_code())
    assert "Too many wrong codes" in code(client, wrong_code()).content.decode()
    refused = code(client, totp_code(TOTP_SECRET))
    assert "_auth_user_id" not in client.session
    assert "Too many wrong codes" in refused.content.decode()
