"""All or nothing under stress: an import killed half way leaves the database as it was, and readers running
during imports never see half an import, a lock error or a mix of versions."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import duckdb

from store import versions
from tests.conftest import REPO_ROOT
from tests.ingest.builders import microdata_frame
from tests.ingest.conftest import fingerprint


def _ingest(*argv: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.Popen([sys.executable, "-m", "ingest", *argv], cwd=REPO_ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip


def test_import_killed_mid_way_leaves_the_previous_state(db, tmp_path) -> None:
    path = tmp_path / "big.csv"
    microdata_frame(2024, per_psu=3000).to_csv(path, index=False)  # 12,000 respondents
    before = fingerprint(db, deep=True)
    proc = _ingest("microdata", str(path), "--year", "2024", "--db", str(db), "--replace", "--partial")
    folder = versions.versions_dir(db)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any(folder.glob(".*.importing")):
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.005)
    time.sleep(0.3)  # inside the copy or the transaction
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    after = fingerprint(db, deep=True)
    assert {k: after[k] for k in ("file", "sha256", "tables")} == {
        k: before[k] for k in ("file", "sha256", "tables")
    }
    assert any(folder.glob(".*.importing"))  # the dead import's half-written version is still lying there
    # the next import takes the lock the kernel released, clears the leftover and succeeds
    small = tmp_path / "small.csv"
    microdata_frame(2024).to_csv(small, index=False)
    proc = _ingest("microdata", str(small), "--year", "2024", "--db", str(db), "--replace", "--partial")
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()[-2000:]
    assert not any(folder.glob(".*.importing"))
    with duckdb.connect(str(db.resolve()), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM respondent WHERE year = 2024").fetchone()[0] == 48


CONSISTENCY = """
SELECT (SELECT count(*) FROM respondent WHERE year = 2024),
       (SELECT sum(n) FROM agg_psu_respondent WHERE year = 2024),
       (SELECT max(import_id) FROM respondent WHERE year = 2024),
       (SELECT max(import_id) FROM import_log)
"""


def test_readers_during_imports_see_whole_versions_only(db, tmp_path) -> None:
    files = []
    for k, per_psu in enumerate((12, 25)):
        path = tmp_path / f"v{k}.csv"
        microdata_frame(2024, per_psu=per_psu, seed=k).to_csv(path, index=False)
        files.append(path)
    seen: set[tuple] = set()
    errors: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                con = duckdb.connect(str(db.resolve()), read_only=True)  # what the app does per version
                try:
                    n, agg, resp_import, last_import = con.execute(CONSISTENCY).fetchone()
                finally:
                    con.close()
                if n != agg or resp_import != last_import and n in (48, 100):
                    errors.append(f"mixed state: {n=} {agg=} {resp_import=} {last_import=}")
                seen.add((n, last_import))
                time.sleep(0.01)
            except Exception as exc:  # noqa: BLE001 - any reader failure fails the test
                errors.append(f"{type(exc).__name__}: {exc}")

    with duckdb.connect(str(db.resolve()), read_only=True) as con:
        initial = con.execute("SELECT count(*) FROM respondent WHERE year = 2024").fetchone()[0]
    threads = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        for path in files:
            proc = _ingest(
                "microdata", str(path), "--year", "2024", "--db", str(db), "--replace", "--partial"
            )
            out, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err.decode()[-2000:]
            time.sleep(0.2)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert not errors, errors[:5]
    counts = {n for n, _ in seen}
    assert counts <= {initial, 48, 100} and {48, 100} <= counts, seen
