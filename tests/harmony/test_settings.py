"""Production refuses to start without its secrets; health endpoints answer on any host."""

import os
import subprocess
import sys
from pathlib import Path

from django.test import Client

REPO = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("SECRET_KEY", "HARMONY_BASE_DOMAIN", "HARMONY_ENV")}
    environment.setdefault("DATABASE_URL", "postgres://harmony@127.0.0.1:5432/harmony")
    environment.setdefault("HARMONY_DB_APP_PASSWORD", "application-role-password")
    environment.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", HARMONY_ENV="production", HARMONY_BASE_DOMAIN="harmony.go.kr")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_a_base_domain():
    result = _manage("check", HARMONY_ENV="production", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "HARMONY_BASE_DOMAIN must be set" in result.stderr


def test_production_refuses_the_embedded_database():
    result = _manage("check", HARMONY_ENV="production", SECRET_KEY="x" * 60,
                     HARMONY_BASE_DOMAIN="harmony.go.kr", DATABASE_URL="")
    assert result.returncode != 0
    assert "DATABASE_URL must be set" in result.stderr


def test_production_refuses_to_start_without_the_application_role_password():
    result = _manage("check", HARMONY_ENV="production", SECRET_KEY="x" * 60,
                     HARMONY_BASE_DOMAIN="harmony.go.kr", HARMONY_DB_APP_PASSWORD="")
    assert result.returncode != 0
    assert "HARMONY_DB_APP_PASSWORD must be set" in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", HARMONY_ENV="production",
                     SECRET_KEY="k" * 30 + "-production-secret-key-" + "z" * 30,
                     HARMONY_BASE_DOMAIN="harmony.go.kr")
    assert result.returncode == 0, result.stderr + result.stdout


def test_demo_seeding_is_refused_in_production():
    result = _manage("seed_demo", HARMONY_ENV="production", SECRET_KEY="s" * 60,
                     HARMONY_BASE_DOMAIN="harmony.go.kr")
    assert result.returncode != 0
    assert "운영 환경" in result.stderr


def test_health_endpoints_answer_on_any_host(db):
    assert Client(HTTP_HOST="10.0.0.7").get("/healthz").json() == {"status": "ok"}
    assert Client(HTTP_HOST="localhost").get("/readyz").json() == {"status": "ok"}


def test_anyone_can_switch_to_english_before_signing_in(alpha):
    from tests.conftest import agency_client

    client = agency_client("alpha")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in page and "Sign in" in page


def _settings_line(expression: str, **env: str) -> str:
    result = _manage("shell", "-c", f"from django.conf import settings; print({expression})",
                     **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_the_demo_runs_without_debug_pages_and_with_hashed_compressed_static_files():
    shown = _settings_line('settings.DEBUG, settings.STORAGES["staticfiles"]["BACKEND"], '
                           "settings.WHITENOISE_USE_FINDERS", HARMONY_ENV="demo")
    assert shown == "False harmony.staticfiles.HarmonyStaticFilesStorage False"


def test_development_keeps_debug_pages_and_static_files_from_their_sources():
    shown = _settings_line('settings.DEBUG, settings.STORAGES["staticfiles"]["BACKEND"]',
                           HARMONY_ENV="development")
    assert shown == "True django.contrib.staticfiles.storage.StaticFilesStorage"


def test_every_mode_pools_database_connections():
    shown = _settings_line('settings.DATABASES["default"]["OPTIONS"]["pool"]["max_size"], '
                           'settings.DATABASES["default"]["CONN_MAX_AGE"]',
                           HARMONY_ENV="demo", HARMONY_DB_POOL_MAX="7")
    assert shown == "7 0"


def test_an_unknown_mode_is_refused():
    result = _manage("check", HARMONY_ENV="staging")
    assert result.returncode != 0
    assert "HARMONY_ENV must be one of development, demo, production" in result.stderr
