"""Exports: CSV cells cannot run as formulas; the XLSX is a real workbook with the same content."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from i18n import t
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


# --- every path that writes a CSV or XLSX for the user (issue 15) --------------------------------------------
FORMULAS = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "  =1", "\u00a0=1"]


def _is_live(value: object) -> bool:
    """Whether a cell's text could run as a formula: it starts (after any leading whitespace) with one of
    = + - @, or with a tab or a carriage return."""
    return isinstance(value, str) and (
        value[:1] in ("\t", "\r") or value.lstrip()[:1] in ("=", "+", "-", "@")
    )


def _csv_cells(data: bytes, lang: str) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";" if lang == "vi" else ","))


def _assert_safe_csv(data: bytes, lang: str) -> list[list[str]]:
    rows = _csv_cells(data, lang)
    for row in rows:
        live = [cell for cell in row if _is_live(cell) and not _is_number(cell, lang)]
        assert not live, live
    flat = [cell for row in rows for cell in row]
    for payload in FORMULAS:
        assert "'" + payload in flat, payload  # neutralised with one apostrophe, otherwise as typed
    return rows


def _is_number(cell: str, lang: str) -> bool:
    """A CSV cell that holds a number in the language's format (a negative number is not a formula)."""
    try:
        float(cell.replace(",", ".") if lang == "vi" else cell)
    except ValueError:
        return False
    return True


def _assert_safe_xlsx(data: bytes) -> list:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert not [c.value for c in cells if _is_live(c.value)]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    for payload in FORMULAS:
        assert "'" + payload in texts, payload
    numbers = [c for c in cells if isinstance(c.value, int | float)]
    assert any(c.value == -3.5 and c.data_type == "n" for c in numbers)  # a negative number stays a number
    return cells


def _table_frame() -> pd.DataFrame:
    """A shown table: names with formula payloads, a negative number, a profile link column."""
    n = len(FORMULAS)
    return pd.DataFrame(
        {
            "Tên": FORMULAS,
            "Chỉ số (%)": [-3.5, *range(n - 1)],
            "Thay đổi": ["-0,5"]
            + ["x"] * (n - 1),  # text that looks like a negative number: still neutralised
            "profile": [f"profile?unit=P63-01&focus=P63-{k:02d}" for k in range(n)],
        }
    )


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_table_download_neutralises_formulas(lang: str) -> None:
    """The files of a table's download menu (`ui.components._file`, as the screen calls it): the cells, the
    header row and the header block (title, source) neutralised in CSV and XLSX; numbers stay numbers."""
    from ui.components import _file

    frame = _table_frame()
    frame.columns = [*frame.columns[:-2], "@cột", "profile"]
    head = (("Nội dung", "=tiêu đề"), ("Nguồn", "  =nguồn"), ("Chú thích", "-ghi chú"))
    csv_file = _file(frame, head, "csv", lang, False, ("profile",))
    rows = _assert_safe_csv(csv_file, lang)
    assert "'@cột" in rows[0] and "'=tiêu đề" in rows[1] and "'  =nguồn" in rows[1] and "'-ghi chú" in rows[1]
    assert rows[1][0] == "'" + FORMULAS[0] and _is_number(rows[1][1], lang)
    assert rows[1][2] == "'-0,5"
    cells = _assert_safe_xlsx(_file(frame, head, "xlsx", lang, False, ("profile",)))
    assert {"'=tiêu đề", "'  =nguồn", "'-ghi chú", "'@cột"} <= {c.value for c in cells}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_chart_download_neutralises_formulas(lang: str) -> None:
    """The data behind a chart (`export_frame` through `ui.components._file`): labels, codes and the source
    column from the caption neutralised; values stay numbers."""
    from ui.components import _file

    n = len(FORMULAS)
    data = pd.DataFrame({"unit_id": ["@P63-01"] * n, "label": FORMULAS, "value": [-3.5, *[80.0] * (n - 1)],
                         "ci_low": [-4.0] * n, "ci_high": [-3.0] * n, "n": [100] * n})  # fmt: skip
    head = ((t("export.title", lang), "+tiêu đề"), (t("export.source", lang), '=HYPERLINK("http://evil")'))
    rows = _assert_safe_csv(_file(data, head, "csv", lang, True), lang)
    assert "'@P63-01" in rows[1]
    _assert_safe_xlsx(_file(data, head, "xlsx", lang, True))


def test_audit_log_download_neutralises_formulas() -> None:
    """The audit log table of the Data page (`content.audit_log`): account names and details from forms."""
    from content.audit_log import _frame
    from ui.components import _file

    n = len(FORMULAS) + 1
    rows = pd.DataFrame({"occurred_at": ["2025-01-01 10:00"] * n, "actor": ["x", *FORMULAS], "role": ["admin"] * n,
                         "action": ["signin"] * n, "unit_id": ["-1"] * n, "year": [2024] * n,
                         "outcome": ["ok"] * n, "detail": ['{"file": "=cmd|\' /C calc\'!A0"}'] * n})  # fmt: skip
    frame = _frame(rows, "vi")
    frame.isetitem(1, frame.iloc[:, 1].astype(object))
    frame.iloc[0, 1] = -3.5  # a number in a text column stays a number
    _assert_safe_csv(_file(frame, (), "csv", "vi", False, ()), "vi")
    sheet = openpyxl.load_workbook(io.BytesIO(_file(frame, (), "xlsx", "vi", False, ()))).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c for c in cells if c.data_type == "f" or _is_live(c.value)]
    assert sheet.cell(row=2, column=2).value == -3.5 and sheet.cell(row=2, column=2).data_type == "n"


def test_neutraliser_handles_whitespace_full_width_and_control_characters() -> None:
    from ui.downloads import neutralise_formula

    assert neutralise_formula("  =1") == "'  =1" and neutralise_formula("\n+1") == "'\n+1"
    assert neutralise_formula("\uff1d1") == "'\uff1d1"  # a full-width equals sign
    assert neutralise_formula(-2.5) == -2.5 and neutralise_formula("Hà Nội") == "Hà Nội"
    assert neutralise_formula("a=1") == "a=1" and neutralise_formula("") == ""
    frame = pd.DataFrame(
        {"x": pd.Series(["=1", "b"], dtype="category"), "y": pd.array(["@a", None], "string")}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame))).active
    assert [sheet.cell(row=2, column=c).value for c in (1, 2)] == ["'=1", "'@a"]
    control = pd.DataFrame({"x": ["a\x01b", "=\x02"]})  # characters XML cannot hold: dropped, not a crash
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(control))).active
    assert [sheet.cell(row=r, column=1).value for r in (2, 3)] == ["ab", "'="]
