"""`manage.py check --deploy` with DEBUG off and a production-like environment says nothing:
the secure defaults (HTTPS redirect, HSTS, secure cookies…) hold without any variable. Each
check runs in its own process, since the settings read the environment once at import."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def production_env(**overrides: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    env = {
        **keep,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "appui.example.org",
        # Checks never connect: any database URL will do.
        "DATABASE_URL": "sqlite:////nonexistent/appui.sqlite3",
    }
    env.update(overrides)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def deploy_check(**overrides: str) -> subprocess.CompletedProcess:
    return run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(**overrides)
    )


def production_settings(**overrides: str) -> dict:
    names = [
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SILENCED_SYSTEM_CHECKS",
    ]
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {names!r}}}))"
    )
    result = run(["-c", code], production_env(**overrides))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_is_silent_in_production():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout
    assert "WARNING" not in result.stderr + result.stdout


def test_check_deploy_speaks_when_https_is_turned_off():
    result = deploy_check(SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0", SECURE_COOKIES="0")
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr, warning


def test_https_is_the_default_when_debug_is_off():
    values = production_settings()
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is False
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    # Nobody can claim HTTPS through a header unless a proxy is declared.
    assert values["SECURE_PROXY_SSL_HEADER"] is None


def test_behind_a_proxy_its_forwarded_scheme_is_trusted():
    values = production_settings(BEHIND_PROXY="1")
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_preload_is_a_choice_and_then_its_check_runs_again():
    assert production_settings()["SILENCED_SYSTEM_CHECKS"] == ["security.W021"]
    values = production_settings(SECURE_HSTS_PRELOAD="1")
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SILENCED_SYSTEM_CHECKS"] == []
    assert deploy_check(SECURE_HSTS_PRELOAD="1").returncode == 0


def test_development_keeps_plain_http():
    values = production_settings(DEBUG="1")
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0


def test_a_weak_secret_key_is_reported():
    result = deploy_check(SECRET_KEY="short")
    assert "security.W009" in result.stderr
