"""Kill -9 at every phase of an import: the store stays exactly as it was, and the next start (or import)
clears what the dead process left: a half-written version, a complete version that never became current,
a stray link file, a half-written archive file. (Slow: one import process per phase.)"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import ingest
from access.scope import CLI_ADMIN
from ingest import cleanup
from ingest.load import archive_dir
from store import versions
from tests.conftest import REPO_ROOT
from tests.ingest.builders import microdata_frame
from tests.ingest.conftest import fingerprint

pytestmark = pytest.mark.slow


def _leftovers(db: Path) -> list[str]:
    folder = versions.versions_dir(db)
    names = [p.name for p in folder.iterdir() if p.name.endswith((".importing", ".wal", ".tmp"))]
    names += [p.name for p in db.parent.glob(f".{db.name}.link-*")]
    names += [p.name for p in archive_dir(db).glob("*.tmp")] if archive_dir(db).exists() else []
    return sorted(names)


def _killed_at(point: str, db: Path, csv: Path) -> None:
    """Run an import in a child process told to wait at `point`, and kill -9 it there."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "SIPAS_FAULT_PAUSE": point}
    args = [sys.executable, "-m", "ingest", "microdata", str(csv), "--year", "2024", "--db", str(db),
            "--replace", "--partial", "--in-process"]  # fmt: skip
    proc = subprocess.Popen(args, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    seen = []
    try:
        while time.monotonic() < deadline:
            line = proc.stderr.readline().decode(errors="replace")
            seen.append(line)
            if line.startswith(f"SIPAS_FAULT_PAUSE {point}"):
                break
            if not line and proc.poll() is not None:
                pytest.fail(f"the import ended before {point}: {''.join(seen)[-2000:]}")
        else:
            pytest.fail(f"the import never reached {point}")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL


def test_kill_at_every_phase_leaves_the_store_and_is_cleaned_up(db: Path, tmp_path: Path) -> None:
    first = tmp_path / "first.csv"
    microdata_frame(2024, seed=3).to_csv(first, index=False)
    plan, result = ingest.import_file(
        "microdata", first, 2024, db=db, principal=CLI_ADMIN, replace=True, partial=True
    )
    assert result is not None, plan.problems.listed
    (archive_dir(db) / "half-written.csv.tmp").write_text("x")  # as a kill inside `load.archive` leaves it
    cleanup.at_start(db)
    before = fingerprint(db, deep=True)
    second = tmp_path / "second.csv"
    microdata_frame(2024, seed=4).to_csv(second, index=False)
    for point in versions.FAULT_POINTS:
        _killed_at(point, db, second)
        after = fingerprint(db, deep=True)
        assert {k: after[k] for k in ("file", "sha256", "tables")} == {
            k: before[k] for k in ("file", "sha256", "tables")
        }, point
        if point != "locked":  # the kill left something behind
            assert _leftovers(db) or after["files"] != before["files"], point
        cleanup.at_start(db)  # the next start of the app
        assert _leftovers(db) == [], point
        assert fingerprint(db, deep=True) == before, point


def test_clean_at_start_waits_for_a_running_import(db: Path) -> None:
    folder = versions.versions_dir(db)
    folder.mkdir()
    half = folder / ".sipas-20260101T000000000000Z-x.duckdb.importing"
    half.write_text("x")
    with versions.import_lock(db):  # an import is running: its work file must stay
        assert cleanup.at_start(db) == []
        assert half.exists()
    assert half in cleanup.at_start(db) and not half.exists()


def test_stale_upload_copies_and_worker_folders_go_at_start(db: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(cleanup, "upload_dir", lambda: tmp_path)
    old_upload = tmp_path / f"{cleanup.UPLOAD_PREFIX}abc.csv"
    old_upload.write_text("Nguyễn Văn An,0912345678")
    old_check = tmp_path / f"{cleanup.CHECK_PREFIX}xyz"
    old_check.mkdir()
    (old_check / "result.pickle").write_bytes(b"rows")
    fresh = tmp_path / f"{cleanup.UPLOAD_PREFIX}now.csv"  # a check running now
    fresh.write_text("x")
    stale = time.time() - cleanup.STALE_UPLOAD_S - 60
    for path in (old_upload, old_check):
        os.utime(path, (stale, stale))
    removed = cleanup.at_start(db)
    assert old_upload in removed and old_check in removed
    assert not old_upload.exists() and not old_check.exists() and fresh.exists()
