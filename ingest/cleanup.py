"""What a killed import or a killed server leaves behind, cleared on the next start or import: half-written
and never-current database versions, stray link files (`store.versions.remove_leftovers`), half-written
archive files, and upload copies and import-worker folders in the temporary folder (they hold a raw upload
or its rows, personal data included)."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from ingest.load import archive_dir
from store import versions

UPLOAD_PREFIX = "sipas-upload-"
CHECK_PREFIX = "sipas-check-"  # the import worker's private folder (request, result with rows, its output)
STALE_UPLOAD_S = 3600  # an upload copy older than this belongs to no running check (checks are bounded)


def upload_dir() -> Path:
    """Where the app keeps the private copy of an upload while it is checked or imported."""
    return Path(tempfile.gettempdir())


def stale_uploads(now: float | None = None) -> list[Path]:
    """Upload copies and import-worker folders of this user older than `STALE_UPLOAD_S` seconds (left by a
    killed server)."""
    now = time.time() if now is None else now
    out = []
    for path in [*upload_dir().glob(f"{UPLOAD_PREFIX}*"), *upload_dir().glob(f"{CHECK_PREFIX}*")]:
        try:
            st = path.lstat()
        except OSError:
            continue
        if st.st_uid == os.getuid() and now - st.st_mtime > STALE_UPLOAD_S:
            out.append(path)
    return out


def under_lock(db: Path) -> list[Path]:
    """Clear the leftovers of `db` and its archive (the caller holds the import lock)."""
    return versions.remove_leftovers(db, (archive_dir(db),))


def at_start(db: Path) -> list[Path]:
    """Clear the leftovers of `db` unless an import is running now, and stale upload copies."""
    removed = versions.clean_at_start(db, (archive_dir(db),))
    for path in stale_uploads():
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed
