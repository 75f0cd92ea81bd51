"""scripts/_bootstrap.sh, the set-up behind scripts/run-bot and scripts/test: it installs from the
lock, says so in one line, installs again only when the lock or pyproject.toml changed, and notices
a lock made from other dependencies. pip is a stand-in here that records what it was asked."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FAKE_PYTHON = """#!/usr/bin/env bash
# pip is recorded, not run; anything else is the real Python.
if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then shift 2; echo "pip $*" >> "$(dirname "$0")/pip.log"; exit 0; fi
exec "{python}" "$@"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's set-up files, with a virtual environment whose pip is a recorder."""
    (tmp_path / "scripts").mkdir()
    for name in ("scripts/_bootstrap.sh", "scripts/dependency_digest.py", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    digest = subprocess.run(
        [sys.executable, "scripts/dependency_digest.py"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.strip()
    for lock in ("requirements.txt", "requirements-dev.txt"):
        (tmp_path / lock).write_text(f"# pyproject.toml dependencies sha256: {digest}\nsome-package==1.0 \\\n")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(FAKE_PYTHON.format(python=sys.executable))
    python.chmod(0o755)
    return tmp_path


def set_up(project: Path, extras: str = "dev") -> tuple[list[str], list[str]]:
    """Run the set-up as scripts/test does; its lines on stderr, and the pip commands it ran."""
    log = project / ".venv" / "bin" / "pip.log"
    log.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "MEETUP_BOT_VENV"} | {"PYTHON": sys.executable}
    result = subprocess.run(
        ["bash", "-c", f'source scripts/_bootstrap.sh "{extras}"'],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr.splitlines(), log.read_text().splitlines() if log.exists() else []


def test_it_installs_from_the_lock_once_and_says_so_in_one_line(project: Path) -> None:
    said, pip = set_up(project)

    assert said == ["Installing meetup-bot with its dev dependencies into .venv from requirements-dev.txt ..."]
    assert [p.split("--disable-pip-version-check ")[1] for p in pip] == [
        "--require-hashes --no-deps -r requirements-dev.txt",
        "--no-deps -e .",
    ]
    assert all("--quiet --quiet" in p for p in pip)  # pip's notices stay quiet; its errors do not
    assert set_up(project) == ([], [])  # nothing changed: nothing to do, nothing said

    run_said, run_pip = set_up(project, extras="")
    assert run_said == ["Installing meetup-bot into .venv from requirements.txt ..."]
    assert "-r requirements.txt" in run_pip[0]


def test_a_changed_lock_is_installed_again(project: Path) -> None:
    set_up(project)
    with (project / "requirements-dev.txt").open("a") as lock:
        lock.write("another-package==2.0 \\\n")

    said, pip = set_up(project)

    assert said == ["Installing meetup-bot with its dev dependencies into .venv from requirements-dev.txt ..."]
    assert len(pip) == 2


def test_a_lock_made_from_other_dependencies_is_noticed_and_not_installed(project: Path) -> None:
    set_up(project)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace("dependencies = [\n", 'dependencies = [\n    "new-thing>=1",\n', 1)
    )

    said, pip = set_up(project)

    assert said[0].startswith("warning: requirements-dev.txt was not made from this pyproject.toml's dependencies")
    assert "scripts/lock" in said[0]
    assert said[1] == "Installing meetup-bot with its dev dependencies into .venv from pyproject.toml ..."
    assert [p.split("--disable-pip-version-check ")[1] for p in pip] == ["-e .[dev]"]
    again, _ = set_up(project)
    assert len(again) == 1 and again[0].startswith("warning:")  # every run, until the lock is refreshed


def test_settings_of_the_tools_alone_leave_the_lock_valid(project: Path) -> None:
    set_up(project)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("line-length = 120", "line-length = 100"))

    said, pip = set_up(project)

    assert said == ["Installing meetup-bot with its dev dependencies into .venv from requirements-dev.txt ..."]
    assert "-r requirements-dev.txt" in pip[0]
