"""Writing a validated plan: one transaction on a new database version, the loaded columns archived (never the
raw file), the log kept."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import getpass
import io
import json
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from analysis.precompute import refresh_wave
from ingest.microdata import hashed_respondent_id, pii_salt, salted_hash
from ingest.plan import Plan
from reference.methodology import load_waves
from store import db as dbmod
from store import imports, versions
from store.db import Connection
from store.reference_tables import load_methodologies, load_published, load_reference


def archive_dir(db: Path) -> Path:
    """Where the loaded columns of imported files are kept by the file's hash: `$SIPAS_ARCHIVE_DIR`, else
    `<db dir>/<db stem>.imports/` (mode 0700)."""
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
    """Where `archive` keeps what was loaded from the file of `plan` (named by the file's SHA-256)."""
    return archive_dir(db) / f"{plan.file_sha256}.{plan.kind}.loaded.csv"


def _private_dir(folder: Path) -> None:
    """Create `folder` readable by the service user only (0700, whatever the umask; an existing folder of
    ours is tightened, which also hides files an older version left there)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    st = folder.stat()
    if st.st_uid == os.getuid() and st.st_mode & 0o077:
        os.chmod(folder, 0o700)


def finalise_respondent_ids(plan: Plan, db: Path) -> None:
    """Replace the respondent ids that are personal data (hash mode: `payload['respondent_id_hash']`) by
    their salted hash in the rows to write and to archive; nothing to do otherwise (or when done)."""
    pending = plan.payload.pop("respondent_id_hash", None)
    if pending is None:
        return
    rows, values = pending
    salt = pii_salt(db)
    ids = plan.payload["respondent"]["respondent_id"].astype(object).to_numpy(copy=True)
    ids[rows] = [hashed_respondent_id(salt, str(v)) for v in values]
    plan.payload["respondent"] = plan.payload["respondent"].assign(respondent_id=ids)
    archived = plan.payload.get("archive")
    if isinstance(archived, pa.Table) and "respondent_id" in archived.column_names:
        k = archived.column_names.index("respondent_id")
        plan.payload["archive"] = archived.set_column(k, "respondent_id", pa.array(list(ids), pa.string()))


def archive(plan: Plan, db: Path) -> Path:
    """Keep what was loaded from the file, under the file's hash, readable by the service user only (0600
    in a 0700 folder): the recognised columns with their loaded values (microdata) or as written
    (published figures). Never the uploaded file: a column that was not loaded (names, phone numbers,
    dates of birth, notes, anything unrecognised) is stored nowhere."""
    finalise_respondent_ids(plan, db)
    target = archive_path(plan, db)
    _private_dir(target.parent)
    kept = plan.payload.get("archive")
    if kept is None:  # a plan without its rows (`Plan.without_payload`): never fall back to the raw file
        raise ValueError("nothing to archive: the plan holds no rows (prepare it again to load it)")
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(codecs.BOM_UTF8)  # Excel then reads the Vietnamese text as UTF-8
            if isinstance(kept, pa.Table):
                pacsv.write_csv(kept, handle)
            else:
                text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
                writer = csv.writer(text)
                writer.writerow(kept["columns"])
                writer.writerows(kept["rows"])
                text.flush()
                text.detach()
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
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
        finalise_respondent_ids(plan, db)
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
    """Write `plan` into `work` (a copy of the current version) in one transaction, archive what was loaded
    and switch the database to the new version. Any failure leaves the current version untouched."""
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
