"""Stored versions: pruning keeps the first version, the newest of each kind, pinned and current ones;
the journal tells a complete version that never became current from one that did; files are private."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from store import versions


def _store(tmp_path: Path, labels: list[str]) -> Path:
    """A database path whose versions folder holds one small file per label (oldest first), the last one
    current, as if each had been published in turn."""
    db = tmp_path / "sipas.duckdb"
    folder = versions.versions_dir(db)
    folder.mkdir()
    for k, label in enumerate(labels):
        path = folder / f"sipas-20260101T0000{k:02d}000000Z-{label}.duckdb"
        path.write_bytes(b"x" * (k + 1))
        versions._point(db, path)
    return db


def _names(db: Path) -> list[str]:
    return [v.path.name.split("-", 2)[2].removesuffix(".duckdb") for v in versions.list_versions(db)]


def test_pruning_keeps_first_newest_of_each_kind_pinned_and_current(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SIPAS_KEEP_VERSIONS", "1")
    labels = ["initial", "microdata_2024", "published_2023", "microdata_2024", "microdata_2023",
              "microdata_2024", "microdata_2024", "microdata_2024"]  # fmt: skip
    db = _store(tmp_path, labels)
    stored = versions.list_versions(db)
    versions.pin(db, stored[3].path.name)  # an older microdata_2024 the administrator wants to keep
    removed = versions.prune(db)
    kept = [v.path.name for v in versions.list_versions(db)]
    assert stored[0].path.name in kept  # the first version
    assert (
        stored[2].path.name in kept and stored[4].path.name in kept
    )  # newest published_2023, microdata_2023
    assert stored[3].path.name in kept  # pinned
    assert stored[7].path.name in kept  # current (and newest microdata_2024)
    assert stored[6].path.name in kept  # the one most recent unprotected version ($SIPAS_KEEP_VERSIONS=1)
    assert {p.name for p in removed} == {stored[1].path.name, stored[5].path.name}
    versions.pin(db, stored[3].path.name, pinned=False)
    assert not versions.list_versions(db)[2].pinned
    with pytest.raises(FileNotFoundError):
        versions.pin(db, "sipas-nope.duckdb")


def test_a_version_that_never_became_current_is_a_leftover(tmp_path) -> None:
    db = _store(tmp_path, ["initial", "microdata_2024"])
    folder = versions.versions_dir(db)
    orphan = folder / "sipas-20260101T000009000000Z-microdata_2025.duckdb"  # renamed, never linked
    orphan.write_bytes(b"x")
    stray = db.parent / f".{db.name}.link-12345"
    os.symlink(orphan.name, stray)
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "abc.csv.tmp").write_text("x")
    (archive / "abc.csv").write_text("x")
    removed = {p.name for p in versions.remove_leftovers(db, (archive,))}
    assert removed == {orphan.name, stray.name, "abc.csv.tmp"}
    assert (archive / "abc.csv").exists()
    assert _names(db) == ["initial", "microdata_2024"]


def test_a_restored_older_version_and_versions_from_before_the_journal_stay(tmp_path) -> None:
    db = _store(tmp_path, ["initial", "microdata_2024", "microdata_2024"])
    versions.history_path(db).unlink()  # a store from before the journal existed
    older = versions.list_versions(db)[1].path
    versions._point(db, older)  # restored
    assert versions.remove_leftovers(db) == []
    assert len(versions.list_versions(db)) == 3
    assert versions.history(db)[-1] == older.name


def test_new_versions_are_private(tmp_path) -> None:
    db = tmp_path / "sipas.duckdb"
    db.write_bytes(b"x" * 10)
    work, final = versions.new_work_file(db, "microdata_2024")
    assert stat.S_IMODE(work.stat().st_mode) == 0o600
    assert stat.S_IMODE(versions.versions_dir(db).stat().st_mode) == 0o700
    assert stat.S_IMODE(versions.history_path(db).stat().st_mode) == 0o600


def test_pin_from_the_command_line(db: Path, tmp_path: Path, monkeypatch) -> None:
    from tests.ingest.conftest import run_cli

    monkeypatch.setenv("SIPAS_ACCESS_DB", str(tmp_path / "access.duckdb"))
    work, final = versions.new_work_file(db, "microdata_2024")
    versions.publish(db, work, final)  # the plain demo file is kept as the 'initial' version
    name = versions.list_versions(db)[0].path.name
    code, out = run_cli("pin", name, "--db", str(db))
    assert code == 0 and out["pinned"] is True
    code, out = run_cli("versions", "--db", str(db))
    assert [v["pinned"] for v in out["versions"]] == [True, False]
    code, out = run_cli("pin", name, "--off", "--db", str(db))
    assert code == 0 and out["pinned"] is False
    code, out = run_cli("pin", "nope.duckdb", "--db", str(db))
    assert code == 2 and out["errors"][0]["code"] == "version_unknown"
