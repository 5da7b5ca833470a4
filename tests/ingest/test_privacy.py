"""Identifying data has one way in (hashed, at import) and no way out: no page, export or report reads it, and
nothing of a personal or unrecognised column is kept anywhere on disk (database versions, archive, audit log,
salt folder) or shown in the import's summary, problems or preview."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import duckdb
import pytest

import ingest
from access.scope import CLI_ADMIN
from ingest import load
from ingest.columns import identifying_kind
from ingest.microdata import hashed_respondent_id, salt_file
from tests.ingest.builders import microdata_frame

REPO = Path(__file__).resolve().parents[2]
MARKER = "ZQXJ"  # in every text sentinel; numeric sentinels start with NUMERIC_PREFIX
NUMERIC_PREFIX = "0369"
NUMERIC_RE = re.compile(rb"0369\d{6}")


def test_recheck_hashes_are_read_by_nothing_that_displays_or_exports() -> None:
    # the schema creates it, the store's import writer fills it; the Parquet export names it only to leave it
    # out (tested there)
    allowed = {
        REPO / "store" / "schema.sql",
        REPO / "store" / "imports.py",
        REPO / "store" / "parquet.py",
    }
    readers = [
        path
        for folder in (
            "app.py",
            "views",
            "ui",
            "content",
            "charts",
            "analysis",
            "store",
            "reference",
            "ingest",
            "demo",
            "geo",
        )
        for path in ([REPO / folder] if folder.endswith(".py") else (REPO / folder).rglob("*.*"))
        if path.suffix in (".py", ".sql", ".toml")
        and "respondent_recheck" in path.read_text(encoding="utf-8")
    ]
    assert set(readers) <= allowed, readers


def test_identifying_headers_are_recognised_in_both_languages() -> None:
    assert identifying_kind("Họ và tên người trả lời") == "name"
    assert identifying_kind("SĐT") == "phone"
    assert identifying_kind("Số điện thoại liên hệ") == "phone"
    assert identifying_kind("Địa chỉ thường trú") == "address"
    assert identifying_kind("Số CCCD") == "national_id"
    assert identifying_kind("phone") == "phone" and identifying_kind("E-mail") == "email"
    for header in ("Ngày sinh", "date of birth", "DOB", "Ngày tháng năm sinh"):
        assert identifying_kind(header) == "birth_date", header
    assert identifying_kind("Liên hệ") == "contact"
    for not_personal in ("Tên xã", "Tỉnh/Thành phố", "Mã phiếu", "access_signage", "Tên đơn vị", "weight",
                         "Kênh liên hệ", "Ghi chú", "cot_la"):  # fmt: skip
        assert identifying_kind(not_personal) is None, not_personal


# Personal columns under the header spellings met in real files, each with its kind of value.
PERSONAL_HEADERS = {
    "Họ và tên": "name",
    "ho ten": "name",
    "Tên người trả lời": "name",
    "SĐT": "phone",
    "so dien thoai": "phone",
    "Điện thoại liên hệ": "phone",
    "CCCD": "national_id",
    "CMND": "national_id",
    "số căn cước": "national_id",
    "Ngày sinh": "text",
    "date of birth": "text",
    "DOB": "text",
    "Email": "email",
    "Địa chỉ": "text",
    "address": "text",
    "Ghi chú": "note",
    "notes": "note",
    "Liên hệ": "phone",
    "cot_la": "text",
}


def _letters(k: int) -> str:
    """A number as lowercase letters (0 -> 'a', 27 -> 'bb'): names must be letters only."""
    return chr(97 + k % 26) * (1 + k // 26)


def _sentinel(kind: str, j: int, k: int) -> str:
    """A distinctive value of column j, row k: text ones carry MARKER, numbers start with NUMERIC_PREFIX."""
    if kind == "name":
        return f"Nguyễn Văn {MARKER.title()}{_letters(j)}{_letters(k)}"
    if kind == "phone":
        return f"{NUMERIC_PREFIX}{j:02d}{k:04d}"
    if kind == "national_id":
        return f"{NUMERIC_PREFIX}{j:02d}{k:04d}00"
    if kind == "email":
        return f"{MARKER.lower()}.{j}.{k}@example.vn"
    if (
        kind == "note"
    ):  # free text, some of it a spreadsheet would run: dropped, so neither refused nor echoed
        return [f"Đã gọi lại {MARKER}{j}-{k}", f"=HYPERLINK(\"http://x/{MARKER}{j}-{k}\")",
                f"- hẹn gọi lại {MARKER}{j}-{k}"][k % 3]  # fmt: skip
    return f"{MARKER}-{j}-{k} Số 1 Phố Huế"


def personal_file(path: Path, *, name_ids: bool) -> set[str]:
    """A valid 2024 microdata CSV full of personal columns; returns every sentinel value in it. `name_ids`:
    respondent ids are people's names (only hash mode loads those)."""
    frame = microdata_frame(2024)
    sentinels: set[str] = set()
    for j, (header, kind) in enumerate(PERSONAL_HEADERS.items()):
        values = [_sentinel(kind, j, k) for k in range(len(frame))]
        frame.insert(1 + j % 5, header, values)
        sentinels |= set(values)
    if name_ids:
        ids = [f"Trần Thị {MARKER.title()}id{_letters(k)}" for k in range(len(frame))]
        frame["respondent_id"] = ids
        sentinels |= set(ids)
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    return sentinels


