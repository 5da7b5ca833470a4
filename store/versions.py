"""Versioned database files: every import writes a new file and then switches the database path to it.

Layout (for the default `data/sipas.duckdb`)::

    data/sipas.duckdb            -> symlink to the current version
    data/sipas.versions/         one complete DuckDB file per version, newest last
        sipas-20261122T180102Z-0007.duckdb
        .sipas-...duckdb.importing   a version being written (deleted if its import dies)
        .sipas-...duckdb.pinned      marker: this version is never pruned
        .history                     names of the versions that became current, in order
    data/.sipas.duckdb.lock      one import at a time (flock; released by the kernel if the process dies)

Why: DuckDB allows one writer process, and the app holds read-only connections. An import never opens the
current file for writing: it copies it, changes the copy in one transaction, checkpoints it and swaps the
symlink with an atomic rename. Readers see the old or the new version, never a mix, and never a lock. Each
version has its own path, so DuckDB's per-process instance cache (keyed by path) cannot serve a stale one.
Older versions are kept (``SIPAS_KEEP_VERSIONS``, default 5, plus the protected ones: the first version,
the last version of each import label such as ``microdata_2024``, and pinned versions) and can be restored.

A killed import can leave a half-written ``.importing`` file, a complete version that never became current
(killed between its rename and the link swap: it is missing from ``.history``), a stray ``.link-<pid>``
file and ``.tmp`` files in the archive folder; `remove_leftovers` clears all of them under the lock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import re
import shutil
import sys
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
    pinned: bool = False


FAULT_POINTS = ("locked", "copied", "written", "renamed", "linked")


def fault_point(name: str) -> None:
    """Crash-test hook: when `$SIPAS_FAULT_PAUSE` names this point, say so on stderr and wait there to be
    killed (tests/store/test_crash_points.py kills an import at each of `FAULT_POINTS`). Inert otherwise."""
    if os.environ.get("SIPAS_FAULT_PAUSE") == name:
        print(f"SIPAS_FAULT_PAUSE {name}", file=sys.stderr, flush=True)
        time.sleep(3600)


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
        fault_point("locked")
        yield
    finally:
        handle.close()  # closing the descriptor releases the flock


def history_path(db: Path) -> Path:
    """The journal of versions that became current (one file name per line, oldest first)."""
    return versions_dir(db) / ".history"


def history(db: Path) -> list[str]:
    """Names of the versions that became current, in order. A store from before the journal existed gets
    one seeded from the versions lying there (all of them had been current or were kept on purpose)."""
    path = history_path(db)
    if not path.exists():
        folder = versions_dir(db)
        if not folder.exists():
            return []
        names = sorted(p.name for p in folder.glob(f"{db.stem}-*.duckdb") if VERSION_RE.match(p.name))
        _write_private(path, "".join(f"{n}\n" for n in names))
        return names
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line]


def _write_private(path: Path, text: str) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _remember(db: Path, version: Path) -> None:
    """Append `version` to the journal (called under the import lock, before the link swap)."""
    names = history(db)
    if not names or names[-1] != version.name:
        _write_private(history_path(db), "".join(f"{n}\n" for n in [*names, version.name]))


def remove_leftovers(db: Path, temp_dirs: tuple[Path, ...] = ()) -> list[Path]:
    """Delete what killed imports leave behind (call while holding the lock): half-written versions
    (``.importing`` and their logs), complete versions that never became current (not in the journal, not
    current), stray link files beside the database, journal temp files, and ``*.tmp`` files in `temp_dirs`
    (the archive folder). Returns the removed paths."""
    removed = []
    folder = versions_dir(db)
    if folder.exists():
        for path in [*folder.glob(".*.importing*"), *folder.glob(".history.*.tmp")]:
            path.unlink(missing_ok=True)
            removed.append(path)
        current = current_file(db).name if db.exists() else None
        if current is not None and VERSION_RE.match(current) and current not in history(db):
            _remember(db, versions_dir(db) / current)  # current but unrecorded: killed after the swap
        known = set(history(db))
        for path in folder.glob(f"{db.stem}-*.duckdb"):
            if VERSION_RE.match(path.name) and path.name not in known and path.name != current:
                path.unlink(missing_ok=True)
                Path(str(path) + ".wal").unlink(missing_ok=True)
                removed.append(path)
        for marker in folder.glob(".*.duckdb.pinned"):  # the pin of a version that is gone
            if not (folder / marker.name[1 : -len(".pinned")]).exists():
                marker.unlink(missing_ok=True)
    if db.parent.exists():
        for path in db.parent.glob(f".{db.name}.link-*"):
            if path.is_symlink() or path.exists():
                path.unlink(missing_ok=True)
                removed.append(path)
    for extra in temp_dirs:
        if extra.exists():
            for path in extra.glob("*.tmp"):
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


def clean_at_start(db: Path, temp_dirs: tuple[Path, ...] = ()) -> list[Path]:
    """`remove_leftovers` when no import is running (the lock is free), else nothing: for app start-up."""
    if not db.parent.exists():
        return []
    handle = open(lock_path(db), "a+")  # noqa: SIM115 - closed in finally
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return []
        return remove_leftovers(db, temp_dirs)
    finally:
        handle.close()


def new_work_file(db: Path, label: str) -> tuple[Path, Path]:
    """(work file, final file) for a new version; the work file starts as a copy of the current one."""
    folder = versions_dir(db)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)  # the survey's answers: readable by the service user only
    history(db)  # a store from before the journal: seed it now, before this import adds a file
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    safe = re.sub(r"[^a-z0-9_]+", "_", label.lower()).strip("_") or "import"
    final = folder / f"{db.stem}-{stamp}-{safe}.duckdb"
    work = folder / f".{final.name}.importing"
    source = current_file(db) if db.exists() else None
    if source is not None:
        _private_copy(source, work)
        wal = Path(str(source) + ".wal")
        if wal.exists():  # an unclean file: keep its log so DuckDB replays it on the copy
            _private_copy(wal, Path(str(work) + ".wal"))
    fault_point("copied")
    return work, final


def _private_copy(source: Path, target: Path) -> None:
    """Copy `source` to a new file `target` created with mode 0600."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
        shutil.copyfileobj(src, out, 1 << 20)


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
    fault_point("written")
    with open(work, "rb+") as handle:
        os.fchmod(handle.fileno(), 0o600)  # a new store's first file was created by DuckDB with the umask
        os.fsync(handle.fileno())
    os.replace(work, final)
    fault_point("renamed")
    Path(str(work) + ".wal").unlink(missing_ok=True)
    if db.exists() and not db.is_symlink():
        stamp = dt.datetime.fromtimestamp(db.stat().st_mtime, dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        initial = versions_dir(db) / f"{db.stem}-{stamp}-initial.duckdb"
        if not initial.exists():
            try:
                os.link(db, initial)
            except OSError:  # no hard links on this filesystem: copy
                shutil.copyfile(db, initial)
            _remember(db, initial)
    _point(db, final)
    prune(db)
    return final


def _point(db: Path, target: Path) -> None:
    link = db.parent / f".{db.name}.link-{os.getpid()}"
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(target, db.parent), link)
    fault_point("linked")
    os.replace(link, db)
    _remember(db, target)  # killed before this line: `remove_leftovers` adds the current version
    _fsync_dir(db.parent)


