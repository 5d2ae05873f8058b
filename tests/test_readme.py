"""The README as a newcomer meets it: after `make run`'s set-up, every command it shows works as typed.

The project is copied as a fresh clone would hold it (tracked and new files, nothing ignored) into a temporary
folder with a clean environment (no DATABASE_URL, DEBUG, SECRET_KEY…: the embedded defaults), `make setup` runs
there (what `make run` does before serving), then each command of the README's command blocks, as typed.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
# what a command block of the README may show that this test cannot run here: serving, the test suite itself,
# the benchmark (minutes, PostgreSQL) and production hosts (Docker)
NOT_RUN = ("make run", "make test", "make bench", "docker ", "cp .env.example")


def readme_commands(text: str) -> list[str]:
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        joined = re.sub(r"\\\n\s*", "", block)
        for line in joined.splitlines():
            command = re.sub(r"\s+#.*$", "", line).strip()
            if command and not command.startswith("#") and not command.startswith(NOT_RUN):
                commands.append(command)
    return commands


def test_the_readme_opens_with_the_two_commands_and_points_nowhere_outside():
    text = README.read_text()
    first_block = re.search(r"```sh\n(.*?)```", text, flags=re.S).group(1)
    assert [line.split("#")[0].strip() for line in first_block.strip().splitlines()] == ["make run", "make test"]
    assert "../" not in text and "shared/" not in text
    assert "PORT" in text and "docs/progress-method.md" in text


def test_readme_commands_are_found():
    commands = readme_commands(README.read_text())
    assert any("plan_status" in c for c in commands) and any("progress_calc" in c for c in commands)
    assert not any(c.startswith(NOT_RUN) for c in commands)


@pytest.fixture(scope="module")
def fresh_clone(tmp_path_factory):
    clone = tmp_path_factory.mktemp("clone")
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.splitlines()
    for name in files:
        source = ROOT / name
        if source.is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / name)  # keeps mtimes: make sees the venv as up to date
    (clone / ".venv").symlink_to(Path(sys.prefix))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "TEST_REDIS", "CELERY_"))
           and k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "PYTEST_CURRENT_TEST")}
    setup = subprocess.run(["make", "setup"], cwd=clone, env=env, capture_output=True, text=True, timeout=900)
    assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
    assert (clone / "db.sqlite3").exists() and (clone / ".env.development").exists()
    return clone, env


def test_every_readme_command_works_as_typed_after_make_run(fresh_clone):
    clone, env = fresh_clone
    commands = readme_commands(README.read_text())
    failures = []
    for command in commands:
        result = subprocess.run(command, shell=True, cwd=clone, env=env, capture_output=True, text=True,
                                timeout=600)
        output = result.stdout + result.stderr
        if result.returncode != 0 or "AXES: BEGIN" in output:
            failures.append(f"$ {command}\n{output[-2000:]}")
    assert not failures, "\n\n".join(failures)
