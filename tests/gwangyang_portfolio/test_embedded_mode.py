"""The embedded run mode works with no server at all: SQLite and the filesystem broker."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
from django.conf import settings
from django.test import Client
from accounts.models import User
assert settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"), settings.DATABASES
assert settings.CELERY_BROKER_URL == "filesystem://"
client = Client()
client.force_login(User.objects.get(username="head01"))
page = client.get("/proposals/?q=항만", follow=True)
assert page.status_code == 200, page.status_code
assert "항만 3대 기본계획 변경" in page.content.decode()
# Every main page renders on SQLite too, for each kind of user.
for username in ("head01", "deputy", "planning"):
    client.force_login(User.objects.get(username=username))
    for path in ("/", "/proposals/", "/proposals/1/", "/reviews/dashboard/",
                 "/reviews/meetings/", "/reviews/meetings/1/", "/reviews/notifications/"):
        response = client.get(path, follow=True)
        assert response.status_code == 200, (username, path, response.status_code)
client.force_login(User.objects.get(username="head01"))
assert client.get("/proposals/my-department/").status_code == 200
client.force_login(User.objects.get(username="planning"))
for path in ("/reviews/meetings/new/", "/proposals/import/", "/accounts/users/",
             "/reviews/dashboard/briefing.pdf", "/reviews/dashboard/briefing.xlsx"):
    assert client.get(path).status_code == 200, path
# SQLite's version triggers: a write that bypasses the services still reaches the dashboard.
from projects.models import Proposal
from dashboard import version
assert version.installed_tables() == version.watched_tables()
client.force_login(User.objects.get(username="deputy"))
before, _ = version.read()
Proposal.objects.filter(pk=1).update(title="SQLITE-TRIGGER-PROBE")
assert version.read()[0] != before
from gwangyang_portfolio.celery import app
with app.connection_for_write() as conn:
    conn.ensure_connection(max_retries=1)
print("EMBEDDED-OK")
"""


def test_embedded_mode_migrates_seeds_and_serves_without_servers(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_"))}
    env.update(DJANGO_DEBUG="1", GP_VAR_DIR=str(tmp_path), DJANGO_ALLOWED_HOSTS="testserver")

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    for command in (["migrate", "--noinput", "-v0"], ["seed"], ["load_demo"]):
        result = manage(*command)
        assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "db.sqlite3").is_file()
    assert (tmp_path / "celery-broker" / "queue").is_dir()
    result = manage("shell", "-c", PROBE)
    assert "EMBEDDED-OK" in result.stdout, result.stdout + result.stderr
