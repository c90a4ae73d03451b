"""Production settings pass Django's deployment checklist and send the security headers."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_reports_no_warnings():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC"))}
    env.update({
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "archive.example.org",
    })
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


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