def _leaks(data: bytes, sentinels: set[str]) -> list[str]:
    """Sentinels (or their marker) found in raw bytes, in UTF-8 and, for safety, UTF-16."""
    found = []
    for encoding in ("utf-8", "utf-16-le"):
        if MARKER.lower().encode(encoding) in data.lower():
            found.append(f"{MARKER} ({encoding})")
    numeric = {s.encode() for s in sentinels if s.startswith(NUMERIC_PREFIX)}
    prefixes = {n[:10] for n in numeric}
    found += [m.decode() for m in {m.group() for m in NUMERIC_RE.finditer(data)} if m in prefixes]
    return found


def _table_leaks(path: Path, sentinels: set[str]) -> list[str]:
    """Sentinels found in any text column of any table of a DuckDB file."""
    numeric = sorted(s[:10] for s in sentinels if s.startswith(NUMERIC_PREFIX))
    pattern = "|".join(numeric) or "^$"
    found = []
    con = duckdb.connect(str(path), read_only=True)
    try:
        columns = con.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE data_type IN ('VARCHAR', 'JSON') OR data_type LIKE 'VARCHAR%'"
        ).fetchall()
        for schema, table, column in columns:
            n = con.execute(
                f'SELECT count(*) FROM "{schema}"."{table}" WHERE lower("{column}") LIKE ? '
                f'OR regexp_matches("{column}", ?)',
                [f"%{MARKER.lower()}%", pattern],
            ).fetchone()[0]
            if n:
                found.append(f"{path.name}:{table}.{column} ({n} rows)")
    finally:
        con.close()
    return found


def _is_duckdb(path: Path) -> bool:
    with open(path, "rb") as handle:
        head = handle.read(12)
    return head[8:12] == b"DUCK"


