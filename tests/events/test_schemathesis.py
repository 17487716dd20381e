"""Schemathesis against the OpenAPI schema the API serves (issue 31, item 5).

The schema is read from ``/api/schema/`` through the WSGI application (no server, the test
database), then every operation gets generated requests (valid ones and, for the query and
body, invalid ones) as an organiser of the event (CRM read and write rights) and as a
participant (no role). Every answer must be free of server errors (5xx) and conform to the
schema: status code documented, content type, body schema.

Bounded: 25 examples per operation, mode and role, derandomised (the same cases on every
run). About a minute on two cores (marked ``slow``).
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from civitas.core.models import Organisation, Role, RoleAssignment
from civitas.core.permissions import clear_cache
from civitas.events.models import DeletedRecord, Meeting, MeetingRequest, Room, Slot
from tests.conftest import make_user
from tests.events.conftest import make_company, make_event

pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.engine_agnostic]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 25  # per operation, generation mode and role


@pytest.fixture
def demo(db):
    """A published event with validated and pending companies, offers with keywords, a
    meeting, a deleted record; an organiser and a participant, each with an API token."""
    # The API follows the back office's second-factor and IP rules (issue 31, item 2): the
    # organiser authenticates with a token here, so the organisation does not require a
    # second factor for the back office and has no IP allowlist during this test.
    org = Organisation.get()
    org.mfa_required_backoffice = False
    org.backoffice_ip_allowlist = ""
    org.save()

    event = make_event("salon-api")
    sector = event.sectors.order_by("pk").first()
    acme = make_company(
        event,
        "Acmé Robotique",
        reps=2,
        sector=sector,
        offers=[("offer", "Bras robotisés", ["Électronique", "Industrie"])],
    )
    beta = make_company(event, "Beta Logistique", offers=[("request", "Transport", ["fret"])])
    make_company(event, "Gamma En Attente", validated=False)
    request = MeetingRequest.objects.create(
        event=event,
        sender=acme.representatives.first(),
        recipient=beta.representatives.first(),
        state=MeetingRequest.State.CONFIRMED,
    )
    meeting = Meeting.objects.create(
        event=event,
        request=request,
        slot=Slot.objects.filter(session__day__event=event).first(),
        room=Room.objects.get(site__event=event),
        table_number=3,
    )
    DeletedRecord.objects.create(event_id=event.pk, kind="contact", object_id=999)

    role = Role.objects.create(
        code="event_api",
        name="Organiser (API)",
        permissions=["core.access_backoffice", "events.view_registrations", "events.api_write"],
    )
    organiser = make_user("organiser-api@example.org")
    RoleAssignment.objects.create(user=organiser, role=role, scope_type="event", scope_id=event.pk)
    clear_cache(organiser)
    participant = acme.representatives.first().user or make_user("participant-api@example.org")
    ids = {
        "companies": [acme.pk, beta.pk],
        "contacts": list(acme.representatives.values_list("pk", flat=True)),
        "meetings": [meeting.pk],
    }
    return {
        "event": event,
        "ids": ids,
        "tokens": {
            "organiser": Token.objects.get_or_create(user=organiser)[0].key,
            "participant": Token.objects.get_or_create(user=participant)[0].key,
        },
    }


def _real_ids(path, ids):
    for kind, values in ids.items():
        if f"/{kind}/{{id}}/" in path:
            return values
    return []


def _is_api_route(path) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return hasattr(match.func, "cls")  # a DRF view


def _run(operation, mode, token, slug, ids, failures):
    """Generate and send up to EXAMPLES requests of one operation; collect failures."""
    paths = {"slug": slug} if "{slug}" in operation.path else {}
    real = _real_ids(operation.path, ids)
    strategy = st.tuples(
        operation.as_strategy(generation_mode=mode, path_parameters=paths or None),
        st.sampled_from([*real, None]),
    )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def send(drawn):
        case, real_id = drawn
        if real_id is not None and "id" in (case.path_parameters or {}):
            case.path_parameters["id"] = real_id
        headers = {"Authorization": f"Token {token}"}
        response = case.call(headers=headers)
        # An invalid path parameter ("0", "-1", "abc") can make a URL no API route matches:
        # the site answers (its HTML 404 page, or another page); only no 5xx is asked then.
        checks = CHECKS if _is_api_route(case.formatted_path) else [not_a_server_error]
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except (Exception, BaseExceptionGroup) as exc:  # report every failure, go on
            failures.append(f"{operation.label} [{mode.value}]: {str(exc)[:600]}")

    try:
        send()
    except Unsatisfiable:
        # No invalid request can be made for an operation without parameters or body.
        assert mode == GenerationMode.NEGATIVE, operation.label


@pytest.fixture
def keep_test_connection():
    """The WSGI handler starts and ends each request by closing "old" connections, which
    closes the test's own transaction on a file database; Django's test client disconnects
    that receiver for the same reason."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ["organiser", "participant"])
def test_api_conforms_to_its_schema_without_server_errors(demo, role, keep_test_connection):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path == "/api/schema/":
            continue
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _run(operation, mode, demo["tokens"][role], demo["event"].slug, demo["ids"], failures)
    assert operations >= 15
    assert not failures, "\n\n".join(failures[:20]) + f"\n\n{len(failures)} failures"
