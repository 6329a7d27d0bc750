"""scripts/lib/services.sh: what `bash scripts/test.sh` installs, starts and leaves alone.

The service part of the script runs against a pretend machine in a temporary directory. Every
command that could change the real one (apt-get, sudo, runuser, psql, pg_ctlcluster, pg_conftool,
pg_createcluster, redis-server) is a stub that records how it was called; PATH holds only those
stubs and a few harmless tools. The probes (GP_PG_PROBE, GP_REDIS_PROBE) answer from state files
that the stubs write, so each test arranges what is installed, running and accepting the login.
Nothing is installed or started for real.
"""

import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
LIB = ROOT / "scripts" / "lib" / "services.sh"
BASH = shutil.which("bash")
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/gwangyang"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/1"
CLUSTER = "15 main 5432 down postgres /var/lib/postgresql/15/main /var/log/postgresql/pg.log"
REAL_TOOLS = ("awk", "cat", "cp", "env", "find", "grep", "mkdir", "od", "sed", "sort", "tail", "tr")
REDIS_START = "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save  --appendonly no"

pytestmark = pytest.mark.subprocess

# Each stub logs "name args" to $STUB_LOG (apt-get also its DEBIAN_FRONTEND), then does to the
# state files what its command would do to the machine.
STUBS = {
    "id": 'echo "$STUB_UID"',
    "sleep": ":",
    "sudo": 'if [ "$1" = -u ]; then shift 2; fi\nexec "$@"',
    "runuser": 'while [ "$1" != -- ]; do shift; done\nshift\nexec "$@"',
    "apt-get": """\
[ ! -e "$S/apt-fails" ] || exit 100
if [ "$1" = install ]; then
  for pkg in "$@"; do
    if [ -d "$STUB_PKG/$pkg" ]; then cp "$STUB_PKG/$pkg"/* "$STUB_BIN"/; fi
    if [ "$pkg" = postgresql ]; then echo "$CLUSTER" >"$S/pg-clusters"; fi
  done
fi""",
    "pg_lsclusters": 'cat "$S/pg-clusters" 2>/dev/null || true',
    "pg_ctlcluster": """\
case " $* " in
  *" start "* | *" restart "*) : >"$S/pg-running" ;;
esac""",
    "pg_conftool": ":",
    "pg_createcluster": 'echo "$CLUSTER" >"$S/pg-clusters"',
    "psql": r"""
cat >>"$S/psql-stdin"
sed -n "s/.*PASSWORD '\([0-9a-f]*\)'.*/\1/p" "$S/psql-stdin" | tail -1 >"$S/pg-role-password"
""",
    "redis-server": 'case " $* " in *" --daemonize yes "*) : >"$S/redis-running" ;; esac',
    # The probes: 0 = the login works, 2 = something answers but refuses it, 1 = nothing answers.
    "pg-probe": """\
[ -e "$S/pg-running" ] || exit 1
if [ "$1" = "$(cat "$S/pg-accepts" 2>/dev/null)" ]; then exit 0; fi
pw=$(cat "$S/pg-role-password" 2>/dev/null || true)
if [ -n "$pw" ] && [ "$1" = "postgres://gwangyang:$pw@127.0.0.1:5432/gwangyang" ]; then exit 0; fi
exit 2""",
    "redis-probe": """\
[ -e "$S/redis-running" ] || exit 1
[ ! -e "$S/redis-refuses" ] || exit 2
[ "$1" = "$(cat "$S/redis-accepts" 2>/dev/null || echo redis://127.0.0.1:6379/1)" ]""",
}
LOG_AS = {"apt-get": "${DEBIAN_FRONTEND:+DEBIAN_FRONTEND=$DEBIAN_FRONTEND }apt-get $*"}
QUIET = ("id", "sleep")
POSTGRES_PACKAGE = ("pg_lsclusters", "pg_ctlcluster", "pg_conftool", "pg_createcluster", "psql")
READS = ("pg-probe", "redis-probe", "pg_lsclusters")  # look, change nothing


