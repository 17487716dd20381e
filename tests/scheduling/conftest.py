"""The optimiser's tests use no database: CI runs them once (see the engine_agnostic marker)."""

import pytest


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/scheduling/" in str(item.fspath):
            item.add_marker(pytest.mark.engine_agnostic)
