"""Production settings pass Django's deployment checklist and send the security headers."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def check_deploy(**overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC"))}
    env.update({
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "archive.example.org",
        **overrides,
    })
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def test_check_deploy_reports_no_warnings():
    result = check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_behind_a_redirecting_proxy_reports_no_warnings():
    # The README's proxy setup: TLS and the HTTP->HTTPS redirect happen at the proxy.
    result = check_deploy(SECURE_SSL_REDIRECT="0", SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout and "W008" not in result.stdout + result.stderr


def test_check_deploy_still_warns_about_other_weakened_settings():
    # Silencing W008 is only for the redirect: turning HSTS off must still be reported.
    result = check_deploy(SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0")
    assert result.returncode != 0 and "security.W004" in result.stdout + result.stderr


@pytest.mark.django_db
def test_content_security_policy_forbids_inline_scripts(client):
    response = client.get("/healthz")
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if " " in part.strip())
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'self'" in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_ssl_redirect_is_on_by_default_in_production_and_can_be_turned_off():
    code = "import django; django.setup(); from django.conf import settings; print(settings.SECURE_SSL_REDIRECT, getattr(settings, 'SECURE_PROXY_SSL_HEADER', None))"
    base = {k: v for k, v in os.environ.items() if not k.startswith("SECURE_")}
    base.update({"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "a.example"})
    on = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**base, "DJANGO_SETTINGS_MODULE": "zhuzhou_archive.settings"}, capture_output=True, text=True)
    assert on.stdout.split() == ["True", "None"], on.stderr
    off = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "zhuzhou_archive.settings", "SECURE_SSL_REDIRECT": "0", "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO"},
        capture_output=True, text=True,
    )
    assert off.stdout.strip() == "False ('HTTP_X_FORWARDED_PROTO', 'https')", off.stderr


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_logs_one_json_object_per_line_on_stdout(tmp_path):
    import json
    import time
    import urllib.request

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "DATABASE_URL"))}
    env.update({"DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "CACHE_DIR": str(tmp_path / "cache")})
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "zhuzhou_archive.wsgi:application", "--config", "zhuzhou_archive/gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz?probe=1", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    records = [json.loads(line) for line in out.splitlines() if line.strip()]  # fails on any plain-text line
    loggers = {r["logger"] for r in records}
    assert {"gunicorn.error", "gunicorn.access"} <= loggers, out
    assert any(r["message"].startswith("Booting worker") for r in records)
    access = next(r for r in records if r["logger"] == "gunicorn.access")
    assert access["path"] == "/healthz" and access["query"] == "probe=1" and access["status"] == 200 and access["method"] == "GET"
    assert "Booting worker" not in err and "[INFO]" not in err, err  # nothing left in gunicorn's plain-text stderr format


@pytest.mark.django_db
def test_gunicorn_master_loads_jieba_once_for_all_workers_and_closes_its_connection(monkeypatch):
    import runpy

    from articles.search import tokens

    monkeypatch.setattr(tokens, "_jieba", None)
    hooks = runpy.run_path(str(ROOT / "zhuzhou_archive" / "gunicorn.conf.py"))
    closed = []
    monkeypatch.setattr("django.db.connections.close_all", lambda: closed.append(True))
    hooks["when_ready"](None)
    assert tokens._jieba is not None and closed  # workers fork with the dictionary, not the connection


def test_gunicorn_workers_hand_freed_memory_back_every_few_requests():
    import runpy
    import types

    hooks = runpy.run_path(str(ROOT / "zhuzhou_archive" / "gunicorn.conf.py"))
    worker = types.SimpleNamespace()
    hooks["post_fork"](None, worker)
    assert worker.malloc_trim is not None and worker.malloc_trim(0) in (0, 1)  # glibc's, callable
    calls = []
    worker.malloc_trim = calls.append
    for _ in range(2 * hooks["TRIM_EVERY"] + 1):
        hooks["post_request"](worker, None, {}, None)
    assert calls == [0, 0]


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)([^>]*)>", re.I)
INLINE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\s(style|on[a-z]+)\s*=", re.I)


def assert_csp_clean(response, where: str) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    assert "script-src" in policy and "'unsafe-inline'" not in policy, where
    nonces = set(re.findall(r"'nonce-([^']+)'", policy))
    html = response.content.decode()
    for attributes in INLINE_SCRIPT.findall(html):
        if 'type="application/json"' in attributes or "type='application/json'" in attributes:
            continue  # data, never run
        nonce = re.search(r'\bnonce="([^"]+)"', attributes)
        assert nonce and nonce.group(1) in nonces, f"inline <script{attributes}> without the page's nonce on {where}"
    found = INLINE_ATTRIBUTE.search(html)
    assert not found, f"inline {found.group(1)}= attribute on {where}: {html[max(0, found.start() - 80):found.end() + 80]}"


@pytest.mark.django_db
def test_csp_holds_on_reader_pages_and_the_admin(client, imported_seeds):
    from django.contrib.auth.models import User

    from articles.models import Article

    article = Article.objects.filter(contributions__isnull=False, districts__isnull=False, page__section__isnull=False).first()
    page = article.page
    urls = [
        "/", "/archive/", f"/archive/{page.issue.date:%Y}/", page.issue.get_absolute_url(), page.get_absolute_url(),
        article.get_absolute_url(), page.section.get_absolute_url(), article.districts.first().get_absolute_url(),
        article.contributions.first().author.get_absolute_url(), "/search/?q=株洲", "/no-such-page/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert_csp_clean(response, url)
    editor = User.objects.create_user("csp-editor", password="x", is_staff=True, is_superuser=True)
    client.force_login(editor, backend="django.contrib.auth.backends.ModelBackend")
    for url in ["/admin/", "/admin/articles/article/", f"/admin/articles/article/{article.pk}/change/", f"/admin/articles/article/{article.pk}/history/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_csp_clean(response, url)
