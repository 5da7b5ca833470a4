"""Fixtures for import tests: a private copy of the demo database per test, the CLI run in-process, and a
fingerprint that proves a database was left exactly as it was."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from ingest.__main__ import main as ingest_main

TABLES = ("admin_unit", "unit_crosswalk", "methodology_item", "survey_wave", "respondent", "answer",
          "respondent_recheck", "published_value", "import_log", "agg_psu_item", "agg_psu_respondent")  # fmt: skip


@pytest.fixture()
def db(demo_db_path, tmp_path) -> Path:
    """A plain-file copy of the demo database, as `make db` leaves it."""
    target = tmp_path / "store" / "sipas.duckdb"
    target.parent.mkdir()
    shutil.copyfile(demo_db_path, target)
    return target


def run_cli(*argv: str) -> tuple[int, dict]:
    """`python -m ingest ARGV` in this process: (exit code, the JSON object printed on stdout)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = ingest_main(list(argv))
    text = out.getvalue().strip()
    assert text.count("\n") == 0, f"stdout must be one JSON line, got: {text[:500]}"
    return code, json.loads(text)


def fingerprint(db: Path, deep: bool = False) -> dict:
    """sha256 of the file the database path resolves to and row counts per table (`deep`: plus a content
    hash per table). Equal fingerprints mean the database was not touched."""
    path = db.resolve()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    folder = db.parent / f"{db.stem}.versions"
    versions = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
    con = duckdb.connect(str(path), read_only=True)
    try:
        existing = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        tables = {}
        for table in TABLES:
            if table in existing:
                what = "count(*), bit_xor(hash(t))" if deep else "count(*)"
                tables[table] = con.execute(f"SELECT {what} FROM {table} t").fetchall()[0]
    finally:
        con.close()
    return {"file": str(path), "sha256": digest, "tables": tables, "files": versions}
