"""Exports: CSV cells cannot run as formulas; the XLSX is a real workbook with the same content."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd

from ui.downloads import csv_bytes, xlsx_bytes

DANGEROUS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", '=HYPERLINK("http://x")']


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"name": ["Hà Nội", *DANGEROUS], "value": [84.5, 1.0, 2.0, -3.5, 4.0, 5.0, 6.0]})


def test_csv_neutralises_formulas_and_keeps_numbers() -> None:
    text = csv_bytes(_frame()).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    names = [r[0] for r in rows[1:]]
    assert names[0] == "Hà Nội"
    assert all(n.startswith("'") for n in names[1:])
    assert [float(r[1]) for r in rows[1:]][3] == -3.5  # negative numbers stay numbers


def test_xlsx_opens_and_holds_no_formula() -> None:
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(_frame(), sheet="chỉ số")))
    sheet = book.active
    assert sheet.title == "chỉ số"
    values = [row for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values[0] == ("Hà Nội", 84.5)
    for cell in sheet["A"][2:]:
        assert cell.data_type != "f" and str(cell.value).startswith("'")


def test_csv_in_vietnamese_uses_semicolons_and_decimal_commas_with_the_header_as_columns() -> None:
    frame = pd.DataFrame(
        {"Tên": ["Hà Nội", "Huế"], "Chỉ số (%)": [87.11, 85.5], "Số người trả lời": [1084, 950]}
    )
    header = [("Đơn vị", "Hà Nội (P34-01)"), ("Lưu ý", "=dữ liệu mô phỏng")]
    text = csv_bytes(frame, header, "vi").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Tên", "Chỉ số (%)", "Số người trả lời", "Đơn vị", "Lưu ý"]
    assert rows[1] == ["Hà Nội", "87,11", "1084", "Hà Nội (P34-01)", "'=dữ liệu mô phỏng"]
    english = list(csv.reader(io.StringIO(csv_bytes(frame, header, "en").decode("utf-8-sig"))))
    assert english[1][1] == "87.11"


def test_xlsx_has_the_header_block_above_the_table() -> None:
    frame = pd.DataFrame(
        {"Năm": [2024], "Chỉ số (%)": [87.114], "Số người trả lời": pd.array([36522], "Int64")}
    )
    header = [("Nội dung", "SIPAS theo tỉnh"), ("Năm khảo sát", "2024"), ("Nguồn", "@nguồn")]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame, header=header))).active
    assert [sheet.cell(row=r, column=1).value for r in (1, 2, 3)] == ["Nội dung", "Năm khảo sát", "Nguồn"]
    assert sheet.cell(row=3, column=2).value == "'@nguồn"  # formula-safe in the header block too
    assert sheet.cell(row=4, column=1).value is None  # a blank row, then the table
    assert [c.value for c in sheet[5]] == ["Năm", "Chỉ số (%)", "Số người trả lời"]
    assert [c.value for c in sheet[6]] == [2024, 87.114, 36522]
    assert sheet.cell(row=6, column=2).number_format == "0.00"
    assert sheet.cell(row=6, column=3).number_format == "#,##0"
    assert sheet.cell(row=6, column=1).number_format == "0"  # a year: 2024, not 2,024 or 2.024
    assert all(c.font.bold for c in sheet[5]) and sheet.freeze_panes == "A6"  # header row bold and frozen


def test_xlsx_number_formats_keep_numbers_as_numbers() -> None:
    """Percentages and intervals '0.00', counts '#,##0' (missing ones empty), p-values and odds ratios
    '0.000', codes and names as text; nothing stored as text that is a number."""
    frame = pd.DataFrame(
        {
            "Mã đơn vị": ["P63-01", "P63-79"],
            "Chỉ số (%)": [87.11, -2.5],
            "KTC 95% dưới": [83.88, -4.0],
            "Số người trả lời": pd.array([1084, None], "Int64"),
            "Giá trị p": [3.697e-21, 0.0412],
            "Tỷ số chênh / +10 điểm": [1.637, 1.2],
            "Năm": [2024, 2024],
        }
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame))).active
    assert [c.value for c in sheet[1]] == list(frame.columns)
    assert [c.number_format for c in sheet[2]] == ["General", "0.00", "0.00", "#,##0", "0.000", "0.000", "0"]
    assert [c.data_type for c in sheet[2]] == ["s", "n", "n", "n", "n", "n", "n"]
    assert sheet.cell(row=3, column=2).value == -2.5  # a negative number is not neutralised into text
    assert sheet.cell(row=3, column=4).value is None  # a missing count is an empty cell
    assert sheet.cell(row=2, column=5).value == 3.697e-21
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:G3"


def test_xlsx_column_widths_fit_header_and_values_up_to_60() -> None:
    long = "Chính quyền cung cấp, giải thích thông tin chính sách nhiều hình thức, dễ tìm, dễ thấy."
    frame = pd.DataFrame(
        {
            "n": pd.array([1234567, 5], "Int64"),  # shown as 1,234,567: 9 characters
            "Tên": [long, "Huế"],
            "Cỡ mẫu hiệu dụng của đơn vị": [1.5, 2.25],
            "x": ["a", "b"],
        }
    )
    header = [("Địa giới hành chính", "63 tỉnh (trước 1/7/2025)")]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame, header=header))).active
    widths = [sheet.column_dimensions[letter].width for letter in "ABCD"]
    # A: the header block's label (19 characters) is longer than '1,234,567'; B: capped at 60;
    # C: the header; D: at least 8
    assert widths == [len("Địa giới hành chính") + 2, 60, len("Cỡ mẫu hiệu dụng của đơn vị") + 2, 8]
    assert sheet.freeze_panes == "A4"  # under the table's header row, below the block


def test_xlsx_header_row_and_header_block_are_formula_safe() -> None:
    frame = pd.DataFrame({"=cmd": ["+1"], "value": [1.0]})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame, header=[("-x", "=y")]))).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c for c in cells if c.data_type == "f"]
    assert {c.value for c in cells if isinstance(c.value, str)} == {"'-x", "'=y", "'=cmd", "'+1", "value"}
