"""Shared fixtures: one real demo DuckDB file per test session, built by the same code as `make run`."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("SIPAS_SHARED_DIR", REPO_ROOT.parent / "shared"))

# The demo build started in the background once the tests are collected (see pytest_collection_finish).
_demo_build: dict = {}
# With pytest-xdist the controller starts one build for all workers (pytest_configure) and names its folder
# here; the workers wait for its exit-code file instead of each building the same database.
SHARED_BUILD_ENV = "SIPAS_TEST_SHARED_DEMO"
_shared_build: dict = {}


def pytest_configure(config: pytest.Config) -> None:
    """In the xdist controller (several workers), start the one demo build the workers share: a 30-second
    build (two cores busy) saved per extra worker."""
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    if config.option.collectonly or os.environ.get(SHARED_BUILD_ENV):
        return
    folder = Path(tempfile.mkdtemp(prefix="sipas-demo-shared-"))
    path, log, code = folder / "sipas_demo.duckdb", folder / "build.log", folder / "exit_code"
    script = '"$0" -m demo --db "$1" > "$2" 2>&1; echo $? > "$3.tmp" && mv "$3.tmp" "$3"'
    proc = subprocess.Popen(
        ["sh", "-c", script, sys.executable, str(path), str(log), str(code)],
        cwd=REPO_ROOT, stdin=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    os.environ[SHARED_BUILD_ENV] = str(folder)  # inherited by the workers, started after this hook
    _shared_build.update(proc=proc, folder=folder)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the test modules that do not need the demo database first (order otherwise kept), so they use
    the time the background build takes instead of the first database test waiting for it; then the browser
    tests, then the rest."""
    needs = {item.module.__name__ for item in items if "demo_db_path" in getattr(item, "fixturenames", ())}
    # among those, the browser tests (the longest files) first, so that two workers do not end with one of
    # them still running a long file while the other is idle
    items.sort(
        key=lambda item: (item.module.__name__ in needs, not item.module.__name__.startswith("tests.e2e."))
    )


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start `python -m demo --db <tmp>` (what `make db` runs) as soon as the collected tests are known
    to need the demo database: the tests that come before the first one using it (pure-Python analysis
    tests) run meanwhile on the other core instead of the whole session waiting for the build."""
    if session.config.option.collectonly or _demo_build:
        return
    if os.environ.get(SHARED_BUILD_ENV):  # a worker: the controller builds it
        folder = Path(os.environ[SHARED_BUILD_ENV])
        _demo_build.update(shared=True, path=folder / "sipas_demo.duckdb", log=folder / "build.log",
                           code=folder / "exit_code")  # fmt: skip
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
    if _shared_build:  # the controller: stop the build if it still runs, remove it
        proc = _shared_build["proc"]
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, 9)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)
        shutil.rmtree(_shared_build["folder"], ignore_errors=True)
        os.environ.pop(SHARED_BUILD_ENV, None)
        _shared_build.clear()
    if not _demo_build or _demo_build.get("shared"):
        _demo_build.clear()
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
    if _demo_build.get("shared"):
        code = _wait_for_exit_code(_demo_build["code"])
    else:
        code = _demo_build["proc"].wait()
    path: Path = _demo_build["path"]
    if code != 0 or not path.is_file():
        output = _demo_build["log"].read_text(errors="replace")[-4000:]
        pytest.fail(f"building the demo database failed (exit code {code}):\n{output}", pytrace=False)
    if _demo_build.get(
        "shared"
    ):  # a worker's own copy: what it writes beside it (accounts, audit) stays its own
        own = tmp_path_factory.mktemp("demo") / "sipas_demo.duckdb"
        shutil.copyfile(path, own)
        return own
    return path


def _wait_for_exit_code(path: Path, timeout_s: float = 900.0) -> int:
    """The exit code the shared build writes when it ends (-1 if it never does within `timeout_s`)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if path.is_file():
            text = path.read_text().strip()
            return int(text) if text.lstrip("-").isdigit() else -1
        time.sleep(0.2)
    return -1
