"""Shared fixtures: one real demo DuckDB file per test session, built by the same code as `make run`."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("SIPAS_SHARED_DIR", REPO_ROOT.parent / "shared"))

# The demo build started in the background once the tests are collected (see pytest_collection_finish).
_demo_build: dict = {}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the test modules that do not need the demo database first (order otherwise kept), so they use
    the time the background build takes instead of the first database test waiting for it."""
    needs = {item.module.__name__ for item in items if "demo_db_path" in getattr(item, "fixturenames", ())}
    items.sort(key=lambda item: item.module.__name__ in needs)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start `python -m demo --db <tmp>` (what `make db` runs) as soon as the collected tests are known
    to need the demo database: the tests that come before the first one using it (pure-Python analysis
    tests) run meanwhile on the other core instead of the whole session waiting for the build."""
    if session.config.option.collectonly or _demo_build:
        return
    if not any("demo_db_path" in getattr(item, "fixturenames", ()) for item in session.items):
        return
    folder = Path(tempfile.mkdtemp(prefix="sipas-demo-"))
    path = folder / "sipas_demo.duckdb"
    log = folder / "build.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "demo", "--db", str(path)],
            cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    _demo_build.update(proc=proc, path=path, log=log, folder=folder)


def pytest_unconfigure(config: pytest.Config) -> None:
    if not _demo_build:
        return
    proc: subprocess.Popen = _demo_build["proc"]
    if proc.poll() is None:  # the session ended before any test needed the database
        proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
    shutil.rmtree(_demo_build["folder"], ignore_errors=True)
    _demo_build.clear()


@pytest.fixture(scope="session")
def demo_db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a freshly built full-scale demo database (read-only use only)."""
    if not _demo_build:  # not started at collection (e.g. the fixture was requested dynamically)
        from demo import build_demo

        path = tmp_path_factory.mktemp("demo") / "sipas_demo.duckdb"
        build_demo(path)
        return path
    code = _demo_build["proc"].wait()
    path: Path = _demo_build["path"]
    if code != 0 or not path.is_file():
        output = _demo_build["log"].read_text(errors="replace")[-4000:]
        pytest.fail(f"building the demo database failed (exit code {code}):\n{output}", pytrace=False)
    return path