@pytest.mark.parametrize("mode", ["drop", "hash"])
def test_personal_columns_are_stored_nowhere(db, tmp_path, monkeypatch, mode) -> None:
    state = tmp_path / "state"
    for name in ("SIPAS_PII_SALT", "SIPAS_PII_SALT_FILE", "SIPAS_ARCHIVE_DIR", "SIPAS_PII_MODE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(state))  # the default salt place: a private state folder
    monkeypatch.setenv("SIPAS_ACCESS_DB", str(db.parent / "access.duckdb"))  # the audit log, scanned too
    upload = tmp_path / "upload" / "phieu_2024.csv"
    upload.parent.mkdir()
    sentinels = personal_file(upload, name_ids=mode == "hash")
    old_umask = os.umask(0o022)  # a usual service umask: private modes must not depend on it
    try:
        plan, result = ingest.import_file("microdata", upload, 2024, db=db, principal=CLI_ADMIN, replace=True, partial=True,
                                          pii=mode)  # fmt: skip
    finally:
        os.umask(old_umask)
    assert plan.ok and result is not None, plan.problems.as_json()

    # what a person sees: summary, problems (both languages) and preview
    shown = json.dumps(plan.problems.as_json(), ensure_ascii=False) + json.dumps(plan.summary, default=str)
    shown += plan.preview.to_csv() + json.dumps(result, default=str)
    assert MARKER.lower() not in shown.lower()
    assert not [s for s in sentinels if s in shown]
    warnings = {(w.code, w.column) for w in plan.problems.warnings()}
    for header in PERSONAL_HEADERS:
        assert any(column == header for _, column in warnings), header
    assert ("column_ignored", "cot_la") in warnings and ("column_ignored", "notes") in warnings
    ignored = next(w for w in plan.problems.warnings() if w.column == "cot_la")
    assert "không được lưu" in ignored.message_vi and "not stored" in ignored.message_en
    if mode == "hash":
        assert plan.summary["respondent_ids_hashed"] == 48
        assert "respondent_id_hashed" in {w.code for w in plan.problems.warnings()}
        assert set(plan.preview["respondent_id"]) == {"***"}

    # every file the import wrote or touched: versions, archive, audit log, salt
    archive = load.archive_dir(db)
    folders = {db.parent, archive, db.parent / f"{db.stem}.versions"}
    if mode == "hash":
        folders.add(salt_file().parent)
    files = sorted({p.resolve() for folder in folders for p in folder.rglob("*") if p.is_file()})
    assert any(p.suffix == ".duckdb" for p in files) and any(p.parent == archive for p in files)
    leaks = []
    for path in files:
        leaks += [f"{path}: {hit}" for hit in _leaks(path.read_bytes(), sentinels)]
        if _is_duckdb(path):
            leaks += _table_leaks(path, sentinels)
    assert not leaks, leaks

    # the archive: the loaded columns only, private to the service user
    kept = list(archive.glob("*.csv"))
    assert len(kept) == 1 and kept[0].name == f"{plan.file_sha256}.microdata.loaded.csv"
    header = kept[0].read_text(encoding="utf-8-sig").splitlines()[0].replace('"', "").split(",")
    assert header[:6] == ["respondent_id", "province", "district", "commune", "weight", "sex"]
    assert not set(header) & set(PERSONAL_HEADERS)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o700
    assert stat.S_IMODE(kept[0].stat().st_mode) == 0o600

    with duckdb.connect(str(db.resolve()), read_only=True) as con:
        ids = [r[0] for r in con.execute("SELECT respondent_id FROM respondent WHERE year = 2024").fetchall()]
        recheck = con.execute("SELECT field, count(*) FROM respondent_recheck WHERE year = 2024 "
                              "GROUP BY field").fetchall()  # fmt: skip
    assert len(ids) == 48
    if mode == "drop":
        assert not (state / "sipas").exists()  # nothing hashed: no salt made
        assert not recheck
        return
    # hash mode: the salt lives in the private state folder, never beside the database
    salt = salt_file()
    assert salt == state / "sipas" / "pii_salt" and salt.is_file()
    assert stat.S_IMODE(salt.stat().st_mode) == 0o600 and stat.S_IMODE(salt.parent.stat().st_mode) == 0o700
    assert not (db.parent / ".pii_salt").exists()
    key = bytes.fromhex(salt.read_text().strip())
    names = [f"Trần Thị {MARKER.title()}id{_letters(k)}" for k in range(48)]
    assert ids == [hashed_respondent_id(key, n) for n in names]
    # the kinds kept as hashes for re-checks (2 name columns x 48 ...); birth dates and contacts never
    assert dict(recheck) == {"name": 3 * 48, "phone": 3 * 48, "national_id": 3 * 48, "email": 48,
                             "address": 2 * 48}  # fmt: skip


def test_published_archive_keeps_the_recognised_columns_only(db, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SIPAS_ACCESS_DB", str(db.parent / "access.duckdb"))
    path = tmp_path / "bang.csv"
    path.write_text(
        "Tỉnh;Chỉ số SIPAS;Xếp hạng;Ghi chú;Người nhập liệu;SĐT người nhập\n"
        f"Lạng Sơn;80,1;2;-;Nguyễn Văn {MARKER};{NUMERIC_PREFIX}000001\n"
        f"Cao Bằng;81,5;1;số liệu sơ bộ;=cmd|' /C calc'!A0 {MARKER};{NUMERIC_PREFIX}000002\n",
        encoding="utf-8-sig",
    )
    plan, result = ingest.import_file("published", path, 2019, db=db, principal=CLI_ADMIN, source="Báo cáo",
                                      replace=True)  # fmt: skip
    assert plan.ok and result is not None, plan.problems.as_json()
    ignored = {w.column for w in plan.problems.warnings() if w.code == "column_ignored"}
    assert ignored == {"Người nhập liệu", "SĐT người nhập"}
    shown = json.dumps(plan.problems.as_json(), ensure_ascii=False) + plan.preview.to_csv()
    assert MARKER not in shown and NUMERIC_PREFIX not in shown
    archived = Path(result["archive"])
    assert archived.name == f"{plan.file_sha256}.published.loaded.csv"
    text = archived.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "Tỉnh,Chỉ số SIPAS,Xếp hạng,Ghi chú"
    assert MARKER not in text and NUMERIC_PREFIX not in text and "80,1" in text
    assert stat.S_IMODE(archived.stat().st_mode) == 0o600
    assert stat.S_IMODE(archived.parent.stat().st_mode) == 0o700
