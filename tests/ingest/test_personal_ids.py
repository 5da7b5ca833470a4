"""Respondent ids that are personal data (names, phone numbers, ID numbers, e-mail addresses): refused row by
row without echoing them (drop mode), or stored as a salted hash with a notice (hash mode); questionnaire ids
pass. The salt never lies in the database's folder."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import duckdb
import pytest

import ingest
from access.scope import CLI_ADMIN
from ingest import load
from ingest.microdata import (
    SaltError,
    hashed_respondent_id,
    identifying_id_kind,
    identifying_id_kinds,
    pii_salt,
    salt_file,
)
from tests.ingest.builders import microdata_frame
from tests.ingest.conftest import fingerprint

PERSONAL_IDS = {  # row index in the frame -> (id, kind)
    0: ("Nguyễn Văn An", "name"),
    3: ("TRAN THI BINH", "name"),
    5: ("0912345678", "phone"),
    8: ("0912 345 678", "phone"),
    11: ("+84 912.345.679", "phone"),
    14: ("001234567890", "national_id"),
    17: ("123456789", "national_id"),
    20: ("an.nguyen@example.vn", "email"),
}
QUESTIONNAIRE_IDS = {1: "HN-001-0042", 2: "01-123-45", 4: "R000123", 6: "P01/2024/07", 7: "Phiếu 12"}


@pytest.mark.parametrize(("value", "kind"), [
    *PERSONAL_IDS.values(), ("Lê_Thị_Cúc", "name"), ("001 234 567 890", "national_id"),
    ("(+84) 24 3825 1234", "phone"), ("x@y.org", "email"),
])  # fmt: skip
def test_personal_ids_are_recognised(value, kind) -> None:
    assert identifying_id_kind(value) == kind
    assert identifying_id_kinds([value, "Q1"]) == [kind, None]


@pytest.mark.parametrize("value", [*QUESTIONNAIRE_IDS.values(), "Q2024-00001", "012-345-678", "12345",
                                   "h-0123456789abcdef0123", "An", "HCM.0042"])  # fmt: skip
def test_questionnaire_ids_pass(value) -> None:
    assert identifying_id_kind(value) is None
    assert identifying_id_kinds([value]) == [None]


def _file(tmp_path, duplicate: bool = False):
    frame = microdata_frame(2024)
    for k, (value, _) in PERSONAL_IDS.items():
        frame.loc[k, "respondent_id"] = value
    for k, value in QUESTIONNAIRE_IDS.items():
        frame.loc[k, "respondent_id"] = value
    if duplicate:
        frame.loc[30, "respondent_id"] = "Nguyễn Văn An"
    path = tmp_path / "ids.csv"
    frame.to_csv(path, index=False)
    return path


def test_drop_mode_refuses_each_row_without_echoing_the_id(demo_db_path, tmp_path) -> None:
    path = _file(tmp_path, duplicate=True)
    with duckdb.connect(str(demo_db_path), read_only=True) as con:
        plan = ingest.prepare("microdata", con, path, 2024, pii="drop", replace=True, partial=True)
    assert not plan.ok
    errors = [p for p in plan.problems.errors() if p.code == "respondent_id_identifying"]
    assert sorted(p.row for p in errors) == sorted([k + 2 for k in PERSONAL_IDS] + [32])  # header = row 1
    by_row = {p.row: p for p in errors}
    for k, (_, kind) in PERSONAL_IDS.items():
        problem = by_row[k + 2]
        assert problem.value == "***" and problem.column == "respondent_id"
        label = {"name": "họ tên", "phone": "số điện thoại", "national_id": "CCCD", "email": "thư điện tử"}[
            kind
        ]
        assert label in problem.message_vi and "***" in problem.message_en
    duplicate = next(p for p in plan.problems.errors() if p.code == "respondent_duplicate")
    assert duplicate.row == 32 and duplicate.value == "***"
    shown = json.dumps(plan.problems.as_json(), ensure_ascii=False) + plan.preview.to_csv()
    for value, _ in PERSONAL_IDS.values():
        assert value not in shown
    assert not any(p.code == "respondent_id_identifying" and p.row - 2 in QUESTIONNAIRE_IDS
                   for p in plan.problems.listed)  # fmt: skip


def test_hash_mode_stores_a_salted_hash_instead(db, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("SIPAS_PII_SALT", raising=False)
    monkeypatch.setenv("SIPAS_PII_SALT_FILE", str(tmp_path / "secret" / "pii_salt"))
    monkeypatch.setenv("SIPAS_ACCESS_DB", str(db.parent / "access.duckdb"))
    path = _file(tmp_path)
    plan, result = ingest.import_file("microdata", path, 2024, db=db, principal=CLI_ADMIN, replace=True, partial=True,
                                      pii="hash")  # fmt: skip
    assert plan.ok and result is not None, plan.problems.as_json()
    notice = next(w for w in plan.problems.warnings() if w.code == "respondent_id_hashed")
    assert notice.column == "respondent_id" and "8" in notice.message_en and "8" in notice.message_vi
    assert plan.summary["respondent_ids_hashed"] == len(PERSONAL_IDS)
    preview = plan.preview.set_index("row")["respondent_id"]
    assert {preview[k + 2] for k in PERSONAL_IDS if k + 2 in preview.index} == {"***"}
    assert preview[3] == QUESTIONNAIRE_IDS[1]
    salt_path = tmp_path / "secret" / "pii_salt"
    assert stat.S_IMODE(salt_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(salt_path.parent.stat().st_mode) == 0o700
    salt = bytes.fromhex(salt_path.read_text().strip())
    with duckdb.connect(str(db.resolve()), read_only=True) as con:
        ids = dict(con.execute("SELECT resp_no, respondent_id FROM respondent WHERE year = 2024").fetchall())
    for k, (value, _) in PERSONAL_IDS.items():
        assert ids[k + 1] == hashed_respondent_id(salt, value) and ids[k + 1].startswith("h-")
    for k, value in QUESTIONNAIRE_IDS.items():
        assert ids[k + 1] == value
    archived = Path(result["archive"]).read_text(encoding="utf-8-sig")
    assert hashed_respondent_id(salt, "Nguyễn Văn An") in archived
    for value, _ in PERSONAL_IDS.values():
        assert value not in archived


def test_salt_inside_the_database_folder_is_refused(db, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("SIPAS_PII_SALT", raising=False)
    monkeypatch.setenv("SIPAS_PII_SALT_FILE", str(db.parent / "keys" / "pii_salt"))
    monkeypatch.setenv("SIPAS_ACCESS_DB", str(tmp_path / "access.duckdb"))
    with pytest.raises(SaltError) as refused:
        pii_salt(db)
    assert refused.value.problem.code == "pii_salt_location"
    assert "SIPAS_PII_SALT_FILE" in refused.value.problem.message_vi
    assert str(db.parent / "keys" / "pii_salt") in refused.value.problem.message_en
    assert not (db.parent / "keys").exists()
    path = _file(tmp_path)
    before = fingerprint(db)
    # the app's database: the check says so, before anything is written
    monkeypatch.setenv("SIPAS_DB", str(db))
    plan, result = ingest.import_file("microdata", path, 2024, db=db, principal=CLI_ADMIN, replace=True, partial=True,
                                      pii="hash")  # fmt: skip
    assert result is None and "pii_salt_location" in {p.code for p in plan.problems.errors()}
    # any other database: refused while writing, and nothing is written
    monkeypatch.delenv("SIPAS_DB")
    with pytest.raises(SaltError):
        ingest.import_file(
            "microdata", path, 2024, db=db, principal=CLI_ADMIN, replace=True, partial=True, pii="hash"
        )
    after = fingerprint(db)
    assert (after["sha256"], after["tables"]) == (before["sha256"], before["tables"])
    assert not (db.parent / "keys").exists() and not load.archive_dir(db).exists()


def test_default_salt_place_and_legacy_salt_moved_out(tmp_path, monkeypatch) -> None:
    for name in ("SIPAS_PII_SALT", "SIPAS_PII_SALT_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    data = tmp_path / "data"
    data.mkdir()
    legacy = data / ".pii_salt"
    legacy.write_text("ab" * 32 + "\n")
    assert salt_file() == tmp_path / "state" / "sipas" / "pii_salt"
    assert pii_salt(data / "sipas.duckdb") == bytes.fromhex("ab" * 32)
    assert not legacy.exists() and salt_file().read_text().strip() == "ab" * 32
    assert stat.S_IMODE(salt_file().stat().st_mode) == 0o600
    assert stat.S_IMODE(salt_file().parent.stat().st_mode) == 0o700
    legacy.write_text("cd" * 32)  # a different salt left beside the database: refused, not guessed
    with pytest.raises(SaltError) as conflict:
        pii_salt(data / "sipas.duckdb")
    assert conflict.value.problem.code == "pii_salt_conflict"
    monkeypatch.setenv("SIPAS_PII_SALT", "ef" * 32)  # a salt in the environment needs no file
    assert pii_salt(data / "sipas.duckdb") == bytes.fromhex("ef" * 32)
    monkeypatch.setenv("SIPAS_PII_SALT", "not hex")
    with pytest.raises(SaltError):
        pii_salt(data / "sipas.duckdb")
