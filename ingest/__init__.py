"""Data import: respondent microdata and published tables, validated before anything is written, loaded in one
transaction into a new database version (see `store.versions`), with the raw file archived and the import logged.

Command line: ``python -m ingest --help`` (template / microdata / published / versions / restore).
"""

from __future__ import annotations

from pathlib import Path

from ingest import load, microdata, published
from ingest.plan import Plan
from store import db as dbmod
from store import versions

KINDS = ("microdata", "published")


def prepare(kind: str, con, path: Path | str, year: int, **options: object) -> Plan:
    """Validate a file of `kind` against the store behind `con` without writing anything."""
    if kind == "microdata":
        return microdata.prepare(con, path, year, **options)
    if kind == "published":
        return published.prepare(con, path, year, **options)
    raise ValueError(f"unknown import kind {kind!r}; expected one of {KINDS}")


def import_file(
    kind: str,
    path: Path | str,
    year: int,
    *,
    db: Path | str | None = None,
    imported_by: str | None = None,
    lock_timeout_s: float = 60.0,
    **options: object,
) -> tuple[Plan, dict | None]:
    """Validate and, when there is no error, load a file. Returns (plan, result); result is None when nothing
    was written (errors, or the same file is already loaded). Holds the import lock throughout, so the plan
    is checked against exactly the version it is applied to."""
    db = Path(db) if db is not None else dbmod.db_path()
    by = load.who(imported_by)
    with versions.import_lock(db, lock_timeout_s):
        versions.remove_leftovers(db)
        label = f"{kind}_{year}"
        if not db.exists():
            work, final = versions.new_work_file(db, label)
            con = dbmod.connect_write(work)
            try:
                con.begin()
                load.create_reference(con, by)
                con.commit()
                plan = prepare(kind, con, path, year, **options)
            finally:
                con.close()
            if not plan.ok or plan.status == "unchanged":
                work.unlink(missing_ok=True)
                return plan, None
        else:
            con = dbmod.connect_read_only(versions.current_file(db))
            try:
                plan = prepare(kind, con, path, year, **options)
            finally:
                con.close()
            if not plan.ok or plan.status == "unchanged":
                return plan, None
            work, final = versions.new_work_file(db, label)
        return plan, load.commit(plan, db, work, final, imported_by=by)
