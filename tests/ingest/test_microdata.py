"""Microdata import end to end through the command line: load, no-op, replace, restore, privacy, indices."""

from __future__ import annotations

import hashlib

import duckdb
import numpy as np
import pandas as pd

from analysis.engine import compute_indices
from ingest.microdata import salted_hash
from store import versions
from tests.ingest.builders import microdata_frame
from tests.ingest.conftest import fingerprint, run_cli

PHONES = [f"0912{k:06d}" for k in range(48)]


def _con(db):
    return duckdb.connect(str(db.resolve()), read_only=True)


def test_load_replace_noop_and_restore(db, tmp_path) -> None:
    frame = microdata_frame(2024)
    path = tmp_path / "phieu_2024.csv"
    frame.to_csv(path, index=False)
    before = fingerprint(db)

    code, out = run_cli("microdata", str(path), "--year", "2024", "--db", str(db))
    # the file covers 2 of 63 provinces: besides 'replace', the partial import must be confirmed
    assert code == 2 and [e["code"] for e in out["errors"]] == ["wave_exists", "partial_wave"]
    assert fingerprint(db) == before

    code, out = run_cli(
        "microdata",
        str(path),
        "--year",
        "2024",
        "--db",
        str(db),
        "--replace",
        "--partial",
        "--by",
        "cán bộ A",
    )
    assert code == 0, out
    assert out["rows_loaded"] == 48 and out["year"] == 2024 and out["replaced"]["data_kind"] == "generated"
    assert out["units_matched"] == 8  # 2 provinces, 2 districts, 4 communes
    assert len(out["file_sha256"]) == 64
    with _con(db) as con:
        assert con.execute("SELECT count(*) FROM respondent WHERE year = 2024").fetchone()[0] == 48
        assert con.execute("SELECT data_kind FROM survey_wave WHERE year = 2024").fetchone()[0] == "microdata"
        log = con.execute("SELECT kind, year, rows_loaded, imported_by, file_sha256 FROM import_log "
                          "ORDER BY import_id DESC LIMIT 1").fetchone()  # fmt: skip
        assert log == ("microdata", 2024, 48, "cán bộ A", out["file_sha256"])
        # other waves untouched
        assert con.execute("SELECT count(*) FROM respondent WHERE year = 2023").fetchone()[0] > 30_000
    loaded = fingerprint(db)

    code, out = run_cli("microdata", str(path), "--year", "2024", "--db", str(db))
    assert code == 0 and out["status"] == "unchanged" and out["rows_loaded"] == 0
    assert fingerprint(db) == loaded

    stored = versions.list_versions(db)
    assert [v.label for v in stored] == ["initial", "microdata_2024"] and stored[-1].current
    code, out = run_cli("restore", stored[0].path.name, "--db", str(db))
    assert code == 0
    with _con(db) as con:
        assert con.execute("SELECT data_kind FROM survey_wave WHERE year = 2024").fetchone()[0] == "generated"
        assert con.execute("SELECT count(*) FROM respondent WHERE year = 2024").fetchone()[0] > 30_000


def test_indices_from_imported_microdata_match_a_hand_count(db, tmp_path) -> None:
    frame = microdata_frame(2024, per_psu=20, seed=7)
    path = tmp_path / "phieu.xlsx"
    frame.to_excel(path, index=False, sheet_name="du_lieu")
    code, out = run_cli("microdata", str(path), "--year", "2024", "--db", str(db), "--replace", "--partial")
    assert code == 0, out
    with _con(db) as con:
        result = compute_indices(con, 2024, "province").set_index(["unit_id", "index_code"])
    # element 'access' for Hà Nội = mean over its items of the weighted share answering 4-5 (9 excluded)
    hanoi = frame[frame.province == "TP. Hà Nội"]
    access_items = [c for c in frame.columns if c.startswith("access_")]
    shares = []
    for item in access_items:
        valid = hanoi[hanoi[item] != 9]
        shares.append(100 * (valid.weight * valid[item].between(4, 5)).sum() / valid.weight.sum())
    assert np.isclose(result.loc[("P63-01", "element:access"), "value"], np.mean(shares))
    assert result.loc[("P63-01", "element:access"), "n"] == 40


