"""Schemathesis on the child protection API, as the events API is tested
(tests/events/test_schemathesis.py): generated valid and invalid requests to every
/api/v1/childprotection/ operation, as the CRIP (every file) and as a territory agent (files
of the other territory included in the ids drawn: they must answer 404, documented). No 5xx,
status codes, content types and bodies as the schema says."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode

from civitas.childprotection.models import Child
from civitas.core.models import Organisation
from tests.events.test_schemathesis import _run, keep_test_connection  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.engine_agnostic]


@pytest.mark.parametrize("role", ["crip", "north"])
def test_childprotection_api_conforms_to_its_schema(cp, role, keep_test_connection):  # noqa: F811
    org = Organisation.get()
    org.mfa_required_backoffice = False  # the token authenticates (see the events test)
    org.backoffice_ip_allowlist = ""
    org.save()
    Child.objects.create(file=cp["north_file"], last_name="Lefèvre", first_name="Zoé")
    Child.objects.create(file=cp["south_file"], last_name="Dupont", first_name="Hugo")
    token = Token.objects.get_or_create(user=cp["users"][role])[0].key
    ids = {"files": [cp["north_file"].pk, cp["south_file"].pk]}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith("/api/v1/childprotection/"):
            continue
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _run(operation, mode, token, None, ids, failures)
    assert operations == 3
    assert not failures, "\n\n".join(failures[:20]) + f"\n\n{len(failures)} failures"
