"""The import worker (`ingest.worker`): a file validated in the bounded child gives the same plan as in this
process, and every limit (file size, unpacked size, rows, memory, time) or failure is a clean bilingual
refusal, with nothing written, no traceback and this process's memory untouched."""

from __future__ import annotations

import io
import os
import shutil
import time
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

import ingest
from access.scope import CLI_ADMIN
from ingest import worker
from tests.ingest.builders import microdata_frame
from tests.ingest.conftest import fingerprint, run_cli
from tests.ingest.test_fast_paths import comparable, faulty_frame
from tests.ingest.test_published import SOURCE, report_workbook

LIMIT_ENV = ("SIPAS_IMPORT_MAX_MB", "SIPAS_IMPORT_MAX_UNPACKED_MB", "SIPAS_IMPORT_MAX_ROWS",
             "SIPAS_IMPORT_MAX_MEMORY_MB", "SIPAS_IMPORT_MAX_SECONDS")  # fmt: skip


@pytest.fixture(scope="module")
def shared_db(demo_db_path, tmp_path_factory) -> Path:
    """One copy for the module: every import here is refused, so nothing may change it."""
    target = tmp_path_factory.mktemp("worker") / "sipas.duckdb"
    shutil.copyfile(demo_db_path, target)
    return target


@pytest.fixture(autouse=True)
def default_limits(monkeypatch) -> None:
    for name in LIMIT_ENV:
        monkeypatch.delenv(name, raising=False)