def test_identifying_columns_never_stored_or_archived(db, tmp_path) -> None:
    frame = microdata_frame(2024)
    frame.insert(1, "Họ và tên", [f"Nguyễn Văn {k}" for k in range(48)])
    frame["Số điện thoại"] = PHONES
    frame["Địa chỉ"] = "Số 1 Phố Huế"
    path = tmp_path / "pii.csv"
    frame.to_csv(path, index=False)
    code, out = run_cli("microdata", str(path), "--year", "2024", "--db", str(db), "--replace", "--partial")
    assert code == 0, out
    assert {w["code"] for w in out["warnings"]} >= {"identifying_drop"}
    assert sorted(out["summary"]["identifying_columns"]) == ["address", "name", "phone"]
    archived = (db.parent / "sipas.imports").iterdir()
    for file in archived:
        text = file.read_text(encoding="utf-8-sig")
        assert "0912000001" not in text and "Nguyễn Văn" not in text and "Phố Huế" not in text
    raw = b"".join(p.read_bytes() for p in (db.parent / "sipas.versions").iterdir())
    assert b"0912000001" not in raw and "Nguyễn Văn 1".encode() not in raw


def test_hash_mode_keeps_only_salted_hashes(db, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SIPAS_PII_SALT_FILE", str(tmp_path / "salt"))
    frame = microdata_frame(2024)
    frame["SĐT"] = PHONES
    path = tmp_path / "pii.csv"
    frame.to_csv(path, index=False)
    code, out = run_cli(
        "microdata", str(path), "--year", "2024", "--db", str(db), "--replace", "--partial", "--pii", "hash"
    )
    assert code == 0, out
    with _con(db) as con:
        rows = con.execute("SELECT field, value_hash FROM respondent_recheck WHERE year = 2024").df()
    assert len(rows) == 48 and set(rows.field) == {"phone"}
    assert rows.value_hash.str.fullmatch(r"[0-9a-f]{64}").all() and rows.value_hash.nunique() == 48
    # Salted: neither the clear number nor its unsalted SHA-256 is stored; the HMAC with the salt is.
    unsalted = {hashlib.sha256(p.encode()).hexdigest() for p in PHONES}
    assert not unsalted & set(rows.value_hash)
    assert not any(p in h for p in PHONES for h in rows.value_hash)
    salt = bytes.fromhex((tmp_path / "salt").read_text().strip())
    assert set(rows.value_hash) == {salted_hash(salt, p) for p in PHONES}
    assert (tmp_path / "salt").stat().st_mode & 0o077 == 0  # salt readable by its owner only


def test_2025_wave_uses_the_34_province_geography(db, tmp_path) -> None:
    frame = microdata_frame(2025)
    frame["district"] = "Quận Ba Đình"
    path = tmp_path / "m2025.csv"
    frame.to_csv(path, index=False, sep=";")
    code, out = run_cli("microdata", str(path), "--year", "2025", "--db", str(db), "--replace", "--partial")
    assert code == 0, out
    assert "district_ignored_2025" in {w["code"] for w in out["warnings"]}
    with _con(db) as con:
        provinces = {
            r[0]
            for r in con.execute("SELECT DISTINCT province_id FROM respondent WHERE year = 2025").fetchall()
        }
        assert provinces == {"P34-01", "P34-79"}
        assert (
            con.execute(
                "SELECT count(*) FROM respondent WHERE year = 2025 AND district_id IS NOT NULL"
            ).fetchone()[0]
            == 0
        )


def test_fresh_database_is_created_with_reference_data(tmp_path) -> None:
    frame = microdata_frame(2023)
    path = tmp_path / "m2023.csv"
    frame.to_csv(path, index=False)
    target = tmp_path / "new" / "sipas.duckdb"
    code, out = run_cli("microdata", str(path), "--year", "2023", "--db", str(target), "--partial")
    assert code == 0, out
    with duckdb.connect(str(target), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM admin_unit").fetchone()[0] > 14_000
        assert con.execute("SELECT year, data_kind FROM survey_wave").fetchall() == [(2023, "microdata")]
        assert con.execute("SELECT count(*) FROM published_value").fetchone()[0] > 50
        assert [r[0] for r in con.execute("SELECT kind FROM import_log ORDER BY import_id").fetchall()] == [
            "reference", "microdata"]  # fmt: skip
    assert isinstance(pd.read_csv(path), pd.DataFrame)
