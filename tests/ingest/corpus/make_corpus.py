"""Writes the bad-file corpus next to this script: `python -m tests.ingest.corpus.make_corpus`.

Each file is rejected for one stated reason (see CASES in tests/ingest/test_bad_files.py). The files are
committed; this script documents how each was made and rebuilds them if the template changes. Two cases are
made at test time instead (a file beyond the size limit, which would bloat the repository, and its twin).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from tests.ingest.builders import microdata_frame

HERE = Path(__file__).resolve().parent
TCVN3_ROWS = "respondent_id,province,commune\nA1,Hµ Néi,Ph­êng Phóc X¸\nA2,Thµnh phè Hå ChÝ Minh,Ph­êng T©n §Þnh\nA3,§µ N½ng,X· Hoµ B¾c\n"
VNI_ROWS = "respondent_id,province,commune\nA1,Haø Noäi,Phöôøng Phuùc Xaù\nA2,Thaønh phoá Hoà Chí Minh,Phöôøng Taân Ñònh\nA3,Ñaø Naüng,Xaõ Hoøa Baéc\n"


def _csv(name: str, frame: pd.DataFrame, **kw: object) -> None:
    frame.to_csv(HERE / name, index=False, **kw)


def _xlsx(name: str, frame: pd.DataFrame) -> None:
    frame.to_excel(HERE / name, index=False, sheet_name="du_lieu")


def _base(year: int = 2024) -> pd.DataFrame:
    return microdata_frame(year, per_psu=3)


def microdata_cases() -> None:
    """Microdata files with one defect each (year 2024 unless the name says otherwise)."""
    f = _base()
    f.loc[4, "access_signage"] = 7
    _csv("answer_out_of_range.csv", f)
    f = _base().astype({"procedure_public_listing": object})
    f.loc[2, "procedure_public_listing"] = "4.5"
    f.loc[3, "procedure_public_listing"] = "tốt"
    _csv("answer_not_integer.csv", f)
    f = _base()
    f.loc[0, "province"] = "Hà Tây"
    f.loc[0, "district"] = None
    f.loc[0, "commune"] = None
    _csv("abolished_province_ha_tay.csv", f)
    f = _base()
    f.loc[5, "province"] = "Hà Nộii"
    _csv("misspelled_province.csv", f)
    f = _base()
    f.loc[1, "province"] = "Thành phố Hồ Chí Minh"
    _csv("commune_in_wrong_province.csv", f)
    f = _base(2025)
    f.loc[2, "province"] = "Hà Giang"
    _csv("merged_province_in_2025.csv", f)
    f = _base()
    f.loc[6, "respondent_id"] = f.loc[2, "respondent_id"]
    _csv("duplicate_respondent_ids.csv", f)
    _csv("missing_respondent_id_column.csv", _base().drop(columns=["respondent_id"]))
    _csv("missing_item_column.csv", _base().drop(columns=["civil_servant_polite"]))
    f = _base()
    f.loc[3, "weight"] = -12.5
    _csv("negative_weight.csv", f)
    f = _base()
    f.loc[2, "weight"] = 0
    _xlsx("zero_weight.xlsx", f)
    f = _base()
    f.insert(1, "year", 2024)
    f.loc[7, "year"] = 2023
    _csv("year_mismatch.csv", f)
    f = _base()
    f.loc[8, "sex"] = "không rõ"
    _csv("unknown_category.csv", f)
    f = _base()
    f.loc[0, "respondent_id"] = "0912345678"
    _csv("phone_number_as_respondent_id.csv", f)
    f = _base()
    f.loc[1, "province"] = '=HYPERLINK("http://example.com","Hà Nội")'
    _csv("formula_text_in_csv.csv", f)
    _csv("header_only.csv", _base().iloc[0:0])
    f = _base()
    f["Tỉnh"] = f["province"]
    _csv("two_province_columns.csv", f)
    _csv("year_2016_has_no_wave.csv", _base())
    f = _base()
    f.loc[2, "district"] = "Quận 1"
    _csv("district_in_wrong_province.csv", f)


def encoding_cases() -> None:
    """Files a reader must refuse before looking at their content."""
    (HERE / "empty.csv").write_bytes(b"")
    (HERE / "only_bom.csv").write_bytes(b"\xef\xbb\xbf\r\n")
    (HERE / "tcvn3_font_text.csv").write_bytes(TCVN3_ROWS.encode("cp1252"))
    (HERE / "vni_font_text.csv").write_bytes(VNI_ROWS.encode("cp1252"))
    (HERE / "tcvn3_saved_as_utf8.csv").write_text(TCVN3_ROWS, encoding="utf-8")
    (HERE / "binary_garbage.csv").write_bytes(bytes(range(256)) * 8)
    (HERE / "legacy_excel_97.xls").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504)
    (HERE / "not_a_zip.xlsx").write_text("respondent_id,province\n1,Hà Nội\n", encoding="utf-8")
    buffer = io.BytesIO()
    _base().to_excel(buffer, index=False)
    (HERE / "truncated.xlsx").write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    with zipfile.ZipFile(HERE / "zip_without_workbook.xlsx", "w") as z:
        z.writestr("hello.txt", "not a workbook")
    (HERE / "numbers_only_no_header.csv").write_text("1,2,3\n4,5,6\n7,8,9\n", encoding="utf-8")
    (HERE / "broken_quotes.csv").write_text(
        'respondent_id,province,commune\n"A1,Hà Nội,Phường Phúc Xá\nA2,"Hà "Nội,"x\n', encoding="utf-8"
    )
    (HERE / "survey.json").write_text('{"respondent_id": 1}', encoding="utf-8")


def xlsx_cases() -> None:
    """Workbooks that are valid zips but must still be refused."""
    # zip bomb: a sheet whose XML is ~60 MB of whitespace (a few hundred KB on disk)
    with zipfile.ZipFile(HERE / "zip_bomb.xlsx", "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        buffer = io.BytesIO()
        Workbook().save(buffer)
        with zipfile.ZipFile(buffer) as src:
            for info in src.infolist():
                data = src.read(info.filename)
                if info.filename == "xl/worksheets/sheet1.xml":
                    data = data.replace(b"<sheetData", b" " * 60_000_000 + b"<sheetData", 1)
                z.writestr(info.filename, data)
    book = Workbook()
    ws = book.active
    frame = _base()
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append(list(row))
    ws["H3"] = "=SUM(H4:H5)"
    ws["J6"] = "=1+1"
    book.save(HERE / "formulas_in_cells.xlsx")
    book = Workbook()
    visible = book.active
    visible.title = "ghi_chu"
    visible["A1"] = "Bảng này để trống"
    hidden = book.create_sheet("du_lieu_an")
    for row in [list(frame.columns), *map(list, frame.itertuples(index=False))]:
        hidden.append(row)
    hidden.sheet_state = "hidden"
    book.save(HERE / "data_only_in_hidden_sheet.xlsx")


def published_cases() -> None:
    """Published tables with one defect each (year 2023)."""

    def table(rows: list[tuple]) -> pd.DataFrame:
        return pd.DataFrame(rows, columns=["Tỉnh, thành phố", "Chỉ số SIPAS (%)", "Xếp hạng"])

    good = [("Quảng Ninh", "89,96", 1), ("Hải Phòng", "88,1", 2), ("Đà Nẵng", "87,5", 3)]
    _csv("pub_value_above_100.csv", table([*good, ("Bắc Ninh", "105,2%", 4)]))
    _csv("pub_fractions_not_percent.csv", table([("Quảng Ninh", "0.8996", 1), ("Hải Phòng", "0.881", 2),
                                                  ("Đà Nẵng", "0.875", 3)]))  # fmt: skip
    _csv("pub_abolished_unit.csv", table([*good, ("Hà Tây", "80", 4)]))
    _csv(
        "pub_same_unit_twice.csv",
        table([("TP. Hồ Chí Minh", "85,1", 1), ("Thành phố Hồ Chí Minh", "85,1", 1)]),
    )
    _csv("pub_value_not_a_number.csv", table([*good, ("Bắc Ninh", "n/a", 4)]))
    frame = table(good)
    frame.insert(0, "Mã tỉnh", ["22", "01", "48"])
    _csv("pub_code_and_name_disagree.csv", frame)
    _csv("pub_rank_not_integer.csv", table([*good[:2], ("Đà Nẵng", "87,5", "ba")]))


def main() -> None:
    """Rebuild every committed corpus file."""
    microdata_cases()
    encoding_cases()
    xlsx_cases()
    published_cases()


if __name__ == "__main__":
    main()