def rss_mb() -> float:
    """Resident memory of this process now (VmRSS), MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def children() -> list[int]:
    """Import workers (`python -m ingest.worker`) whose parent is this process (other children, such as a
    browser test's server started earlier in the same pytest worker, are not counted)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
            command = (status.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if f"\nPPid:\t{os.getpid()}\n" in text and b"ingest.worker" in command:
            found.append(int(status.parent.name))
    return found


def refused(plan, code: str):
    """The plan is invalid with exactly one error, `code`, worded differently in Vietnamese and English."""
    assert plan.status == "invalid" and not plan.ok
    (error,) = plan.problems.errors()
    assert error.code == code, (error.code, error.message_en)
    assert error.message_vi and error.message_en and error.message_vi != error.message_en
    return error


def big_frame(rows: int) -> pd.DataFrame:
    """`rows` valid 2024 respondents (the builders' table repeated, ids unique): ≈ 5,600 rows per MB of CSV."""
    base = microdata_frame(2024, per_psu=250)
    frame = pd.concat([base] * -(-rows // len(base)), ignore_index=True).iloc[:rows].copy()
    frame["respondent_id"] = [f"W-{k:07d}" for k in range(rows)]
    return frame


def same_payload(a: dict, b: dict) -> bool:
    """Equal payloads: the same keys, equal frames (pandas), tables (pyarrow) and other values."""
    if set(a) != set(b):
        return False
    for key, value in a.items():
        other = b[key]
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, other)
        elif isinstance(value, pa.Table):
            assert value.equals(other), key
        else:
            assert value == other, key
    return True


def test_same_plan_in_the_worker_as_in_process(shared_db, tmp_path):
    files = {"valid.csv": microdata_frame(2024), "faulty.xlsx": faulty_frame()}
    for name, frame in files.items():
        path = tmp_path / name
        frame.to_csv(path, index=False) if name.endswith(".csv") else frame.to_excel(path, index=False)
    published = tmp_path / "published.xlsx"
    report_workbook(published)  # merged two-row header, titles, notes, a hidden sheet
    confirmed = {"replace": True, "partial": True}  # 2 of 63 provinces: a partial wave, confirmed
    cases = [("microdata", tmp_path / "valid.csv", 2024, confirmed),
             ("microdata", tmp_path / "faulty.xlsx", 2024, {**confirmed, "file_name": "Dữ liệu.xlsx"}),
             ("published", published, 2023, {"source": SOURCE, "replace": True})]  # fmt: skip
    con = duckdb.connect(str(shared_db), read_only=True)
    try:
        for kind, path, year, options in cases:
            here = ingest.prepare(kind, con, path, year, **options)
            there = worker.prepare(kind, shared_db, path, year, **options)
            for field in ("kind", "year", "path", "file_name", "file_sha256", "file_size", "status", "summary",
                          "replaces", "options"):  # fmt: skip
                assert getattr(there, field) == getattr(here, field), (path.name, field)
            assert there.problems.as_json() == here.problems.as_json()
            assert there.preview.equals(here.preview)
            assert same_payload(there.payload, here.payload), path.name
            assert here.ok == (path.name != "faulty.xlsx"), here.problems.as_json()["counts"]
            if kind == "microdata" and here.ok:
                light = worker.prepare(kind, shared_db, path, year, payload=False, **options)
                assert light.payload == {} and light.provinces == here.loaded_provinces() == [
                    "P63-01",
                    "P63-79",
                ]
                assert comparable(light) == comparable(here.without_payload())
    finally:
        con.close()


def test_the_plan_from_the_worker_is_loaded(db, tmp_path):
    """What the Data page does on confirmation: validated in the worker under the lock, then written."""
    path = tmp_path / "published.xlsx"
    report_workbook(path)
    plan, result = ingest.import_file("published", path, 2023, db=db, principal=CLI_ADMIN, source=SOURCE,
                                      replace=True, isolated=True)  # fmt: skip
    assert plan.ok and result is not None and result["rows_loaded"] == 18
    with duckdb.connect(str(db.resolve()), read_only=True) as con:
        rows = con.execute("SELECT count(*) FROM published_value WHERE import_id = ?", [result["import_id"]])
        assert rows.fetchone()[0] == 18
    assert not children()


def bomb_workbook(path: Path) -> Path:
    """A valid one-row workbook whose sheet XML is padded to 26 MB of spaces: ≈ 0.1 MB zipped."""
    frame = microdata_frame(2024, per_psu=1)
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, sep, tail = data.partition(b"<sheetData>")
                data = head + b" " * (26 * 1000 * 1000) + sep + tail
            dst.writestr(info.filename, data)
    assert path.stat().st_size < 300_000
    return path


def test_size_limits_refused_in_the_worker(shared_db, tmp_path, monkeypatch):
    bomb = bomb_workbook(tmp_path / "bom.xlsx")
    rows = tmp_path / "rows.csv"
    microdata_frame(2024, per_psu=50).to_csv(rows, index=False)  # 200 rows
    big = tmp_path / "big.csv"
    microdata_frame(2024, per_psu=2000).to_csv(big, index=False)  # 8,000 rows, ≈ 1.4 MB
    cases = [(bomb, "SIPAS_IMPORT_MAX_UNPACKED_MB", "20", "xlsx_too_large_uncompressed", "limit 20.0 MB"),
             (rows, "SIPAS_IMPORT_MAX_ROWS", "100", "too_many_rows", "more than 100 data rows"),
             (big, "SIPAS_IMPORT_MAX_MB", "1", "file_too_large", "limit of 1.0 MB")]  # fmt: skip
    before = fingerprint(shared_db)
    for path, env, value, code, says in cases:
        monkeypatch.setenv(env, value)
        plan, result = ingest.import_file("microdata", path, 2024, db=shared_db, principal=CLI_ADMIN,
                                          replace=True, isolated=True)  # fmt: skip
        monkeypatch.delenv(env)
        error = refused(plan, code)
        assert result is None and says in error.message_en and env in error.message_vi, error.message_en
    assert fingerprint(shared_db) == before
    assert not children()


def test_memory_limit_is_a_refusal_and_this_process_stays_small(shared_db, tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    big_frame(110_000).to_csv(path, index=False)  # ≈ 20 MB: ≈ 280 MB more address space to validate
    monkeypatch.setenv("SIPAS_IMPORT_MAX_MEMORY_MB", "150")
    before_db = fingerprint(shared_db)
    before = rss_mb()
    plan, result = ingest.import_file("microdata", path, 2024, db=shared_db, principal=CLI_ADMIN, replace=True,
                                      isolated=True)  # fmt: skip
    grown = rss_mb() - before
    error = refused(plan, "check_memory")
    assert "150 MB" in error.message_en and "150 MB" in error.message_vi
    assert "SIPAS_IMPORT_MAX_MEMORY_MB" in error.message_en
    assert result is None and plan.file_size == path.stat().st_size and plan.file_sha256
    assert grown < 50, f"this process grew by {grown:.0f} MB"
    assert fingerprint(shared_db) == before_db
    assert not children()


def test_time_limit_kills_the_child(shared_db, tmp_path, monkeypatch):
    path = tmp_path / "valid.csv"
    microdata_frame(2024).to_csv(path, index=False)
    monkeypatch.setenv("SIPAS_IMPORT_MAX_SECONDS", "0.3")  # less than the child's start-up
    before = fingerprint(shared_db)
    started = time.monotonic()
    plan, result = ingest.import_file("microdata", path, 2024, db=shared_db, principal=CLI_ADMIN, replace=True,
                                      isolated=True)  # fmt: skip
    assert time.monotonic() - started < 5
    error = refused(plan, "check_timeout")
    assert "0.3" in error.value and "SIPAS_IMPORT_MAX_SECONDS" in error.message_vi
    assert result is None and fingerprint(shared_db) == before
    assert not children()


def test_an_error_in_the_child_is_a_problem(shared_db, tmp_path):
    path = tmp_path / "valid.csv"
    microdata_frame(2024).to_csv(path, index=False)
    error = refused(worker.prepare("nonsense", shared_db, path, 2024), "check_failed")
    assert error.value.startswith("ValueError: unknown import kind")
    missing = worker.run("microdata", tmp_path / "no.duckdb", path, 2024)  # the database cannot be opened
    assert missing.status == "error" and "FileNotFoundError" in missing.error


def test_command_line_validates_in_the_worker(shared_db, tmp_path, monkeypatch):
    path = tmp_path / "no_ids.csv"
    microdata_frame(2024).drop(columns="respondent_id").to_csv(path, index=False)
    monkeypatch.setenv("SIPAS_IMPORT_MAX_SECONDS", "0.3")
    before = fingerprint(shared_db)
    code, out = run_cli("microdata", str(path), "--year", "2024", "--db", str(shared_db))
    assert code == 2 and [e["code"] for e in out["errors"]] == ["check_timeout"]
    code, out = run_cli("microdata", str(path), "--year", "2024", "--db", str(shared_db), "--in-process")
    assert code == 2 and "column_missing" in [e["code"] for e in out["errors"]]
    assert fingerprint(shared_db) == before


def test_the_data_page_states_the_limits(monkeypatch):
    from ui.import_panel import limits_text

    text = limits_text(100, "vi")
    assert text == ("Giới hạn: tệp tối đa 100 MB, 300 MB khi giải nén (XLSX), 1.000.000 dòng dữ liệu; tệp được "
                    "kiểm tra trong một tiến trình riêng, với tối đa 2.048 MB bộ nhớ và 300 giây.")  # fmt: skip
    monkeypatch.setenv("SIPAS_IMPORT_MAX_ROWS", "50000")
    monkeypatch.setenv("SIPAS_IMPORT_MAX_MEMORY_MB", "1024")
    monkeypatch.setenv("SIPAS_IMPORT_MAX_SECONDS", "120")
    text = limits_text(10, "en")  # a workbook may unpack to 20 times the file limit at most
    assert text == ("Limits: files up to 10 MB, 200 MB unpacked (XLSX), 50,000 data rows; the file is checked in "
                    "a separate process, with at most 1,024 MB of memory and 120 seconds.")  # fmt: skip
