"""Data import: respondent microdata and published tables, validated before anything is written, loaded in one
transaction into a new database version (see `store.versions`), with the loaded columns archived and the import logged.

Command line: ``python -m ingest --help`` (template / microdata / published / versions / restore).

Uploads are validated in a bounded child process (`ingest.worker`, limits in `ingest.readers` and
`ingest.worker`): the Data page and the command line pass ``isolated=True``.
"""

from __future__ import annotations

from pathlib import Path

from access import audit, rules
from access.provinces import readable_provinces
from access.scope import AccessDenied, Principal
from ingest import load, microdata, published
from ingest.plan import Plan
from store import db as dbmod
from store import imports, versions

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
    principal: Principal,
    imported_by: str | None = None,
    lock_timeout_s: float = 60.0,
    isolated: bool = False,
    **options: object,
) -> tuple[Plan, dict | None]:
    """Validate and, when there is no error, load a file. Returns (plan, result); result is None when nothing
    was written (errors, or the same file is already loaded). Holds the import lock throughout, so the plan
    is checked against exactly the version it is applied to. `principal` must be allowed to load it
    (`access.rules.check_import`: `AccessDenied` otherwise, nothing written); every import and refusal is
    written to the audit log.

    ``isolated``: validate in a bounded child process (`ingest.worker`: memory, time and CPU priority limits;
    the app and the command line do), the lock held here meanwhile; a child that reaches a limit gives an
    invalid plan saying so. Otherwise in this process."""
    db = Path(db) if db is not None else dbmod.db_path()
    by = imported_by or (principal.actor if principal.user not in (None, "cli") else load.who(None))
    try:  # who may never load this kind (visitors; officers and published figures): refused before reading
        rules.check_import(principal.scope, kind, [], [], frozenset())
    except AccessDenied as refusal:
        audit.record(principal, "import_refused", year=year, outcome="refused",
                     detail={"kind": kind, "file": Path(path).name, "reason": refusal.reason})  # fmt: skip
        raise
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
            finally:
                con.close()
            plan, replaced, allowed = _validate(kind, work, path, year, principal, isolated, options)
            if not plan.ok or plan.status == "unchanged":
                work.unlink(missing_ok=True)
                return plan, None
            try:
                _check(principal, plan, replaced, allowed)
            except AccessDenied:
                work.unlink(missing_ok=True)
                raise
        else:
            current = versions.current_file(db)
            plan, replaced, allowed = _validate(kind, current, path, year, principal, isolated, options)
            if not plan.ok or plan.status == "unchanged":
                return plan, None
            _check(principal, plan, replaced, allowed)
            work, final = versions.new_work_file(db, label)
        result = load.commit(plan, db, work, final, imported_by=by)
        audit.record(principal, "replace" if result.get("replaced") else "import", year=year,
                     detail={"kind": kind, "file": plan.file_name, "rows": result["rows_loaded"],
                             "version": result["version"], "sha256": plan.file_sha256})  # fmt: skip
        return plan, result


def _validate(
    kind: str, db_file: Path, path: Path | str, year: int, principal: Principal, isolated: bool, options: dict
) -> tuple[Plan, list[str], frozenset[str]]:
    """`prepare` against the database file `db_file` (read-only; in `ingest.worker` when `isolated`), the
    provinces a replacement would remove and those `principal` may read there."""
    from ingest import worker  # not at the top: `python -m ingest.worker` runs that module as a script

    plan = worker.prepare(kind, db_file, path, year, **options) if isolated else None
    if plan is not None and (not plan.ok or plan.status == "unchanged"):
        return plan, [], frozenset()  # nothing to load: nothing to check
    con = dbmod.connect_read_only(db_file)
    try:
        if plan is None:
            plan = prepare(kind, con, path, year, **options)
        replaced = imports.wave_provinces(con, year) if plan.replaces and kind == "microdata" else []
        allowed = readable_provinces(con, principal.scope)
    finally:
        con.close()
    return plan, replaced, allowed


def access_refusal(principal: Principal, plan: Plan, con: dbmod.Connection) -> AccessDenied | None:
    """Why `principal` may not load the validated `plan` into the store behind `con` (read-only), or None:
    the same rule `import_file` applies under the lock, asked early so the form can say so."""
    replaced = imports.wave_provinces(con, plan.year) if plan.replaces and plan.kind == "microdata" else []
    try:
        rules.check_import(
            principal.scope,
            plan.kind,
            plan.loaded_provinces(),
            replaced,
            readable_provinces(con, principal.scope),
        )
    except AccessDenied as refusal:
        return refusal
    return None


def _check(principal: Principal, plan: Plan, replaced: list[str], allowed: frozenset[str]) -> None:
    """`access.rules.check_import` for a validated plan; a refusal is audited and raised."""
    try:
        rules.check_import(principal.scope, plan.kind, plan.loaded_provinces(), replaced, allowed)
    except AccessDenied as refusal:
        audit.record(principal, "import_refused", year=plan.year, outcome="refused",
                     detail={"kind": plan.kind, "file": plan.file_name, "reason": refusal.reason})  # fmt: skip
        raise


def restore(db: Path | str, name: str, principal: Principal) -> Path:
    """Switch the database back to stored version `name` (administrators only), audited."""
    rules.require_admin(principal.scope, "restore")
    target = versions.restore(Path(db), name)
    audit.record(principal, "restore", detail={"version": target.name})
    return target
