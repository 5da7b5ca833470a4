"""Writes: who may import what (checked by the importer under its lock, whoever calls it), the audit rows
of imports and refusals, and the account command line (acts as administrator and says so)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import ingest
from access import audit
from access.scope import ADMIN, CLI_ADMIN, PUBLIC, AccessDenied, Principal, Scope
from store import versions
from tests.ingest.builders import microdata_frame

REPO = Path(__file__).resolve().parents[2]
HANOI_HCMC = Scope("officer", frozenset({"P63-01", "P63-79"}))  # the two provinces of the builder's file


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def csv_2024(tmp_path: Path) -> Path:
    path = tmp_path / "phieu_2024.csv"
    microdata_frame(2024).to_csv(path, index=False)
    return path


@pytest.fixture()
def db_copy(tmp_path: Path, demo_db_path: Path, monkeypatch) -> Path:
    target = tmp_path / "store" / "sipas.duckdb"
    target.parent.mkdir()
    shutil.copyfile(demo_db_path, target)
    monkeypatch.setenv("SIPAS_DB", str(target))
    monkeypatch.delenv("SIPAS_ACCESS_DB", raising=False)
    return target


def test_refused_imports_change_nothing_and_are_logged(db_copy: Path, csv_2024: Path) -> None:
    before = _sha(db_copy)
    cases = {
        "import_public": Principal(None, PUBLIC),
        "import_province": Principal("can-bo-hn", Scope("officer", frozenset({"P63-01"}))),
        # both provinces granted, but 2024 holds every province's respondents: replacing it is national
        "import_replaces_others": Principal("can-bo-2", HANOI_HCMC),
    }
    for reason, who in cases.items():
        with pytest.raises(AccessDenied) as refused:
            ingest.import_file(
                "microdata", csv_2024, 2024, db=db_copy, principal=who, replace=True, partial=True
            )
        assert refused.value.reason == reason
    with pytest.raises(AccessDenied) as refused:
        ingest.import_file("published", csv_2024, 2023, db=db_copy, principal=Principal("can-bo-2", HANOI_HCMC),
                           source="x", measured_by="MoHA SIPAS")  # fmt: skip
    assert refused.value.reason == "import_published"
    assert _sha(db_copy) == before and len(versions.list_versions(db_copy)) == 0
    log = audit.read(ADMIN, action="import_refused")
    assert len(log) == 4 and set(log["outcome"]) == {"refused"}
    with pytest.raises(AccessDenied):
        ingest.restore(db_copy, "anything", Principal("can-bo-2", HANOI_HCMC))


def test_an_officer_imports_their_own_provinces_survey(tmp_path: Path, csv_2024: Path, monkeypatch) -> None:
    db = tmp_path / "own" / "sipas.duckdb"  # a store without that wave: nothing of another province replaced
    db.parent.mkdir()
    monkeypatch.setenv("SIPAS_DB", str(db))
    monkeypatch.delenv("SIPAS_ACCESS_DB", raising=False)
    who = Principal("can-bo-2", HANOI_HCMC, "password")
    plan, result = ingest.import_file("microdata", csv_2024, 2024, db=db, principal=who, partial=True)
    assert plan.ok and result["rows_loaded"] == 48
    row = audit.read(ADMIN, actor="can-bo-2").iloc[0]
    assert row["action"] == "import" and row["year"] == 2024 and "phieu_2024.csv" in row["detail"]


def _users(*args: str, env: dict, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "data.users", *args], cwd=REPO, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_account_command_line(tmp_path: Path, demo_db_path: Path) -> None:
    env = os.environ | {"SIPAS_DB": str(demo_db_path), "SIPAS_ACCESS_DB": str(tmp_path / "access.duckdb")}
    first = _users("add", "quan-tri", "--role", "admin", env=env)
    assert first.returncode == 0, first.stderr
    assert "quyền quản trị viên" in first.stderr  # says it acts as administrator
    password = first.stdout.split(":")[-1].strip()
    assert len(password) >= 16 and "chỉ hiện một lần" in first.stdout
    officer = _users("add", "can-bo", "--role", "officer", "--province", "01", "--password-stdin", "--lang", "en",
                     env=env, stdin="mat-khau-du-dai\n")  # fmt: skip
    assert officer.returncode == 0 and "Account “can-bo” created" in officer.stdout
    bad = _users("grant", "can-bo", "99", env=env)
    assert bad.returncode == 2 and "P34-99" in bad.stderr
    short = _users("reset", "can-bo", "--password-stdin", env=env, stdin="ngan\n")
    assert short.returncode == 2 and "quá ngắn" in short.stderr
    listing = _users("list", env=env)
    assert "can-bo\tofficer\tP34-01" in listing.stdout and "quan-tri\tadmin" in listing.stdout
    assert password not in listing.stdout
    os.environ["SIPAS_ACCESS_DB"], saved = env["SIPAS_ACCESS_DB"], os.environ.get("SIPAS_ACCESS_DB")
    try:  # a row whose text a spreadsheet would run (a file name, say): exported inert
        audit.record(CLI_ADMIN, "import_refused", detail='=HYPERLINK("http://evil.example","x")')
    finally:
        if saved is None:
            os.environ.pop("SIPAS_ACCESS_DB")
        else:
            os.environ["SIPAS_ACCESS_DB"] = saved
    out = tmp_path / "audit.csv"
    exported = _users("audit", "--csv", str(out), env=env)
    text = out.read_text(encoding="utf-8")
    assert exported.returncode == 0 and "account_add" in text
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text and '"=HYPERLINK' not in text
    assert _users("audit", "--verify", env=env).returncode == 0


def test_the_import_command_line_says_it_acts_as_administrator(demo_db_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "ingest", "versions", "--db", str(demo_db_path)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert (
        done.returncode == 0
        and "quyền quản trị viên" in done.stderr
        and "acting as administrator" in done.stderr
    )
    assert done.stdout.strip().startswith("{")  # standard output stays one JSON object
