"""Settings come from the environment; production refuses to start on missing secrets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k" * 60


def run_django(env_overrides: dict[str, str], code: str = "import django; django.setup(); print('started')"):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DATABASE_URL"}}
    env.update({"DJANGO_SETTINGS_MODULE": "zhuzhou_archive.settings", **env_overrides})
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_production_without_secret_key_refuses_to_start():
    result = run_django({"DEBUG": "0", "ALLOWED_HOSTS": "example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_with_weak_secret_key_refuses_to_start():
    result = run_django({"DEBUG": "0", "SECRET_KEY": "short", "ALLOWED_HOSTS": "example.org"})
    assert result.returncode != 0
    assert "too weak" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    result = run_django({"DEBUG": "0", "SECRET_KEY": STRONG_KEY})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_with_real_settings_starts():
    result = run_django({"DEBUG": "0", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "example.org"})
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_development_gets_a_builtin_key():
    code = "import django; django.setup(); from django.conf import settings; print(len(settings.SECRET_KEY) > 50)"
    result = run_django({"DEBUG": "1"}, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_manage_py_reports_configuration_errors_without_traceback():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env["DEBUG"] = "0"
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_invalid_boolean_is_rejected():
    result = run_django({"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_locale_and_timezone(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"


def test_sqlite_is_tuned_for_several_processes():
    code = (
        "import django; django.setup(); from django.conf import settings;"
        "o = settings.DATABASES['default']['OPTIONS']; print(o['transaction_mode'], 'journal_mode=WAL' in o['init_command'],"
        " 'busy_timeout' in o['init_command'])"
    )
    result = run_django({"DEBUG": "1", "DATABASE_URL": "sqlite:////tmp/zz-settings-test.sqlite3"}, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["IMMEDIATE", "True", "True"]


@pytest.mark.parametrize("max_age, reused", [(None, True), ("0", False)])
def test_sqlite_connections_outlive_a_request(tmp_path, max_age, reused):
    """Opening an SQLite connection and its PRAGMAs costs ~0.6 ms of CPU: requests reuse one
    (DB_CONN_MAX_AGE, as on PostgreSQL) unless told not to."""
    code = (
        "import io, django; django.setup()\n"
        "from django.core.handlers.wsgi import WSGIHandler\n"
        "from django.db import connection\n"
        "app, seen = WSGIHandler(), []\n"
        "for _ in range(2):\n"
        "    response = app({'REQUEST_METHOD': 'GET', 'PATH_INFO': '/healthz', 'SERVER_NAME': 'localhost', 'SERVER_PORT': '80',"
        " 'wsgi.input': io.BytesIO(), 'wsgi.url_scheme': 'http'}, lambda status, headers: None)\n"
        "    b''.join(response); response.close()  # close() ends the request, as gunicorn does\n"
        "    seen.append(id(connection.connection) if connection.connection else None)\n"
        "print(seen[0] is not None and seen[0] == seen[1])\n"
    )
    env = {"DEBUG": "1", "ALLOWED_HOSTS": "localhost", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    if max_age is not None:
        env["DB_CONN_MAX_AGE"] = max_age
    result = run_django(env, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(reused)


def test_database_url_selects_postgresql():
    code = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = run_django({"DEBUG": "1", "DATABASE_URL": "postgres://u@127.0.0.1:5432/zz"}, code)
    assert result.stdout.strip() == "django.db.backends.postgresql"


@pytest.mark.parametrize("value, threshold", [(None, "5"), ("0", "None"), ("1", "5")])
def test_postgresql_prepares_statements_unless_a_pooler_forbids_it(value, threshold):
    code = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['OPTIONS']['prepare_threshold'])"
    env = {"DEBUG": "1", "DATABASE_URL": "postgres://u@127.0.0.1:5432/zz"}
    if value is not None:
        env["DB_PREPARED_STATEMENTS"] = value
    result = run_django(env, code)
    assert result.stdout.strip() == threshold, result.stderr


@pytest.mark.parametrize("header", ["Strict-Transport-Security", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"])
def test_security_headers_in_production(client, settings, header, db):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = False
    response = client.get("/healthz", secure=True)
    assert response.status_code == 200
    assert header in response.headers


def test_proxy_trust_is_a_count_and_the_old_flag_is_refused():
    code = "import django; django.setup(); from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT, settings.AXES_CLIENT_IP_CALLABLE)"
    result = run_django({"DEBUG": "1", "TRUSTED_PROXY_COUNT": "1"}, code)
    assert result.stdout.split() == ["1", "articles.search.ratelimit.client_ip"], result.stderr
    result = run_django({"DEBUG": "1", "TRUSTED_PROXY_COUNT": "-1"})
    assert result.returncode != 0 and "TRUSTED_PROXY_COUNT" in result.stderr
    # It used to trust the forgeable left-most X-Forwarded-For address: fail loudly rather than guess.
    result = run_django({"DEBUG": "1", "AXES_BEHIND_PROXY": "1"})
    assert result.returncode != 0 and "TRUSTED_PROXY_COUNT=1" in result.stderr


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit_or_parallel_workers():
    """JIT compilation and parallel workers' start cost more than the search's misestimated GIN
    reads they were spent on (PostgreSQL)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit'), current_setting('max_parallel_workers_per_gather')")
        assert cursor.fetchone() == ("off", "0")
