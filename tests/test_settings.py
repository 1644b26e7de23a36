"""Settings: production refuses to start without its secrets and passes check --deploy."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    # The browser tests allow async-unsafe calls in this process; a deployment doesn't.
    dropped = {"SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment.update(env)
    environment["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_passes_the_deployment_checklist():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="x" * 30 + "a-long-random-production-secret-value",
        DATABASE_URL="postgres://gongzhi@127.0.0.1:5432/gongzhi",
        ALLOWED_HOSTS="gongzhi.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_fails_loudly():
    result = run_manage(
        "check", DATABASE_URL="postgres://x@127.0.0.1/x", ALLOWED_HOSTS="gongzhi.example.org"
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_local_defaults_to_chinese_and_beijing_time():
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert ("en", "English") in settings.LANGUAGES


def test_the_embedded_sqlite_default_waits_for_its_turn_to_write():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json; from django.conf import settings;"
            " print(json.dumps(settings.DATABASES['default']['OPTIONS']))",
        ],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    options = json.loads(result.stdout)
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 10
    pragmas = [p.strip() for p in options["init_command"].split(";") if p.strip()]
    assert pragmas[:2] == ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL"]
    assert pragmas[2] == f"PRAGMA busy_timeout={options['timeout'] * 1000}"


CSP_PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client, override_settings
# Production's static manifest exists only after collectstatic; the page is the same.
storages = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=storages):
    response = Client().get("/accounts/login/", secure=True, HTTP_HOST="gongzhi.example.org")
print(json.dumps([response.status_code, response.get("Content-Security-Policy", "")]))
"""


def test_production_sends_a_content_security_policy_without_inline_scripts():
    result = run_manage(
        "shell",
        "-c",
        CSP_PROBE,
        SECRET_KEY="x" * 30 + "a-long-random-production-secret-value",
        DATABASE_URL="sqlite:///:memory:",
        ALLOWED_HOSTS="gongzhi.example.org",
    )
    assert result.returncode == 0, result.stderr
    status, header = json.loads(result.stdout.strip().splitlines()[-1])
    assert status == 200
    policy = {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    # <style> elements need the page's nonce; only style attributes may be inline.
    assert policy["style-src-elem"] == ["'self'"]
    assert "'unsafe-inline'" not in " ".join(
        v for name, values in policy.items() if name != "style-src" for v in values
    )