class Machine:
    """A pretend Debian machine: which commands exist, which servers run, who we are."""

    def __init__(self, tmp: Path, *, uid=0, have=("apt-get", "runuser")):
        self.tmp = tmp
        self.bin, self.state, self.pkg = tmp / "bin", tmp / "state", tmp / "pkg"
        self.services = tmp / "services"
        self.log = tmp / "calls.log"
        for d in (self.bin, self.state, self.pkg / "postgresql", self.pkg / "redis-server"):
            d.mkdir(parents=True)
        for tool in REAL_TOOLS:
            (self.bin / tool).symlink_to(shutil.which(tool))
        for name in ("id", "sleep", *have):
            self._stub(self.bin, name)
        for name in ("pg-probe", "redis-probe"):
            self._stub(tmp, name)
        for name in POSTGRES_PACKAGE:  # what `apt-get install postgresql` puts on PATH
            self._stub(self.pkg / "postgresql", name)
        self._stub(self.pkg / "redis-server", "redis-server")
        self.uid = uid

    def _stub(self, where: Path, name: str):
        path = where / name
        log = "" if name in QUIET else f'echo "{LOG_AS.get(name, name + " $*")}" >>"$STUB_LOG"\n'
        path.write_text(f'#!{BASH}\nset -eu\nS="$STUB_STATE"\n{log}{STUBS[name]}\n')
        path.chmod(0o755)

    def install(self, package):
        for stub in (self.pkg / package).iterdir():
            shutil.copy(stub, self.bin / stub.name)
        if package == "postgresql":  # Debian's package creates the main cluster
            self.set("pg-clusters", CLUSTER + "\n")

    def set(self, name, text=""):
        (self.state / name).write_text(text)

    def run(self, **env):
        """Run ensure_postgres and ensure_redis; the script's two URLs come back in stdout."""
        script = (
            'set -euo pipefail\n. "$1"\nensure_postgres\nensure_redis\n'
            'echo "DATABASE_URL=$DATABASE_URL"\necho "CELERY_BROKER_URL=$CELERY_BROKER_URL"\n'
        )
        self.log.write_text("")
        base = {
            "PATH": str(self.bin),
            "HOME": str(self.tmp),
            "LC_ALL": "C",
            "STUB_UID": str(self.uid),
            "STUB_STATE": str(self.state),
            "STUB_LOG": str(self.log),
            "STUB_BIN": str(self.bin),
            "STUB_PKG": str(self.pkg),
            "CLUSTER": CLUSTER,
            "GP_PG_PROBE": str(self.tmp / "pg-probe"),
            "GP_REDIS_PROBE": str(self.tmp / "redis-probe"),
            "GP_SERVICES_DIR": str(self.services),
            "GP_SERVICE_WAIT": "3",
        }
        return subprocess.run(
            [BASH, "-c", script, "services", str(LIB)],
            env=base | env,
            cwd=self.tmp,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def changes(self):
        """Every recorded command that may change the machine (all but the look-ups)."""
        lines = self.log.read_text().splitlines()
        return [line for line in lines if not line.startswith(READS)]

    def reads(self):
        return [line for line in self.log.read_text().splitlines() if line.startswith(READS)]


def urls(result):
    return dict(line.split("=", 1) for line in result.stdout.splitlines() if "_URL=" in line)


def test_fresh_machine_as_root_installs_starts_and_prepares_both_servers(tmp_path):
    machine = Machine(tmp_path)
    result = machine.run()
    assert result.returncode == 0, result.stderr
    psql = "psql -q -v ON_ERROR_STOP=1 -d postgres"
    assert machine.changes() == [
        "apt-get update -qq",
        "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql",
        "pg_conftool 15 main set listen_addresses 127.0.0.1",
        "pg_ctlcluster 15 main restart",
        f"runuser -u postgres -- {psql}",
        psql,
        "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server",
        REDIS_START,
    ]

    # A dedicated role, not a superuser, that may create the test database; authentication is
    # left at Debian's default (nothing set to trust, pg_hba.conf untouched).
    sql = (machine.state / "psql-stdin").read_text()
    password = (machine.state / "pg-role-password").read_text().strip()
    assert re.fullmatch(r"[0-9a-f]{32}", password)
    assert "'CREATE ROLE gwangyang'" in sql
    assert f"ALTER ROLE gwangyang WITH LOGIN CREATEDB NOSUPERUSER PASSWORD '{password}';" in sql
    assert "'CREATE DATABASE gwangyang OWNER gwangyang'" in sql
    assert "trust" not in sql + "\n".join(machine.changes())
    assert "pg_hba" not in LIB.read_text()

    url = f"postgres://gwangyang:{password}@127.0.0.1:5432/gwangyang"
    assert urls(result) == {"DATABASE_URL": url, "CELERY_BROKER_URL": DEFAULT_BROKER_URL}
    saved = machine.services / "database-url"
    assert saved.read_text().strip() == url
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert password not in result.stdout.replace(url, "") + result.stderr

    # The next run finds both servers and the saved login: it changes nothing.
    again = machine.run()
    assert again.returncode == 0, again.stderr
    assert machine.changes() == []
    assert urls(again)["DATABASE_URL"] == url


def test_fresh_machine_without_root_installs_through_sudo(tmp_path):
    machine = Machine(tmp_path, uid=1000, have=("apt-get", "sudo"))
    result = machine.run()
    assert result.returncode == 0, result.stderr
    psql = "psql -q -v ON_ERROR_STOP=1 -d postgres"
    install = "env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq"
    assert machine.changes() == [
        "sudo apt-get update -qq",
        "apt-get update -qq",
        f"sudo {install} postgresql",
        f"{install[4:]} postgresql",
        "sudo pg_conftool 15 main set listen_addresses 127.0.0.1",
        "pg_conftool 15 main set listen_addresses 127.0.0.1",
        "sudo pg_ctlcluster 15 main restart",
        "pg_ctlcluster 15 main restart",
        f"sudo -u postgres {psql}",
        psql,
        f"sudo {install} redis-server",
        f"{install[4:]} redis-server",
        REDIS_START,  # as the user: no root needed to run it
    ]
    assert urls(result)["DATABASE_URL"].startswith("postgres://gwangyang:")


def _installed(machine, *, postgres_running, redis_running, trust=True):
    machine.install("postgresql")
    machine.install("redis-server")
    if trust:  # like this project's CI machine: postgres@127.0.0.1 without a password
        machine.set("pg-accepts", DEFAULT_PG_URL)
    if postgres_running:
        machine.set("pg-running")
    if redis_running:
        machine.set("redis-running")


def test_running_servers_are_used_as_they_are(tmp_path):
    machine = Machine(tmp_path, have=("apt-get", "runuser", "sudo"))
    _installed(machine, postgres_running=True, redis_running=True)
    result = machine.run()
    assert result.returncode == 0, result.stderr
    assert machine.changes() == []
    assert urls(result) == {"DATABASE_URL": DEFAULT_PG_URL, "CELERY_BROKER_URL": DEFAULT_BROKER_URL}


def test_installed_servers_that_are_down_are_started_as_they_are_configured(tmp_path):
    machine = Machine(tmp_path, have=("apt-get", "runuser", "sudo"))
    _installed(machine, postgres_running=False, redis_running=False)
    result = machine.run()
    assert result.returncode == 0, result.stderr
    assert machine.changes() == [
        "pg_ctlcluster --skip-systemctl-redirect 15 main start",
        REDIS_START,
    ]
    assert urls(result) == {"DATABASE_URL": DEFAULT_PG_URL, "CELERY_BROKER_URL": DEFAULT_BROKER_URL}


@pytest.mark.parametrize("debian_package", [True, False], ids=["apt", "other"])
def test_a_server_that_refuses_the_login_is_not_changed(tmp_path, debian_package):
    """A laptop's own PostgreSQL (password auth), from apt or not: no role, config or install."""
    machine = Machine(tmp_path, have=("apt-get", "runuser", "sudo"))
    if debian_package:
        _installed(machine, postgres_running=True, redis_running=True, trust=False)
    else:
        machine.set("pg-running")
    result = machine.run()
    assert result.returncode == 1
    assert machine.changes() == []
    assert result.stderr == (
        "ERROR: PostgreSQL at 127.0.0.1:5432 refuses the tests' login (user postgres without a"
        " password). This script does not change a server it did not install.\n"
        "Point the tests at it with a role that has CREATEDB:\n"
        "  DATABASE_URL=postgres://USER:PASSWORD@127.0.0.1:5432/gwangyang bash scripts/test.sh\n"
    )


def test_a_redis_that_wants_a_password_is_not_changed(tmp_path):
    machine = Machine(tmp_path, have=("apt-get", "runuser", "sudo"))
    _installed(machine, postgres_running=True, redis_running=True)
    machine.set("redis-refuses")
    result = machine.run()
    assert result.returncode == 1
    assert machine.changes() == []
    assert "CELERY_BROKER_URL=redis://:PASSWORD@127.0.0.1:6379/1 bash scripts/test.sh" in (
        result.stderr
    )


def test_the_cluster_this_script_installed_gets_its_role_back(tmp_path):
    machine = Machine(tmp_path)
    assert machine.run().returncode == 0
    first = (machine.services / "database-url").read_text()
    (machine.state / "pg-role-password").unlink()  # the role was dropped since
    result = machine.run()
    assert result.returncode == 0, result.stderr
    assert "runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -d postgres" in machine.changes()
    assert not any(line.startswith(("apt-get", "pg_conftool")) for line in machine.changes())
    assert (machine.services / "database-url").read_text() == first  # same password


def test_without_root_or_sudo_the_message_says_what_to_install(tmp_path):
    machine = Machine(tmp_path, uid=1000, have=("apt-get",))
    result = machine.run()
    assert result.returncode == 1
    assert machine.changes() == []
    assert result.stderr == (
        "ERROR: PostgreSQL is not installed and this script cannot install it: not running as"
        " root, and sudo was not found.\n"
        "Install it yourself:\n"
        "  sudo apt-get install -y postgresql\n"
        "or point the tests at a PostgreSQL server you already have (a role with CREATEDB):\n"
        "  DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/gwangyang bash scripts/test.sh\n"
    )

    # With PostgreSQL elsewhere, the same holds for Redis.
    machine.set("pg-running")
    machine.set("pg-accepts", "postgres://me:pw@db.example:5432/gp")
    result = machine.run(DATABASE_URL="postgres://me:pw@db.example:5432/gp")
    assert result.returncode == 1
    assert machine.changes() == []
    assert result.stderr == (
        "ERROR: Redis is not installed and this script cannot install it: not running as root,"
        " and sudo was not found.\n"
        "Install it yourself:\n"
        "  sudo apt-get install -y redis-server\n"
        "or point the tests at a Redis server you already have:\n"
        "  CELERY_BROKER_URL=redis://HOST:6379/1 bash scripts/test.sh\n"
    )


def test_without_apt_get_the_message_says_so(tmp_path):
    machine = Machine(tmp_path, have=("runuser",))
    result = machine.run()
    assert result.returncode == 1
    assert machine.changes() == []
    assert result.stderr.startswith(
        "ERROR: PostgreSQL is not installed and this script cannot install it: apt-get was not"
        " found (the script installs Debian's packages).\n"
    )
    assert "sudo apt-get install -y postgresql" in result.stderr


def test_a_failed_install_says_what_to_do(tmp_path):
    machine = Machine(tmp_path)
    machine.set("apt-fails")
    result = machine.run()
    assert result.returncode == 1
    assert result.stderr.startswith("ERROR: apt-get could not install postgresql.\n")
    assert "DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/gwangyang" in result.stderr
    assert not (machine.services / "postgres-installed-here").exists()


def test_urls_set_by_the_user_are_only_checked(tmp_path):
    machine = Machine(tmp_path, have=("apt-get", "runuser", "sudo"))
    mine = {
        "DATABASE_URL": "postgres://me:secret@db.example:5432/gp",
        "CELERY_BROKER_URL": "redis://cache.example:6379/3",
    }
    machine.set("pg-running")
    machine.set("redis-running")
    machine.set("pg-accepts", mine["DATABASE_URL"])
    machine.set("redis-accepts", mine["CELERY_BROKER_URL"])
    result = machine.run(**mine)
    assert result.returncode == 0, result.stderr
    assert machine.changes() == []
    assert machine.reads() == [
        f"pg-probe {mine['DATABASE_URL']}",
        f"redis-probe {mine['CELERY_BROKER_URL']}",
    ]
    assert urls(result) == mine

    # Not answering: nothing is installed or started in its place, and the password is hidden.
    (machine.state / "pg-running").unlink()
    result = machine.run(**mine)
    assert result.returncode == 1
    assert machine.changes() == []
    assert result.stderr == (
        "ERROR: PostgreSQL at DATABASE_URL=postgres://me:***@db.example:5432/gp does not answer"
        " or refuses the login. Nothing is installed or started while DATABASE_URL is set.\n"
    )
    machine.set("pg-running")
    (machine.state / "redis-running").unlink()
    result = machine.run(**mine)
    assert result.returncode == 1
    assert machine.changes() == []
    assert "Nothing is installed or started while CELERY_BROKER_URL is set." in result.stderr


def test_the_test_command_sets_up_the_services_with_these_functions():
    script = (ROOT / "scripts" / "test.sh").read_text()
    assert "\n. scripts/lib/services.sh" in script
    assert script.index("\nensure_postgres\nensure_redis\n") < script.index("-m pytest")
