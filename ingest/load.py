"""Writing a validated plan: one transaction on a new database version, the raw file archived, the log kept."""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import json
import os
import shutil
from pathlib import Path

import pandas as pd

from analysis.precompute import refresh_wave
from ingest.microdata import pii_salt, salted_hash
from ingest.plan import Plan
from reference.methodology import load_waves
from store import db as dbmod
from store import imports, versions
from store.db import Connection
from store.reference_tables import load_methodologies, load_published, load_reference


def archive_dir(db: Path) -> Path:
    """Where raw imported files are kept by hash: `$SIPAS_ARCHIVE_DIR`, else `<db dir>/<db stem>.imports/`."""
    return Path(os.environ.get("SIPAS_ARCHIVE_DIR", str(db.parent / f"{db.stem}.imports")))


def who(explicit: str | None = None) -> str:
    """Who runs the import: the given name, else `$SIPAS_USER`, else the operating-system user."""
    return explicit or os.environ.get("SIPAS_USER") or getpass.getuser()


def utc_now() -> dt.datetime:
    """Now in UTC without a zone (import_log.imported_at is UTC, like version names)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def create_reference(con: Connection, imported_by: str) -> dict[str, int]:
    """Fill a new, empty store with units, crosswalk, methodologies and the vendored published figures."""
    import_id = imports.next_import_id(con)
    counts = load_reference(con)
    load_methodologies(con)
    counts["published"] = load_published(con, import_id)
    imports.insert_import_log(
        con, import_id, "reference", sum(counts.values()), imported_by, note=json.dumps(counts)
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


def _ensure_wave(con: Connection, year: int, kind: str) -> None:
    """Make sure `year` has a survey_wave row (from `reference/waves.toml`); loaded microdata marks it so."""
    if imports.wave_row(con, year) is not None:
        if kind == "microdata":
            imports.mark_wave_microdata(con, year)
        return
    wave = load_waves().get(year)
    if wave is None:
        return
    imports.insert_survey_wave(
        con, year, wave.methodology, wave.geo_version, wave.fieldwork_start, wave.fieldwork_end,
        "microdata" if kind == "microdata" else "published_only", wave.notes_en,
    )  # fmt: skip


def write(con: Connection, plan: Plan, *, db: Path, imported_by: str, archived: Path | None) -> dict:
    """Apply a ready plan inside the caller's transaction; returns what was loaded and replaced."""
    import_id = imports.next_import_id(con)
    year = plan.year
    replaced = None
    if plan.kind == "microdata":
        if plan.replaces:
            imports.delete_wave_microdata(con, year)
            replaced = plan.replaces
        respondent = plan.payload["respondent"].assign(import_id=import_id)
        imports.insert_frame(con, "respondent", respondent)
        imports.check_unique_respondents(con, year)  # defensive: validation already refuses duplicates
        imports.insert_frame(con, "answer", plan.payload["answer"])
        if "identifying" in plan.payload:
            salt = pii_salt(db)
            frames = [
                pd.DataFrame({"year": year, "resp_no": resp_nos, "field": kind,
                              "value_hash": [salted_hash(salt, v) for v in values]})
                for kind, (resp_nos, values) in plan.payload["identifying"].items()
            ]  # fmt: skip
            imports.insert_recheck_hashes(con, pd.concat(frames, ignore_index=True))
        _ensure_wave(con, year, "microdata")
        refresh_wave(con, year)
        rows = len(respondent)
    else:
        rows_frame = plan.payload["published"].assign(import_id=import_id)
        if plan.replaces:
            imports.delete_published(con, year, plan.options["measured_by"], rows_frame)
            replaced = plan.replaces
        imports.insert_frame(con, "published_value", rows_frame)
        _ensure_wave(con, year, "published")
        rows = len(rows_frame)
    note = {
        "archive": str(archived) if archived else None,
        "summary": plan.summary,
        "warnings": sum(n for (c, sev), n in plan.problems.counts.items() if sev != "error"),
        "options": {k: v for k, v in plan.options.items() if v is not None},
    }
    imports.insert_import_log(
        con, import_id, plan.kind, rows, imported_by, year=year, file_name=plan.file_name,
        file_sha256=plan.file_sha256, imported_at=utc_now(),
        replaced=json.dumps(replaced, default=str) if replaced else None, note=json.dumps(note, default=str),
    )  # fmt: skip
    return {"import_id": import_id, "rows_loaded": rows, "replaced": replaced}


def commit(plan: Plan, db: Path, work: Path, final: Path, *, imported_by: str) -> dict:
    """Write `plan` into `work` (a copy of the current version) in one transaction, archive the raw file and
    switch the database to the new version. Any failure leaves the current version untouched."""
    con = dbmod.connect_write(work)
    try:
        con.begin()
        result = write(con, plan, db=db, imported_by=imported_by, archived=archive_path(plan, db))
        con.commit()
        dbmod.checkpoint(con)
        archived = archive(plan, db)
    except BaseException:
        con.close()
        work.unlink(missing_ok=True)
        Path(str(work) + ".wal").unlink(missing_ok=True)
        raise
    con.close()
    versions.publish(db, work, final)
    return result | {"archive": str(archived), "version": final.name}
