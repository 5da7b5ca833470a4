"""Writing a validated plan: one transaction on a new database version, the raw file archived, the log kept."""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import json
import os
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from ingest.microdata import pii_salt, salted_hash
from ingest.plan import Plan
from reference.geography import load_reference
from reference.methodology import load_all, load_waves, store_rows
from reference.published import load_published
from store import db as dbmod
from store import versions
from store.aggregates import refresh_aggregates


def archive_dir(db: Path) -> Path:
    """Where raw imported files are kept by hash: `$SIPAS_ARCHIVE_DIR`, else `<db dir>/<db stem>.imports/`."""
    return Path(os.environ.get("SIPAS_ARCHIVE_DIR", str(db.parent / f"{db.stem}.imports")))


def who(explicit: str | None = None) -> str:
    """Who runs the import: the given name, else `$SIPAS_USER`, else the operating-system user."""
    return explicit or os.environ.get("SIPAS_USER") or getpass.getuser()


def utc_now() -> dt.datetime:
    """Now in UTC without a zone (import_log.imported_at is UTC, like version names)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame | pa.Table) -> None:
    names = frame.column_names if isinstance(frame, pa.Table) else list(frame.columns)
    con.register("_ingest_frame", frame)
    try:
        con.execute(f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(names)} FROM _ingest_frame")
    finally:
        con.unregister("_ingest_frame")


def create_reference(con: duckdb.DuckDBPyConnection, imported_by: str) -> dict[str, int]:
    """Fill a new, empty store with units, crosswalk, methodologies and the vendored published figures."""
    import_id = dbmod.scalar(con, "SELECT nextval('import_id_seq')")
    counts = load_reference(con)
    for methodology in load_all().values():
        for table, frame in store_rows(methodology).items():
            _insert(con, table, frame)
    counts["published"] = load_published(con, import_id)
    con.execute(
        "INSERT INTO import_log (import_id, kind, rows_loaded, imported_by, note) VALUES (?, 'reference', ?, ?, ?)",
        [import_id, sum(counts.values()), imported_by, json.dumps(counts)],
    )
    return counts


def archive_path(plan: Plan, db: Path) -> Path:
    """Where `archive` keeps the file of `plan` (named by the file's SHA-256)."""
    if plan.payload.get("redacted") is not None:
        return archive_dir(db) / f"{plan.file_sha256}.redacted.csv"
    return archive_dir(db) / f"{plan.file_sha256}{plan.path.suffix.lower()}"


def archive(plan: Plan, db: Path) -> Path:
    """Keep the raw file under its hash; a microdata file with identifying columns is kept redacted (those
    columns removed) so no respondent's personal data is ever stored in clear."""
    target = archive_path(plan, db)
    target.parent.mkdir(parents=True, exist_ok=True)
    redacted = plan.payload.get("redacted")
    if redacted is not None:
        if not target.exists():
            tmp = target.with_suffix(".tmp")
            with open(tmp, "w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(redacted["columns"])
                writer.writerows(redacted["rows"])
            os.replace(tmp, target)
        return target
    if not target.exists():
        tmp = target.with_suffix(".tmp")
        shutil.copyfile(plan.path, tmp)
        os.replace(tmp, target)
    return target


def _ensure_wave(con: duckdb.DuckDBPyConnection, year: int, kind: str) -> None:
    row = dbmod.one(con, "SELECT data_kind FROM survey_wave WHERE year = ?", [year])
    if row is not None:
        if kind == "microdata":
            con.execute("UPDATE survey_wave SET data_kind = 'microdata' WHERE year = ?", [year])
        return
    wave = load_waves().get(year)
    if wave is None:
        return
    con.execute(
        "INSERT INTO survey_wave VALUES (?, ?, ?, ?, ?, ?, ?)",
        [year, wave.methodology, wave.geo_version, wave.fieldwork_start, wave.fieldwork_end,
         "microdata" if kind == "microdata" else "published_only", wave.notes_en],
    )  # fmt: skip


def _check_unique_respondents(con: duckdb.DuckDBPyConnection, year: int) -> None:
    """Defensive check inside the transaction (validation already refuses duplicates): respondent ids and
    compact numbers are unique within the wave; raises (the caller rolls back) if not."""
    dupes = dbmod.one(
        con,
        "SELECT count(*) - count(DISTINCT respondent_id), count(*) - count(DISTINCT resp_no) FROM respondent "
        "WHERE year = ?",
        [year],
    )
    if dupes and any(dupes):
        raise RuntimeError(f"duplicate respondents in wave {year} after insert: {dupes}")


def write(
    con: duckdb.DuckDBPyConnection, plan: Plan, *, db: Path, imported_by: str, archived: Path | None
) -> dict:
    """Apply a ready plan inside the caller's transaction; returns what was loaded and replaced."""
    import_id = int(dbmod.scalar(con, "SELECT nextval('import_id_seq')"))
    year = plan.year
    replaced = None
    if plan.kind == "microdata":
        if plan.replaces:
            for table in ("answer", "respondent", "respondent_recheck"):
                con.execute(f"DELETE FROM {table} WHERE year = ?", [year])
            replaced = plan.replaces
        respondent = plan.payload["respondent"].assign(import_id=import_id)
        _insert(con, "respondent", respondent)
        _check_unique_respondents(con, year)
        _insert(con, "answer", plan.payload["answer"])
        if "identifying" in plan.payload:
            salt = pii_salt(db)
            frames = [
                pd.DataFrame({"year": year, "resp_no": resp_nos, "field": kind,
                              "value_hash": [salted_hash(salt, v) for v in values]})
                for kind, (resp_nos, values) in plan.payload["identifying"].items()
            ]  # fmt: skip
            _insert(con, "respondent_recheck", pd.concat(frames, ignore_index=True))
        _ensure_wave(con, year, "microdata")
        refresh_aggregates(con, year)
        rows = len(respondent)
    else:
        rows_frame = plan.payload["published"].assign(import_id=import_id)
        if plan.replaces:
            con.register("_replace_keys", rows_frame[["unit_id", "index_code"]])
            try:
                con.execute(
                    "DELETE FROM published_value p USING _replace_keys k WHERE p.year = ? AND p.measured_by = ? "
                    "AND p.unit_id = k.unit_id AND p.index_code = k.index_code",
                    [year, plan.options["measured_by"]],
                )
            finally:
                con.unregister("_replace_keys")
            replaced = plan.replaces
        _insert(con, "published_value", rows_frame)
        _ensure_wave(con, year, "published")
        rows = len(rows_frame)
    note = {
        "archive": str(archived) if archived else None,
        "summary": plan.summary,
        "warnings": sum(n for (c, sev), n in plan.problems.counts.items() if sev != "error"),
        "options": {k: v for k, v in plan.options.items() if v is not None},
    }
    con.execute(
        "INSERT INTO import_log (import_id, kind, year, file_name, file_sha256, rows_loaded, imported_by, "
        "imported_at, replaced, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [import_id, plan.kind, year, plan.file_name, plan.file_sha256, rows, imported_by, utc_now(),
         json.dumps(replaced, default=str) if replaced else None, json.dumps(note, default=str)],
    )  # fmt: skip
    return {"import_id": import_id, "rows_loaded": rows, "replaced": replaced}


def commit(plan: Plan, db: Path, work: Path, final: Path, *, imported_by: str) -> dict:
    """Write `plan` into `work` (a copy of the current version) in one transaction, archive the raw file and
    switch the database to the new version. Any failure leaves the current version untouched."""
    con = dbmod.connect_write(work)
    try:
        con.execute("BEGIN TRANSACTION")
        result = write(con, plan, db=db, imported_by=imported_by, archived=archive_path(plan, db))
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
        archived = archive(plan, db)
    except BaseException:
        con.close()
        work.unlink(missing_ok=True)
        Path(str(work) + ".wal").unlink(missing_ok=True)
        raise
    con.close()
    versions.publish(db, work, final)
    return result | {"archive": str(archived), "version": final.name}
