"""The production stack: compose file, settings and `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_services_run_commands_that_exist_in_the_project():
    """Every app service's command points at a module or app that really exists."""
    compose = _compose()
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("web", "worker", "beat"):
        service = services[name]
        env = service["environment"]
        module = env["DJANGO_SETTINGS_MODULE"]
        assert (ROOT / (module.replace(".", "/") + ".py")).is_file(), module
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "gwangyang_portfolio.wsgi:application" in services["web"]["command"]
    assert (ROOT / "gwangyang_portfolio" / "wsgi.py").is_file()
    for name in ("worker", "beat"):
        assert services[name]["command"].startswith("celery -A gwangyang_portfolio ")
    assert (ROOT / "gwangyang_portfolio" / "celery.py").is_file()
    for name in ("postgres", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name
    assert "/healthz" in str(services["web"]["healthcheck"]["test"])


def test_env_example_documents_every_configuration_variable():
    example = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    for name in (
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "DJANGO_SECRET_KEY",
        "DJANGO_DEBUG",
        "DJANGO_ALLOWED_HOSTS",
        "DJANGO_EMAIL_HOST",
        "DJANGO_DEFAULT_FROM_EMAIL",
    ):
        assert name in example, name
        assert name in readme, name


def _run_manage(args, env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = _run_manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {
            "DJANGO_SECRET_KEY": "x" * 60 + "production-like-secret-key-for-the-check",
            "DJANGO_ALLOWED_HOSTS": "portfolio.gwangyang.go.kr",
            "DATABASE_URL": os.environ["DATABASE_URL"],
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    """A required value with no default fails loudly, naming the variable."""
    result = _run_manage(["check"], {"DJANGO_ALLOWED_HOSTS": "example.org"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_the_migration_check_needs_no_secret_key(tmp_path):
    """`makemigrations --check` reads only the code: it runs on a bare checkout, and the models
    and migrations agree."""
    result = _run_manage(["makemigrations", "--check", "--dry-run"], {"GP_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout
