"""PostgreSQL settings changed for a block of statements, then set back.

planner_settings: the search's statements need a few settings the planner's defaults get wrong
for them (see the callers). In the block's own transaction they end with it. Inside a caller's
transaction, SET LOCAL would keep them to its end and RESET would undo the caller's own SET
LOCAL: the previous values are read and put back instead.

session_settings: a connection's settings for longer than a transaction (an import's writing
connections, see PostgresEngine.bulk_write_settings), put back as they were when it ends.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def planner_settings(**values: str):
    """Yield a cursor whose statements run with the settings `values` (PostgreSQL; elsewhere
    a plain cursor). On an error the rollback of the block's or the caller's transaction undoes them."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    outermost = not connection.in_atomic_block
    # Inside a caller's transaction no savepoint: an error dooms that transaction, whose
    # rollback drops the settings, and a search saves the two round trips per block.
    with transaction.atomic(savepoint=outermost), connection.cursor() as cursor:
        if outermost:  # the block's own transaction: its end drops the settings
            cursor.execute("SELECT set_config(name, new, true) FROM unnest(%s::text[], %s::text[]) AS v(name, new)",
                           [list(values), list(map(str, values.values()))])
            yield cursor
            return
        old = _swap(cursor, values, local=True)
        yield cursor
        _swap(cursor, old, local=True)


@contextmanager
def session_settings(values: dict[str, str]):
    """The connection's session runs with `values` until the block ends, then with the values it
    had (PostgreSQL; elsewhere, or with nothing to set, nothing happens)."""
    if connection.vendor != "postgresql" or not values:
        yield
        return
    with connection.cursor() as cursor:
        old = _swap(cursor, values, local=False)
    try:
        yield
    finally:
        if connection.connection is not None and not connection.needs_rollback:  # else its session or transaction ends anyway
            with connection.cursor() as cursor:
                _swap(cursor, old, local=False)


def _swap(cursor, values: dict[str, str], local: bool) -> dict[str, str]:
    """Set `values`; returns the values they replaced. One round trip: the subquery's row (with
    the old value) is read before set_config runs."""
    names = list(values)
    cursor.execute("SELECT s.name, s.old, set_config(s.name, s.new, %s) FROM (SELECT name, new, current_setting(name) AS old "
                   "FROM unnest(%s::text[], %s::text[]) AS v(name, new) OFFSET 0) s", [local, names, [str(values[n]) for n in names]])
    return {name: old for name, old, _ in cursor.fetchall()}
