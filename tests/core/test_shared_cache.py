"""The default cache outside tests is the database table of core migration 0010, shared by
every process: a TOTP code used through one web process cannot be used again through
another one (allauth keeps the used codes in the default cache)."""

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from civitas.settings import base
from tests.conftest import add_totp, make_user, totp_code

pytestmark = pytest.mark.django_db


def test_the_migration_made_the_cache_table():
    assert "civitas_cache" in connection.introspection.table_names()


@override_settings(CACHES=base.CACHES)
def test_a_totp_code_is_used_once_across_processes():
    from allauth.mfa.totp.internal.auth import TOTP

    assert base.CACHES["default"]["LOCATION"] == "civitas_cache"
    user = make_user("agent@example.org")
    authenticator = add_totp(user)
    code = totp_code()
    assert TOTP(authenticator).validate_code(code)
    # Another process: its own cache objects, the same table.
    caches.close_all()
    del caches["default"]
    assert not TOTP(authenticator).validate_code(code)
    other = DatabaseCache("civitas_cache", {})
    assert not other.add(TOTP(authenticator)._get_used_cache_key(code), "y")


def test_check_deploy_warns_of_a_cache_per_process(capsys):
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ):
        from civitas.core.checks import shared_cache

        assert [w.id for w in shared_cache(None)] == ["civitas.W001"]
    with override_settings(CACHES=base.CACHES):
        assert shared_cache(None) == []
        call_command("check", "--deploy", "--tag", "security")
    assert "civitas.W001" not in capsys.readouterr().err
