"""gunicorn production settings. Override any of them with GUNICORN_CMD_ARGS or the env vars below."""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Load Django (and jieba's dictionary) once in the master; workers share it copy-on-write.
preload_app = True
timeout = 30
graceful_timeout = 20
keepalive = 5
max_requests = 5000
max_requests_jitter = 500
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Logs: one JSON object per line on stdout, with the app's formatter (zhuzhou_archive/logging.py),
# so gunicorn's own messages (worker boot, timeouts, crashes) are as greppable as the app's.
# GUNICORN_ACCESS_LOG: "-" (default) stdout, a file path, or empty for no access log.
_access = os.environ.get("GUNICORN_ACCESS_LOG", "-")
accesslog = _access or None
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms'  # the message; the formatter adds the fields
errorlog = "-"
_stdout = {"class": "logging.StreamHandler", "formatter": "oneline", "stream": "ext://sys.stdout"}
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"oneline": {"()": "zhuzhou_archive.logging.OneLineJSONFormatter"}},
    "handlers": {
        "stdout": _stdout,
        "access": _stdout if _access in ("", "-") else {"class": "logging.FileHandler", "formatter": "oneline", "filename": _access},
    },
    "root": {"level": "INFO", "handlers": ["stdout"]},
    # propagate off: Django's LOGGING also puts a stdout handler on the root logger; one line per record.
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
        # logconfig_dict turns access logging on even without accesslog: an empty setting silences it here.
        "gunicorn.access": {"level": "INFO" if _access else "CRITICAL", "handlers": ["access"], "propagate": False},
    },
}


def when_ready(server):
    """In the master, after the app is preloaded and before any worker forks: load jieba's dictionary
    (with the archive's place and author names) once, so workers share it instead of each paying
    about a second on its first search. Then close the database connection it used: a forked
    worker must open its own."""
    import gc

    from django.db import connections

    from articles.search.tokens import get_jieba

    get_jieba()
    connections.close_all()
    gc.freeze()  # the collector then never writes to these objects, so workers keep sharing their pages


# Every this many requests a worker hands freed heap memory back to the system. A search's
# full-text reads (SQLite's FTS5 doclists, result lists) leave the C heap holding freed pages
# that malloc keeps: over 100 distinct searches a worker grew from 176 to 208 MB RSS, and
# malloc_trim brought it back to 180 in 0.3 ms (docs/benchmarks.md).
TRIM_EVERY = int(os.environ.get("GUNICORN_TRIM_EVERY", "16"))


def _malloc_trim():
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc (musl, macOS): nothing to trim
        return None


def post_fork(server, worker):
    worker.served, worker.malloc_trim = 0, _malloc_trim() if TRIM_EVERY > 0 else None


def post_request(worker, req, environ, resp):
    worker.served += 1
    if worker.malloc_trim is not None and worker.served % TRIM_EVERY == 0:
        worker.malloc_trim(0)
