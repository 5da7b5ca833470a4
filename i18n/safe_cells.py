"""Cells made safe for spreadsheets: text that a spreadsheet could run as a formula gets an apostrophe in
front (OWASP "CSV injection"). The one neutraliser of every CSV and XLSX the app writes, at the bottom of the
layers so the screen's downloads (`ui.downloads`) and the command lines (`access.cli` audit export) share it.
"""

from __future__ import annotations

import pandas as pd

# what a spreadsheet may run as a formula when a text cell starts with it (OWASP "CSV injection"), also after
# leading whitespace ('  =cmd'); the full-width forms some spreadsheets accept as well
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def is_formula(text: str) -> bool:
    """Whether a spreadsheet could read text as a formula: it starts with one of FORMULA_PREFIXES, itself
    or after leading whitespace (a tab or carriage return counts as such a start)."""
    return text.startswith(FORMULA_PREFIXES) or text.lstrip().startswith(FORMULA_PREFIXES)


def neutralise_formula(value: object) -> object:
    """Text that a spreadsheet could run as a formula, prefixed with an apostrophe (OWASP CSV injection):
    '=1' -> "'=1", '  =1' -> "'  =1"; other text and every number (negative ones too) unchanged. The one
    neutraliser of every CSV and XLSX the app writes (`ui.downloads.csv_bytes`, `xlsx_bytes`, `access.cli`)."""
    if isinstance(value, str) and is_formula(value):
        return "'" + value
    return value


def is_text_column(series: pd.Series) -> bool:
    """Whether a column can hold text: object, string or categorical (numbers, booleans, dates cannot)."""
    dtype = series.dtype
    types = pd.api.types
    return (
        types.is_object_dtype(dtype) or types.is_string_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype)
    )


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of `frame` with every text cell (and column name) neutralised; numbers are left as numbers, also
    inside a column that mixes text and numbers."""
    out = frame.copy()
    for column in out.columns:
        if is_text_column(out[column]):
            out[column] = out[column].astype(object).map(neutralise_formula)
    out.columns = [neutralise_formula(str(c)) for c in out.columns]
    return out
