"""Settings: DEBUG is off unless asked for, and `check --deploy` is clean in production."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _base_env() -> dict[str, str]:
    """The environment without the desk's settings and without test-only switches."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ICPDESK_") and k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    }


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = _base_env()
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, check=False
    )


def test_debug_is_off_by_default() -> None:
    result = _run("import icpdesk.settings as s; print(s.DEBUG)")
    assert result.stdout.strip() == "False"


def test_debug_can_be_asked_for() -> None:
    result = _run("import icpdesk.settings as s; print(s.DEBUG)", ICPDESK_DEBUG="1")
    assert result.stdout.strip() == "True"


def test_check_deploy_is_clean_when_configured_for_production(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **_base_env(),
            "ICPDESK_SECRET_KEY": "a-long-random-production-secret-" + "x7Q9!" * 10,
            "ICPDESK_HTTPS": "1",
            "ICPDESK_ALLOWED_HOSTS": "desk.example.cn",
            "ICPDESK_EMAIL_BACKEND": "smtp",
            "ICPDESK_FIELD_KEYS": "0uL7m3Zx2yqZgY1pC1b6QJj3mX4bWk1Vw6b1yqz7n2A=",
            "ICPDESK_SITE_URL": "https://desk.example.cn",
            "ICPDESK_DEFAULT_FROM_EMAIL": "甘肃 ICP 服务台 <noreply@desk.example.cn>",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _deploy_check(tmp_path: Path, **overrides: str) -> str:
    env = {
        **_base_env(),
        "ICPDESK_SECRET_KEY": "a-long-random-production-secret-" + "x7Q9!" * 10,
        "ICPDESK_HTTPS": "1",
        "ICPDESK_ALLOWED_HOSTS": "desk.example.cn",
        "ICPDESK_EMAIL_BACKEND": "smtp",
        "ICPDESK_FIELD_KEYS": "0uL7m3Zx2yqZgY1pC1b6QJj3mX4bWk1Vw6b1yqz7n2A=",
        "ICPDESK_SITE_URL": "https://desk.example.cn",
        "ICPDESK_DEFAULT_FROM_EMAIL": "noreply@desk.example.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    }
    env.update(overrides)
    for key in [k for k, v in env.items() if v == ""]:
        del env[key]
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0, "check --deploy passed"
    return result.stdout + result.stderr


def test_check_deploy_errs_on_missing_field_keys(tmp_path: Path) -> None:
    output = _deploy_check(tmp_path, ICPDESK_FIELD_KEYS="")
    assert "icpdesk.E002" in output and "ICPDESK_FIELD_KEYS" in output


def test_check_deploy_errs_on_a_laptop_site_address(tmp_path: Path) -> None:
    for url in ("http://127.0.0.1:8000", "https://localhost", "http://desk.example.cn", "https://10.0.0.5"):
        output = _deploy_check(tmp_path, ICPDESK_SITE_URL=url)
        assert "icpdesk.E003" in output and url in output


def test_check_deploy_errs_on_a_local_sender(tmp_path: Path) -> None:
    output = _deploy_check(tmp_path, ICPDESK_DEFAULT_FROM_EMAIL="icpdesk <noreply@localhost>")
    assert "icpdesk.E004" in output and "noreply@localhost" in output


def test_check_deploy_refuses_the_local_secret_key(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **_base_env(),
            "ICPDESK_HTTPS": "1",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


def test_the_local_secret_key_is_an_error_not_a_warning(tmp_path: Path) -> None:
    output = _deploy_check(tmp_path, ICPDESK_SECRET_KEY="")
    assert "icpdesk.E001" in output
