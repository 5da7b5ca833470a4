"""Versioned database files: every import writes a new file and then switches the database path to it.

Layout (for the default `data/sipas.duckdb`)::

    data/sipas.duckdb            -> symlink to the current version
    data/sipas.versions/         one complete DuckDB file per version, newest last
        sipas-20261122T180102Z-0007.duckdb
        .sipas-...duckdb.importing   a version being written (deleted if its import dies)
    data/.sipas.duckdb.lock      one import at a time (flock; released by the kernel if the process dies)

Why: DuckDB allows one writer process, and the app holds read-only connections. An import never opens the
current file for writing: it copies it, changes the copy in one transaction, checkpoints it and swaps the
symlink with an atomic rename. Readers see the old or the new version, never a mix, and never a lock. Each
version has its own path, so DuckDB's per-process instance cache (keyed by path) cannot serve a stale one.
Older versions are kept (``SIPAS_KEEP_VERSIONS``, default 5) and can be restored.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

VERSION_RE = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{6}\d{6}Z)-(?P<label>[a-z0-9_]+)\.duckdb$")
DEFAULT_KEEP = 5


class ImportBusyError(RuntimeError):
    """Another import holds the lock for longer than we were willing to wait."""


@dataclass(frozen=True)
class Version:
    """One stored version of the database."""

    path: Path
    created: dt.datetime
    label: str
    size_bytes: int
    current: bool


def versions_dir(db: Path) -> Path:
    """Folder holding the versions of `db` (`data/sipas.versions/` for `data/sipas.duckdb`)."""
    return db.parent / f"{db.stem}.versions"


def lock_path(db: Path) -> Path:
    """Lock file serialising imports into `db`."""
    return db.parent / f".{db.name}.lock"


def keep_versions() -> int:
    """How many previous versions to keep: `$SIPAS_KEEP_VERSIONS` (default 5, at least 1)."""
    return max(1, int(os.environ.get("SIPAS_KEEP_VERSIONS", DEFAULT_KEEP)))


def current_file(db: Path) -> Path:
    """The file the database path points at now (itself when it is a plain file)."""
    return db.resolve()


@contextlib.contextmanager
def import_lock(db: Path, timeout_s: float = 60.0) -> Iterator[None]:
    """Hold the import lock of `db`; wait up to `timeout_s` seconds for another import to finish."""
    db.parent.mkdir(parents=True, exist_ok=True)
    handle = open(lock_path(db), "a+")  # noqa: SIM115 - closed in finally
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise ImportBusyError(str(db)) from None
                time.sleep(0.1)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield
    finally:
        handle.close()  # closing the descriptor releases the flock


def remove_leftovers(db: Path) -> list[Path]:
    """Delete half-written versions left by killed imports (call while holding the lock)."""
    removed = []
    folder = versions_dir(db)
    if folder.exists():
        for path in folder.glob(".*.importing*"):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def new_work_file(db: Path, label: str) -> tuple[Path, Path]:
    """(work file, final file) for a new version; the work file starts as a copy of the current one."""
    folder = versions_dir(db)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    safe = re.sub(r"[^a-z0-9_]+", "_", label.lower()).strip("_") or "import"
    final = folder / f"{db.stem}-{stamp}-{safe}.duckdb"
    work = folder / f".{final.name}.importing"
    source = current_file(db) if db.exists() else None
    if source is not None:
        shutil.copyfile(source, work)
        wal = Path(str(source) + ".wal")
        if wal.exists():  # an unclean file: keep its log so DuckDB replays it on the copy
            shutil.copyfile(wal, Path(str(work) + ".wal"))
    return work, final


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(db: Path, work: Path, final: Path) -> Path:
    """Make `work` (closed, checkpointed) the current version: rename it to `final`, swap the symlink.

    A plain database file found at `db` (e.g. the demo built by `make db`) is first kept as a version of its
    own (hard link), so it can be restored. Every step is a rename, so a reader always finds a whole file.
    """
    with open(work, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(work, final)
    Path(str(work) + ".wal").unlink(missing_ok=True)
    if db.exists() and not db.is_symlink():
        stamp = dt.datetime.fromtimestamp(db.stat().st_mtime, dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        initial = versions_dir(db) / f"{db.stem}-{stamp}-initial.duckdb"
        if not initial.exists():
            try:
                os.link(db, initial)
            except OSError:  # no hard links on this filesystem: copy
                shutil.copyfile(db, initial)
    _point(db, final)
    prune(db)
    return final


def _point(db: Path, target: Path) -> None:
    link = db.parent / f".{db.name}.link-{os.getpid()}"
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(target, db.parent), link)
    os.replace(link, db)
    _fsync_dir(db.parent)


def list_versions(db: Path) -> list[Version]:
    """Stored versions of `db`, oldest first."""
    folder = versions_dir(db)
    if not folder.exists():
        return []
    current = current_file(db) if db.exists() else None
    out = []
    for path in sorted(folder.glob(f"{db.stem}-*.duckdb")):
        m = VERSION_RE.match(path.name)
        if not m:
            continue
        created = dt.datetime.strptime(m.group("stamp"), "%Y%m%dT%H%M%S%fZ").replace(tzinfo=dt.UTC)
        out.append(Version(path, created, m.group("label"), path.stat().st_size, path.resolve() == current))
    return sorted(out, key=lambda v: v.created)


def prune(db: Path) -> list[Path]:
    """Delete versions beyond the newest `keep_versions()` previous ones (never the current one)."""
    old = [v for v in list_versions(db) if not v.current]
    doomed = old[: max(0, len(old) - keep_versions())]
    for version in doomed:
        version.path.unlink(missing_ok=True)
    return [v.path for v in doomed]


def restore(db: Path, name: str) -> Path:
    """Point `db` back at a stored version (by file name); the version being left stays stored."""
    matches = [v for v in list_versions(db) if v.path.name == name]
    if not matches:
        raise FileNotFoundError(name)
    with import_lock(db):
        if db.exists() and not db.is_symlink():
            work, final = new_work_file(db, "before_restore")
            publish(db, work, final)
        _point(db, matches[0].path)
    return matches[0].path
