"""What PostgreSQL's planner must know to search names on 200,000 children.

The name search (services/files.py `_name_matches`) asks, per word typed, "the name contains
it OR holds a word like it" (`%>`, pg_trgm). pg_trgm declares its similarity function as
cheap as an equality (cost 1), so on an OR of both the planner prefers reading every child
and computing the similarity per row (336 ms at 200,000 children) to the two trigram index
scans it would otherwise combine (43 ms). Declaring the function's real cost fixes the plan.
Done by migration 0010, and again after a restore (pg_restore recreates the extension with its
defaults) through core's `database_restored` signal. Needs the owner of the extension (the
database owner in the runbook's installation); without that right it is logged and skipped:
the search stays right, only slower.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, transaction

log = logging.getLogger(__name__)

SQL = "ALTER FUNCTION word_similarity_commutator_op(text, text) COST 100"


def declare_costs(connection) -> bool:
    if connection.vendor != "postgresql":
        return False
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(SQL)
    except DatabaseError as exc:
        log.warning("Could not declare pg_trgm costs (%s): name search will be slower", exc)
        return False
    return True


def on_restore(sender, connection, **kwargs):
    declare_costs(connection)


def connect():
    from civitas.core.signals import database_restored

    database_restored.connect(on_restore, dispatch_uid="childprotection.planner")
