"""Published tables shaped like the real ones: title rows, merged two-row headers, decimal commas, percent
signs, name variants, a notes row — loaded with their source, and replaced only when asked."""

from __future__ import annotations

import duckdb
from openpyxl import Workbook

from tests.ingest.builders import cp1258_bytes, published_rows_2023
from tests.ingest.conftest import fingerprint, run_cli

SOURCE = "Báo cáo Chỉ số SIPAS năm 2023 (Bộ Nội vụ)"
EXPECTED = {  # unit id -> (SIPAS, policy, service, rank)
    "P63-22": (89.96, 88.10, 91.20, 1),
    "P63-79": (85.10, 84.00, 86.20, 2),
    "P63-46": (84.50, 83.00, 86.00, 3),
    "P63-17": (83.20, 82.00, 84.40, 4),
    "P63-77": (82.00, 81.00, 83.00, 5),
    "P63-66": (79.90, 78.80, 81.00, 6),
}


def report_workbook(path) -> None:
    """A sheet as copied from a ministry report: a hidden helper sheet, titles, merged header, notes."""
    book = Workbook()
    helper = book.active
    helper.title = "tinh_toan"
    helper.append(["Tỉnh", "Giá trị"])
    helper.append(["Hà Nội", 1])
    helper.sheet_state = "hidden"
    ws = book.create_sheet("KQ SIPAS 2023")
    ws["A1"] = "KẾT QUẢ CHỈ SỐ HÀI LÒNG VỀ SỰ PHỤC VỤ HÀNH CHÍNH NĂM 2023"
    ws.merge_cells("A1:F1")
    ws["A2"] = "(Kèm theo Báo cáo số …/BC-BNV)"
    ws.merge_cells("A2:F2")
    ws.append([])
    ws.append(["STT", "Tỉnh, thành phố", "Chỉ số SIPAS", "Chỉ số thành phần", None, "Xếp hạng"])
    ws.append([None, None, None, "Chính sách", "Dịch vụ", None])
    for top, bottom in (("A4", "A5"), ("B4", "B5"), ("C4", "C5"), ("F4", "F5")):
        ws.merge_cells(f"{top}:{bottom}")
    ws.merge_cells("D4:E4")
    for k, (unit, sipas, policy, service, rank) in enumerate(published_rows_2023(), start=1):
        ws.append([k, unit, sipas, policy, service, rank])
    ws.append([])
    ws.append(["Nguồn: Bộ Nội vụ, Báo cáo kết quả Chỉ số SIPAS năm 2023."])
    book.save(path)


def test_report_shaped_workbook_loads(db, tmp_path) -> None:
    path = tmp_path / "sipas_2023.xlsx"
    report_workbook(path)
    code, out = run_cli("published", str(path), "--year", "2023", "--db", str(db), "--source", SOURCE,
                        "--replace")  # fmt: skip
    assert code == 0, out
    assert out["summary"]["sheet"] == "KQ SIPAS 2023" and out["summary"]["header_row"] == 4
    assert out["summary"]["index_codes"] == ["domain:policy", "domain:service", "overall"]
    assert out["units_matched"] == 6 and out["rows_loaded"] == 18
    assert {"trailing_notes_ignored", "sheet_hidden_skipped"} <= {w["code"] for w in out["warnings"]}
    with duckdb.connect(str(db.resolve()), read_only=True) as con:
        rows = con.execute(
            "SELECT unit_id, index_code, value, rank, value_as_published, source FROM published_value "
            "WHERE year = 2023 AND import_id = ?",
            [out["import_id"]],
        ).fetchall()
    got = {(u, c): (v, r, text, s) for u, c, v, r, text, s in rows}
    for unit, (sipas, policy, service, rank) in EXPECTED.items():
        assert got[(unit, "overall")][:2] == (sipas, rank)
        assert got[(unit, "domain:policy")][0] == policy and got[(unit, "domain:service")][0] == service
        assert got[(unit, "overall")][3] == SOURCE
    assert got[("P63-22", "overall")][2] == "89,96%"  # kept as published


def test_semicolon_csv_with_codes_and_variants_needs_replace_for_existing_figures(db, tmp_path) -> None:
    path = tmp_path / "bang.csv"
    lines = ["Bảng 1. Chỉ số SIPAS năm 2023;;;", "Mã tỉnh;Tên tỉnh;Chỉ số SIPAS (%);Xếp hạng;Nguồn"]
    lines += ["22;Quảng Ninh;89,96;1;https://example.gov.vn/a", "79;TP.HCM;85,10;2;https://example.gov.vn/a",
              ";Cả nước;84,00;;https://example.gov.vn/b"]  # fmt: skip
    path.write_bytes(cp1258_bytes("\n".join(lines) + "\n"))
    before = fingerprint(db)
    code, out = run_cli("published", str(path), "--year", "2023", "--db", str(db))
    if code == 2:  # the vendored 2023 figures for these units exist: replacing them must be explicit
        assert [e["code"] for e in out["errors"]] == ["published_exists"]
        assert fingerprint(db) == before
        code, out = run_cli("published", str(path), "--year", "2023", "--db", str(db), "--replace")
    assert code == 0, out
    assert out["summary"]["encoding"] == "cp1258"
    with duckdb.connect(str(db.resolve()), read_only=True) as con:
        rows = dict(con.execute("SELECT unit_id, value FROM published_value WHERE import_id = ?",
                                [out["import_id"]]).fetchall())  # fmt: skip
    assert rows == {"P63-22": 89.96, "P63-79": 85.10, "VN": 84.00}
    code, again = run_cli("published", str(path), "--year", "2023", "--db", str(db))
    assert code == 0 and again["status"] == "unchanged"


def test_rank_that_disagrees_with_values_is_a_warning(db, tmp_path) -> None:
    path = tmp_path / "ranks.csv"
    path.write_text("Tỉnh;Chỉ số SIPAS;Xếp hạng\nLạng Sơn;80,1;1\nCao Bằng;81,5;2\nBắc Kạn;79,0;3\n",
                    encoding="utf-8-sig")  # fmt: skip
    code, out = run_cli(
        "published", str(path), "--year", "2019", "--db", str(db), "--source", "x", "--replace"
    )
    assert code == 0, out
    warning = next(w for w in out["warnings"] if w["code"] == "rank_inconsistent")
    assert warning["row"] == 2 and warning["column"] == "Xếp hạng"  # Lạng Sơn: rank 1 below Cao Bằng (row 3)
    assert "3" in warning["message_en"]
