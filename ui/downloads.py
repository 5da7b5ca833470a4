"""File writers for downloads: CSV whose cells cannot run as spreadsheet formulas, and XLSX with a header
block. What goes into them (translated headers, rounding, the header rows) is `content.exports`.

    CSV   one row per data row; the header block as constant columns on the right (so the file stays one
          rectangular table); Vietnamese files use ';' between fields and a decimal comma (what Excel
          expects in a Vietnamese locale), English ',' and a decimal point; UTF-8 with BOM
    XLSX  the header block (label | text) above the table, a blank row, then the table with a bold header;
          numbers stay numbers (2 decimals shown; whole numbers with thousands separators)
"""

from __future__ import annotations

import io

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
Header = list[tuple[str, str]]


def neutralise_formula(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of `frame` with every text cell (and column name) neutralised; numbers are left as numbers."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise_formula)
    out.columns = [neutralise_formula(str(c)) for c in out.columns]
    return out


def csv_bytes(frame: pd.DataFrame, header: Header | None = None, lang: str = "en") -> bytes:
    """UTF-8 CSV with BOM (opens correctly in Excel with Vietnamese text); `header` rows become columns."""
    out = frame.copy()
    for label, text in header or []:
        if label not in out.columns:
            out[label] = text
    sep, decimal = (";", ",") if lang == "vi" else (",", ".")
    return safe_frame(out).to_csv(index=False, sep=sep, decimal=decimal).encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "data", header: Header | None = None) -> bytes:
    """XLSX workbook with one sheet: the header block, then the table; text cells neutralised as for CSV."""
    from openpyxl.styles import Font  # openpyxl is imported by pandas' writer anyway

    block = header or []
    start = len(block) + 1 if block else 0
    data = safe_frame(frame)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        data.to_excel(writer, sheet_name=sheet[:31], index=False, startrow=start)
        book = writer.sheets[sheet[:31]]
        for row, (label, text) in enumerate(block, start=1):
            book.cell(row=row, column=1, value=neutralise_formula(label)).font = Font(bold=True)
            book.cell(row=row, column=2, value=neutralise_formula(text))
        for col, name in enumerate(data.columns, start=1):
            series = data[name]
            if pd.api.types.is_float_dtype(series):
                fmt = "0.00"
            elif pd.api.types.is_integer_dtype(series) and not series.between(1900, 2100).all():
                fmt = "#,##0"
            else:
                continue
            for row in range(start + 2, start + 2 + len(data)):
                book.cell(row=row, column=col).number_format = fmt
            book.column_dimensions[book.cell(row=start + 1, column=col).column_letter].width = max(
                10, min(60, len(str(name)) + 2)
            )
    return buffer.getvalue()
