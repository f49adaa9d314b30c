"""Settings come from the environment and fail loudly on bad values."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from engage.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parent.parent


def _python_in_subprocess(code: str, env: dict[str, str]) -> str:
    """Run ``code`` in a fresh Python with exactly ``env``; its output (its last error line
    raised as a RuntimeError when it fails)."""
    base = {"PATH": os.environ["PATH"], "ENGAGE_VAR_DIR": str(ROOT / "var" / "test-settings")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**base, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(result.stderr.strip().splitlines()[-1])
    return result.stdout


def _settings_in_subprocess(env: dict[str, str], *names: str) -> dict[str, object]:
    """Import engage.settings with exactly ``env`` and return the named settings as JSON."""
    code = (
        "import json, engage.settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {list(names)!r}}}, default=str))"
    )
    return json.loads(_python_in_subprocess(code, env))


def test_env_bool_accepts_the_usual_spellings(monkeypatch: pytest.MonkeyPatch) -> None:
    for raw, expected in [
        ("1", True),
        ("TRUE", True),
        ("on", True),
        ("0", False),
        ("no", False),
        ("", False),
    ]:
        monkeypatch.setenv("FLAG", raw)
        assert env_bool("FLAG") is expected


def test_env_bool_rejects_a_typo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="FLAG must be true or false"):
        env_bool("FLAG")


def test_env_int_rejects_text_and_values_below_the_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("N", "ten")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("N", 1)
    monkeypatch.setenv("N", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("N", 5, minimum=1)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSTS", "a.example, b.example,,")
    assert env_list("HOSTS") == ["a.example", "b.example"]


def test_production_without_secret_key_refuses_to_start() -> None:
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        _settings_in_subprocess({}, "SECRET_KEY")


def test_production_without_the_safeguarding_route_refuses_to_start() -> None:
    with pytest.raises(RuntimeError, match="SAFEGUARDING_URGENT_ROUTE must be set"):
        _settings_in_subprocess({"SECRET_KEY": "x" * 50}, "SAFEGUARDING_URGENT_ROUTE")
    route = "Call 999, then Essex adult safeguarding on 0345 603 7630."
    configured = _settings_in_subprocess(
        {
            "SECRET_KEY": "x" * 50,
            "SAFEGUARDING_URGENT_ROUTE": route,
            "SITE_URL": "https://e.example",
        },
        "SAFEGUARDING_URGENT_ROUTE",
    )
    assert configured == {"SAFEGUARDING_URGENT_ROUTE": route}
    development = _settings_in_subprocess({"DEBUG": "1"}, "SAFEGUARDING_URGENT_ROUTE")
    assert "999" in str(development["SAFEGUARDING_URGENT_ROUTE"])


def test_production_without_the_site_url_refuses_to_start() -> None:
    production = {"SECRET_KEY": "x" * 50, "SAFEGUARDING_URGENT_ROUTE": "Call 999."}
    with pytest.raises(RuntimeError, match="SITE_URL must be set"):
        _settings_in_subprocess(production, "SITE_URL")
    with pytest.raises(RuntimeError, match="SITE_URL must start with https://"):
        _settings_in_subprocess({**production, "SITE_URL": "engage.example"}, "SITE_URL")
    configured = _settings_in_subprocess(
        {**production, "SITE_URL": "https://engage.council.example/"}, "SITE_URL"
    )
    assert configured == {"SITE_URL": "https://engage.council.example"}
    assert _settings_in_subprocess({"DEBUG": "1"}, "SITE_URL") == {
        "SITE_URL": "http://127.0.0.1:8000"
    }


def test_development_generates_and_keeps_a_secret_key() -> None:
    first = _settings_in_subprocess({"DEBUG": "1"}, "SECRET_KEY")
    second = _settings_in_subprocess({"DEBUG": "1"}, "SECRET_KEY")
    assert len(str(first["SECRET_KEY"])) >= 50
    assert first == second


def test_defaults_are_sqlite_console_mail_and_eager_tasks() -> None:
    values = _settings_in_subprocess(
        {"DEBUG": "1"},
        "DATABASES",
        "EMAIL_BACKEND",
        "CELERY_TASK_ALWAYS_EAGER",
        "COUNCIL_NAME",
        "ALLOWED_HOSTS",
    )
    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"  # type: ignore[index]
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert values["CELERY_TASK_ALWAYS_EAGER"] is True
    assert values["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1"]


def test_production_settings_come_from_the_environment() -> None:
    values = _settings_in_subprocess(
        {
            "SECRET_KEY": "x" * 60,
            "ALLOWED_HOSTS": "engage.council.example",
            "DATABASE_URL": "postgres://engage:pw@db.internal:5432/engage",
            "REDIS_URL": "redis://cache.internal:6379/1",
            "EMAIL_URL": "submission://mailer:secret@smtp.council.example:587",
            "COUNCIL_NAME": "Anyshire County Council",
            "SAFEGUARDING_URGENT_ROUTE": "Call 999, then the adult safeguarding line.",
            "SITE_URL": "https://engage.council.example",
        },
        "DATABASES",
        "CELERY_BROKER_URL",
        "CELERY_TASK_ALWAYS_EAGER",
        "CACHES",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_USE_TLS",
        "COUNCIL_NAME",
        "ALLOWED_HOSTS",
        "DEBUG",
        "SESSION_COOKIE_SECURE",
    )
    database = values["DATABASES"]["default"]  # type: ignore[index]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["HOST"] == "db.internal"
    assert database["NAME"] == "engage"
    assert values["CELERY_BROKER_URL"] == "redis://cache.internal:6379/1"
    assert values["CELERY_TASK_ALWAYS_EAGER"] is False
    assert values["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"  # type: ignore[index]
    assert (values["EMAIL_HOST"], values["EMAIL_PORT"], values["EMAIL_USE_TLS"]) == (
        "smtp.council.example",
        587,
        True,
    )
    assert values["COUNCIL_NAME"] == "Anyshire County Council"
    assert values["ALLOWED_HOSTS"] == ["engage.council.example"]
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True


def _queue_of_a_plan_run(env: dict[str, str]) -> str:
    """The queue Celery's router sends a year-planner run to, with exactly ``env``."""
    code = (
        "import django; django.setup(); from engage.celery import app; "
        "print(app.amqp.router.route({}, 'engage.planner.tasks.run_plan')['queue'].name)"
    )
    setup = {"DEBUG": "1", "DJANGO_SETTINGS_MODULE": "engage.settings"}
    return _python_in_subprocess(code, {**setup, **env}).strip()


def test_planner_runs_go_to_their_own_queue_when_planner_queue_is_set() -> None:
    assert _queue_of_a_plan_run({}) == "celery"
    assert _queue_of_a_plan_run({"PLANNER_QUEUE": "planner"}) == "planner"


def test_a_bad_debug_value_stops_start_up() -> None:
    with pytest.raises(RuntimeError, match="DEBUG must be true or false"):
        _settings_in_subprocess({"DEBUG": "maybe"}, "DEBUG")


def test_check_deploy_is_clean_under_production_settings() -> None:
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "deploy-check-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ",
        "ALLOWED_HOSTS": "engage.council.example",
        "SAFEGUARDING_URGENT_ROUTE": "Call 999, then the adult safeguarding line.",
        "SITE_URL": "https://engage.council.example",
        "ENGAGE_VAR_DIR": str(ROOT / "var" / "test-settings"),
        "DJANGO_SETTINGS_MODULE": "engage.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_migrations_match_the_models() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "engage.settings_test"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, "Models changed without a migration:\n" + result.stdout
