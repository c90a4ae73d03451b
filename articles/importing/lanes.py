"""Where the files of a run are written: the calling thread, or several processes at once.

A lane is one writer with its own connection, RunContext (authors, sections) and index batch.
One lane writes in the calling thread. Several (PostgreSQL only) are each a process of their
own (lane_process.py): the writer's Python work, about as much CPU as the server's, then runs
on every core. Lanes as threads of one process shared its interpreter lock and left a fifth of
the machine idle: 20,000 articles took 43-44 s that way, against 34-35 s for two processes.

A file goes to the lane of its issue date, so one day's files are written in order by one
connection. A new file creates its new authors first, in name order, so two lanes meeting
the same new names wait for each other rather than deadlock. What two lanes can still both
create (two homophone names with one slug, a section, an issue reached through a date
redirect) fails one of them on a unique constraint or a deadlock: that file is retried, with
the other lane's rows re-read, up to three times. SQLite allows one writer at a time,
so it always has one lane, run in the calling thread.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import ExitStack

from django.db import connection

from articles.importing import lane_process
from articles.importing.context import RunContext
from articles.search.planner import session_settings

PARALLEL_FROM = 50  # files: below this a worker process or a second lane costs more than it saves
MAX_LANES = 4


def auto_lanes(tasks: int) -> int:
    """Two lanes on PostgreSQL for a run of many tasks (files, index batches) on 2+ cores, outside a caller's transaction."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1  # a caller's transaction must hold every write: one connection
    return 2 if tasks >= PARALLEL_FROM and (os.cpu_count() or 1) >= 2 else 1


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
    """One writer on the current thread's connection. `concurrent`: other lanes write beside it
    (its conflicts are retried). `settings`: its connection's while it writes (session_settings).
    `make_batch`: its index batch (None for a lane that writes the index itself: a rebuild's)."""

    def __init__(self, make_batch: Callable[[], object] | None, concurrent: bool = False, settings: dict[str, str] | None = None):
        self.concurrent = concurrent
        self.batch = make_batch() if make_batch else None
        self.settings = settings or {}
        self.context: RunContext | None = None
        self._settings = ExitStack()

    def open(self, load_context: bool = True) -> None:
        """Apply the settings; `load_context`: read the run's authors, sections and places (a file writer needs them)."""
        self._settings.enter_context(session_settings(self.settings))
        if load_context:
            self.context = RunContext.load()

    def finish(self) -> int:
        """Announce the lane's last changes and put its connection's settings back; returns the authors it created."""
        try:
            if self.batch is not None:
                self.batch.flush()
        finally:
            self._settings.close()
        return self.context.authors_created if self.context else 0


class InlineLane:
    """The one lane of a run, in the calling thread: exactly a serial import."""

    def __init__(self, make_batch: Callable[[], object] | None, settings: dict[str, str], load_context: bool):
        self.lane = Lane(make_batch, settings=settings)
        self.lane.open(load_context)  # without: a dry run, which writes nothing, or a rebuild

    def submit(self, fn: Callable, *args) -> Future:
        try:
            return completed(fn(self.lane, *args))
        except BaseException as exc:  # noqa: BLE001 — handed to whoever reads the result
            future: Future = Future()
            future.set_exception(exc)
            return future

    def close(self) -> int:
        return self.lane.finish()


class ProcessLane:
    """A lane in a process of its own (spawned: it must not share the parent's connection),
    started with the parent's database settings, a test database's included."""

    def __init__(self, make_batch: Callable[[], object] | None, settings: dict[str, str], load_context: bool = True):
        self._executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=lane_process.start,
                                             initargs=(os.getpid(), dict(connection.settings_dict), pickle.dumps(make_batch), settings,
                                                       load_context))

    def submit(self, fn: Callable, *args) -> Future:
        return self._executor.submit(lane_process.run, fn, *args)

    def close(self) -> int:
        try:
            return self._executor.submit(lane_process.finish).result()
        finally:
            self._executor.shutdown(wait=True)


class Lanes:
    """`count` lanes; a file's lane is chosen by its issue date. `settings`: each lane's connection's.
    `make_batch`: a lane's index batch; several lanes build theirs in their processes, so it must pickle.
    `room`: the files a lane may hold unwritten; submitting more waits for that lane only, so a
    slow file in one lane never leaves the others without work."""

    def __init__(self, count: int, make_batch: Callable[[], object] | None, load_context: bool = True, settings: dict[str, str] | None = None,
                 room: int = 8):
        settings = settings or {}
        if count == 1:
            self.lanes = [InlineLane(make_batch, settings, load_context)]
        else:
            self.lanes = [ProcessLane(make_batch, settings, load_context) for _ in range(count)]
        self.room = room
        self._unwritten: list[deque[Future]] = [deque() for _ in self.lanes]
        self.authors_created = 0

    def submit(self, key: int, fn: Callable, *args) -> Future:
        index = key % len(self.lanes)
        unwritten = self._unwritten[index]
        while unwritten and unwritten[0].done():
            unwritten.popleft()
        while len(unwritten) >= self.room:
            done, _ = wait(unwritten, return_when=FIRST_COMPLETED)
            self._unwritten[index] = unwritten = deque(f for f in unwritten if f not in done)
        future = self.lanes[index].submit(fn, *args)
        unwritten.append(future)
        return future

    def close(self) -> None:
        """Close every lane (announcing what each has left to the index), then raise the first error."""
        errors = []
        for lane in self.lanes:
            try:
                self.authors_created += lane.close()
            except Exception as exc:  # noqa: BLE001 — close every lane, then raise the first error
                errors.append(exc)
        if errors:
            raise errors[0]