def pin_path(version: Path) -> Path:
    """The marker that keeps `version` from being pruned."""
    return version.with_name(f".{version.name}.pinned")


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
        out.append(Version(path, created, m.group("label"), path.stat().st_size, path.resolve() == current,
                           pin_path(path).exists()))  # fmt: skip
    return sorted(out, key=lambda v: v.created)


def protected(stored: list[Version]) -> set[Path]:
    """Versions pruning never deletes: the current one, the first one, the newest of each label (the last
    `microdata_2024`, the last `published_2023`, ...) and the pinned ones."""
    keep = {v.path for v in stored if v.current or v.pinned}
    if stored:
        keep.add(stored[0].path)
    newest: dict[str, Path] = {}
    for v in stored:  # oldest first: the last one seen per label is the newest
        newest[v.label] = v.path
    return keep | set(newest.values())


def prune(db: Path) -> list[Path]:
    """Delete the unprotected versions beyond the newest `keep_versions()` unprotected ones (see
    `protected`)."""
    stored = list_versions(db)
    keep = protected(stored)
    old = [v for v in stored if v.path not in keep]
    doomed = old[: max(0, len(old) - keep_versions())]
    for version in doomed:
        version.path.unlink(missing_ok=True)
    return [v.path for v in doomed]


def pin(db: Path, name: str, pinned: bool = True) -> Version:
    """Mark (or unmark) the stored version `name` as pinned: pruning never deletes it."""
    matches = [v for v in list_versions(db) if v.path.name == name]
    if not matches:
        raise FileNotFoundError(name)
    with import_lock(db):
        marker = pin_path(matches[0].path)
        if pinned:
            fd = os.open(marker, os.O_WRONLY | os.O_CREAT, 0o600)
            os.close(fd)
        else:
            marker.unlink(missing_ok=True)
    return next(v for v in list_versions(db) if v.path.name == name)


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
