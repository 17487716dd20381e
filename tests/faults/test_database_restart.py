"""PostgreSQL restarted while the application serves: a clean 503 page (no stack trace) for
the requests that reach a stopped database, and recovery by itself once it is back."""

import time

import pytest

from .conftest import Server, app_env, manage

# Its own PostgreSQL cluster and application: the test database engine plays no part.
pytestmark = pytest.mark.engine_agnostic


@pytest.fixture
def served(pg_cluster):
    pg_cluster.run(
        "createdb", "-h", "127.0.0.1", "-p", str(pg_cluster.port), "-U", "postgres", "civitas"
    )
    env = app_env(DATABASE_URL=pg_cluster.url(), CONN_MAX_AGE="60")
    manage("migrate", "--no-input", env=env)
    manage("load_demo", env=env)
    server = Server(env)
    yield pg_cluster, server
    server.stop()


def test_database_restart_gives_503_then_recovers(served):
    cluster, server = served
    status, _h, body = server.get("/")
    assert status == 200, body[:500]

    cluster.stop()
    status, headers, body = server.get("/")
    assert status == 503, body[:500]
    assert headers.get("Retry-After") == "30"
    assert "Service momentanément indisponible" in body
    assert "Traceback" not in body and "OperationalError" not in body
    # every request while the database is down gets the same clean answer
    assert server.get("/evenements/")[0] == 503

    started = time.monotonic()
    cluster.start()
    # the persistent connection is stale: the health check replaces it on the next request
    status, _h, body = server.get("/")
    assert status == 200, body[:500]
    assert time.monotonic() - started < 30
