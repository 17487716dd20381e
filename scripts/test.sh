#!/usr/bin/env bash
# The whole test suite. SQLite by default; PostgreSQL when DATABASE_URL is set.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
echo "Database: ${DATABASE_URL:-SQLite (in memory)}"
ruff check . || exit 1
PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}" lint-imports --no-cache --no-logo || exit 1
# --durations: the slowest tests are printed, so a slow CI run tells where its time went.
pytest -n "${PYTEST_WORKERS:-2}" --dist loadgroup --durations=25 "$@"
status=$?
# pytest's exit 5 means "no tests collected": that is a failure for us too.
exit $status
