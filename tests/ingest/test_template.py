"""Templates: every column explained in vi and en, and a filled-in template imports cleanly."""

from __future__ import annotations

import pandas as pd
from openpyxl import load_workbook

from reference.methodology import load_all
from tests.ingest.builders import microdata_frame
from tests.ingest.conftest import run_cli


def test_xlsx_template_has_a_guide_sheet_and_round_trips(db, tmp_path) -> None:
    out = tmp_path / "mau_2024.xlsx"
    code, body = run_cli("template", "--year", "2024", "--out", str(out))
    assert code == 0 and body["files"] == [str(out)]
    book = load_workbook(out)
    assert book.sheetnames == ["du_lieu", "huong_dan"]
    header = [c.value for c in book["du_lieu"][1]]
    items = [i.code for i in load_all()["sipas_2023"].items]
    assert (
        header[:4] == ["respondent_id", "province", "district", "commune"] and header[-len(items) :] == items
    )
    guide = {
        row[0]: row for row in book["huong_dan"].iter_rows(min_row=2, values_only=True) if row and row[0]
    }
    assert set(header) <= set(guide)
    assert "CCCD" in guide["respondent_id"][2] and guide["sex"][4] == "female, male"
    assert guide["access_signage"][4].startswith("1–5; 9 = ")
    # fill the template with valid rows and import it
    frame = microdata_frame(2024).reindex(columns=header)  # optional columns left empty
    filled = tmp_path / "filled.xlsx"
    with pd.ExcelWriter(filled) as writer:
        frame.to_excel(writer, sheet_name="du_lieu", index=False)
        pd.DataFrame({"ghi chú": ["không nạp"]}).to_excel(writer, sheet_name="huong_dan", index=False)
    code, body = run_cli(
        "microdata", str(filled), "--year", "2024", "--db", str(db), "--replace", "--partial"
    )
    assert code == 0, body
    assert body["rows_loaded"] == 48 and body["summary"]["sheet"] == "du_lieu"
    assert not [w for w in body["warnings"] if w["code"] == "column_ignored"]


def test_csv_template_for_2025_has_no_district_and_a_readme(tmp_path) -> None:
    out = tmp_path / "mau_2025.csv"
    code, body = run_cli("template", "--year", "2025", "--out", str(out))
    assert code == 0 and len(body["files"]) == 2
    header = out.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert "district" not in header and "commune" in header
    readme = (tmp_path / "mau_2025.README.md").read_text(encoding="utf-8")
    assert "| respondent_id | x |" in readme and "CCCD" in readme


def test_template_for_a_year_without_wave_is_refused(tmp_path) -> None:
    code, body = run_cli("template", "--year", "2016", "--out", str(tmp_path / "x.xlsx"))
    assert code == 2 and body["errors"][0]["code"] == "template_unavailable"
