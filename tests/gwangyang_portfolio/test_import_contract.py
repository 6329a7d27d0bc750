"""The apps stack one way (import-linter's contract in pyproject.toml)."""

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = [str(Path(sys.executable).with_name("lint-imports"))]

pytestmark = pytest.mark.subprocess


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*LINT, "--no-cache", "pyproject.toml"],
        cwd=cwd,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_code_keeps_the_contract():
    """Every app imports only from the layers below it; no app imports gwangyang_portfolio."""
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("core", "accounts"),
        ("core", "projects"),
        ("accounts", "projects"),
        ("projects", "reviews"),
        ("projects", "imports"),
        ("projects", "dashboard"),
        ("reviews", "imports"),
        ("imports", "reviews"),
        ("reviews", "dashboard"),
        ("imports", "dashboard"),
        ("projects", "rounds"),
        ("reviews", "rounds"),
        ("imports", "rounds"),
        ("rounds", "dashboard"),
        ("dashboard", "gwangyang_portfolio"),
        ("accounts", "gwangyang_portfolio"),
    ],
)
def test_the_contract_refuses_an_upward_import(tmp_path, importer, imported):
    """The same contract, on a toy tree with one upward import, fails and names it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for package in config["tool"]["importlinter"]["root_packages"]:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / importer / "upward.py").write_text(f"import {imported}\n")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")

    result = _lint(tmp_path)

    assert result.returncode != 0
    assert f"{importer}.upward -> {imported}" in result.stdout
