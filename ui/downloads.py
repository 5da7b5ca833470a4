"""File writers for downloads: CSV whose cells cannot run as spreadsheet formulas, and XLSX with a header
block. What goes into them (translated headers, rounding, the header rows, number formats) is
`content.exports`.

    CSV   one row per data row; the header block as constant columns on the right (so the file stays one
          rectangular table); Vietnamese files use ';' between fields and a decimal comma (what Excel
          expects in a Vietnamese locale), English ',' and a decimal point; UTF-8 with BOM; rows end with
          CRLF, and a cell holding a line break or a carriage return is quoted
    XLSX  the header block (label | text) above the table, a blank row, then the table: bold header row with
          the panes frozen under it and a filter on it; numbers stay numbers with a format per column
          (`content.exports.number_format`: percentages and intervals '0.00', counts '#,##0', years '0',
          p-values '0.000'); column widths fitted to the header and the values shown (at most 60 characters);
          every text cell stored as a string (never a formula), characters XML cannot hold removed

Formulas: every file the app writes for a user goes through `safe_frame` / `neutralise_formula`: a text cell
(or header, or header-block text) that starts with =, +, -, @, a tab or a carriage return (also after
leading whitespace, '  =1', and in their full-width forms) gets an apostrophe in front (OWASP "CSV
injection"); numbers, negative ones included, stay numbers. Table downloads (`ui.components`), chart data
(`content.exports.export_frame`) and the audit log of the Data page all come here.
"""

from __future__ import annotations

import io
import re

import pandas as pd

from content.exports import number_format
from i18n.safe_cells import FORMULA_PREFIXES, is_formula, is_text_column, neutralise_formula, safe_frame

__all__ = ["FORMULA_PREFIXES", "csv_bytes", "is_formula", "neutralise_formula", "safe_frame", "xlsx_bytes"]

# characters XML 1.0 (so an XLSX cell) cannot hold: openpyxl refuses them
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
Header = list[tuple[str, str]]
MIN_WIDTH, MAX_WIDTH = 8, 60  # column widths in characters


def _xml_text(value: object) -> object:
    """Text an XLSX cell can hold: characters XML forbids (control characters) removed."""
    return _ILLEGAL_XML.sub("", value) if isinstance(value, str) else value


def csv_bytes(frame: pd.DataFrame, header: Header | None = None, lang: str = "en") -> bytes:
    """UTF-8 CSV with BOM (opens correctly in Excel with Vietnamese text); `header` rows become columns."""
    out = frame.copy()
    for label, text in header or []:
        if label not in out.columns:
            out[label] = text
    sep, decimal = (";", ",") if lang == "vi" else (",", ".")
    # CRLF between rows (RFC 4180): the writer then quotes every cell holding a carriage return or a line
    # feed; with '\n' alone a bare '\r' in a cell would end the row in a spreadsheet and start the next
    # one with what follows it ("'\r=1" would become a cell '=1')
    text = safe_frame(out).to_csv(index=False, sep=sep, decimal=decimal, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def shown(value: object, fmt: str | None) -> str:
    """A cell as a spreadsheet shows it with `fmt` (for column widths): 36522 with '#,##0' -> '36,522'."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if fmt is None or isinstance(value, str):
        return str(value)
    if fmt == "#,##0":
        return f"{float(value):,.0f}"
    decimals = len(fmt.split(".", 1)[1]) if "." in fmt else 0
    return f"{float(value):.{decimals}f}"


def column_width(label: str, series: pd.Series, fmt: str | None) -> int:
    """Width in characters that shows the header and the longest value: longest + 2, within 8–60."""
    longest = max([len(label), *(len(shown(v, fmt)) for v in series.tolist())])
    return max(MIN_WIDTH, min(MAX_WIDTH, longest + 2))


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "data", header: Header | None = None) -> bytes:
    """XLSX workbook with one sheet: the header block, then the table with a number format per numeric
    column, fitted widths, a bold frozen header row; text cells neutralised as for CSV."""
    from openpyxl.styles import Font  # openpyxl is imported by pandas' writer anyway
    from openpyxl.utils import get_column_letter

    block = header or []
    start = len(block) + 1 if block else 0  # 0-based row of the table's header row
    head_row, first, last = start + 1, start + 2, start + 1 + len(frame)  # 1-based rows in the sheet
    data = safe_frame(frame)
    for k in range(len(data.columns)):
        if is_text_column(data.iloc[:, k]):
            data.isetitem(k, data.iloc[:, k].map(_xml_text))
    data.columns = [_xml_text(c) for c in data.columns]
    name = sheet[:31]
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        data.to_excel(writer, sheet_name=name, index=False, startrow=start)
        book = writer.sheets[name]
        for row, (label, text) in enumerate(block, start=1):
            book.cell(row=row, column=1, value=_xml_text(neutralise_formula(label))).font = Font(bold=True)
            book.cell(row=row, column=2, value=_xml_text(neutralise_formula(text)))
        for col, (label, original) in enumerate(zip(data.columns, frame.columns, strict=True), start=1):
            book.cell(row=head_row, column=col).font = Font(bold=True)
            fmt = number_format(str(original), frame[original])
            if fmt is not None:
                for row in range(first, last + 1):
                    book.cell(row=row, column=col).number_format = fmt
            width = column_width(str(label), data[label], fmt)
            if col == 1 and block:  # the header block's labels sit in the first column
                width = max(width, min(MAX_WIDTH, max(len(str(lab)) for lab, _ in block) + 2))
            book.column_dimensions[get_column_letter(col)].width = width
        for cells in book.iter_rows():  # text stays text: no cell is ever stored as a formula
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        book.freeze_panes = book.cell(row=first, column=1)
        if len(frame.columns):
            book.auto_filter.ref = f"A{head_row}:{get_column_letter(len(frame.columns))}{max(last, head_row)}"
    return buffer.getvalue()
