"""Where the files of a run are written: one lane, or several database connections at once.

A PostgreSQL import spends about half its time with the writer waiting for the server and
the other half with the server waiting for the writer (at 100k: each ~48 % of a core, the
second core mostly idle). Two lanes, each a thread with its own connection, RunContext and
index batch, keep both busy: while one waits for the server, the other builds rows.

A file goes to the lane of its issue date, so one day's files are written in order by one
connection. A new file creates its new authors first, in name order, so two lanes meeting
the same new names wait for each other rather than deadlock. What two lanes can still both
create (two homophone names with one slug, a section, an issue reached through a date
redirect) fails one of them on a unique constraint or a deadlock: that file is retried, with
the other lane's rows re-read, up to three times. SQLite allows one writer at a time,
so it always has one lane, run in the calling thread, exactly as a serial import.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack

from django.db import connection, connections

from articles.importing.context import RunContext
from articles.search.planner import session_settings

PARALLEL_FROM = 50  # files: below this a worker process or a second lane costs more than it saves
MAX_LANES = 4


def auto_lanes(file_count: int) -> int:
    """Two lanes on PostgreSQL for a run of many files on 2+ cores, outside a caller's transaction."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1  # a caller's transaction must hold every write: one connection
    return 2 if file_count >= PARALLEL_FROM and (os.cpu_count() or 1) >= 2 else 1


def completed(value) -> Future:
    """A future that already holds its result: what the calling thread decided or wrote itself."""
    future: Future = Future()
    future.set_result(value)
    return future


def check_lanes(lanes: int) -> None:
    if lanes < 1 or lanes > MAX_LANES:
        raise ValueError(f"写入连接数须在 1 到 {MAX_LANES} 之间 (lanes must be 1–{MAX_LANES})")
    if lanes > 1 and connection.vendor != "postgresql":
        raise ValueError("SQLite 只允许一个写入连接;多个写入连接仅用于 PostgreSQL (several lanes need PostgreSQL)")
    if lanes > 1 and connection.in_atomic_block:
        raise ValueError("在事务中导入时只能用一个写入连接 (several lanes cannot share a caller's transaction)")


class Lane:
    """One writer: a thread with its own connection (threaded), or the calling thread."""

    def __init__(self, threaded: bool, make_batch: Callable[[], object], settings: dict[str, str] | None = None):
        self.threaded = threaded
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-lane") if threaded else None
        self.batch = make_batch()
        self.context: RunContext | None = None
        self.settings = settings or {}  # the connection's, while the lane writes (session_settings)
        self._settings = ExitStack()

    def submit(self, fn: Callable, *args) -> Future:
        if self._executor:
            return self._executor.submit(fn, self, *args)
        try:
            return completed(fn(self, *args))
        except BaseException as exc:  # noqa: BLE001 — handed to whoever reads the result
            future: Future = Future()
            future.set_exception(exc)
            return future

    def load_context(self) -> Future:
        def load(lane: Lane) -> None:
            lane._settings.enter_context(session_settings(lane.settings))
            lane.context = RunContext.load()

        return self.submit(load)

    def close(self) -> None:
        """Announce the lane's last changes and, for a thread, close its connection."""

        def finish(lane: Lane) -> None:
            try:
                lane.batch.flush()
            finally:
                lane._settings.close()  # the calling thread's connection goes on as it was
                if lane.threaded:
                    connections.close_all()  # this thread's connections only

        try:
            self.submit(finish).result()
        finally:
            if self._executor:
                self._executor.shutdown(wait=True)


class Lanes:
    """`count` lanes; a file's lane is chosen by its issue date. `settings`: each lane's connection's."""

    def __init__(self, count: int, make_batch: Callable[[], object], load_context: bool = True, settings: dict[str, str] | None = None):
        self.lanes = [Lane(threaded=count > 1, make_batch=make_batch, settings=settings) for _ in range(count)]
        if load_context:
            for future in [lane.load_context() for lane in self.lanes]:
                future.result()

    @property
    def authors_created(self) -> int:
        return sum(lane.context.authors_created for lane in self.lanes if lane.context)

    def submit(self, key: int, fn: Callable, *args) -> Future:
        return self.lanes[key % len(self.lanes)].submit(fn, *args)

    def close(self) -> None:
        errors = []
        for lane in self.lanes:
            try:
                lane.close()
            except Exception as exc:  # noqa: BLE001 — close every lane, then raise the first error
                errors.append(exc)
        if errors:
            raise errors[0]
