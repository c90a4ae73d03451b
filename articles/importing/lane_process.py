"""The inside of a lane process (see lanes.ProcessLane): Django set up, one Lane, its tasks.

Nothing from Django or the app is imported at the top: a spawned process imports this module
to find start(), before Django is set up.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import signal

_lane = None  # this process's Lane, once started


def start(parent: int, database: dict, make_batch: bytes, settings: dict[str, str], load_context: bool = True) -> None:
    """Set Django up on the parent's database and open this process's lane. `make_batch` is
    pickled: it names the app's code, which can only be imported once Django is set up."""
    _die_with_parent(parent)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhuzhou_archive.settings")
    from django.conf import settings as django_settings

    django_settings.DATABASES["default"] = database  # before any connection: a test run's database too
    import django

    django.setup()
    from articles.importing.lanes import Lane

    global _lane
    _lane = Lane(pickle.loads(make_batch), concurrent=True, settings=settings)
    _lane.open(load_context)


def run(fn, *args):
    return fn(_lane, *args)


def finish() -> int:
    """Announce what the lane has left and close its connection; returns the authors it created."""
    from django.db import connections

    try:
        return _lane.finish()
    finally:
        connections.close_all()


def _die_with_parent(parent: int) -> None:
    """A killed import must not leave a lane writing on (Linux; elsewhere it ends at its next task)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # it died before the line above
        os._exit(1)
