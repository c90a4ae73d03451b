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
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
access_log_format = '{"remote": "%(h)s", "request": "%(r)s", "status": %(s)s, "bytes": "%(B)s", "ms": %(M)s}'
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
