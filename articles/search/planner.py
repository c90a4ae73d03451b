"""PostgreSQL planner settings changed for a block of statements, then set back.

The search's statements need a few settings the planner's defaults get wrong for them (see
the callers). In the block's own transaction they end with it. Inside a caller's transaction,
SET LOCAL would keep them to its end and RESET would undo the caller's own SET LOCAL: the
previous values are read and put back instead.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def planner_settings(**values: str):
    """Yield a cursor whose statements run with the settings `values` (PostgreSQL; elsewhere
    a plain cursor). On an error the savepoint's rollback undoes them."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    names, new = list(values), [str(v) for v in values.values()]
    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if outermost:  # the block's own transaction: its end drops the settings
            cursor.execute("SELECT set_config(name, new, true) FROM unnest(%s::text[], %s::text[]) AS v(name, new)", [names, new])
            yield cursor
            return
        # One round trip: the subquery's row (with the old value) is read before set_config runs.
        cursor.execute("SELECT s.name, s.old, set_config(s.name, s.new, true) FROM (SELECT name, new, current_setting(name) AS old "
                       "FROM unnest(%s::text[], %s::text[]) AS v(name, new) OFFSET 0) s", [names, new])
        old = {name: value for name, value, _ in cursor.fetchall()}
        yield cursor
        cursor.execute("SELECT set_config(name, old, true) FROM unnest(%s::text[], %s::text[]) AS v(name, old)",
                       [names, [old[name] for name in names]])
