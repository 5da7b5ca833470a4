"""How a table's cells read in the chosen language (no Streamlit): the one formatter the screen and the
briefing packs share, so a number in a slide's table is the text of the screen's table.

Numeric columns: years as plain integers (2024), other whole-number columns with thousands separators
(vi 36.525), other numbers with 2 decimals (vi 84,50); a gap reads "–". Text columns are kept; a gap reads "–".
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd

from i18n import fmt_number

GAP = "–"


def is_year(series: pd.Series) -> bool:
    """Whole numbers that are years (shown without a thousands separator)."""
    values = series.dropna()
    return len(values) > 0 and bool(values.between(1900, 2100).all())


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def column_formatter(series: pd.Series, lang: str) -> Callable[[object], str] | None:
    """How a numeric column is shown in `lang`; None for text columns."""
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        return None
    values = series.dropna()
    whole = pd.api.types.is_integer_dtype(series) or bool((values == values.round(0)).all() and len(values))
    if whole and is_year(series):
        return lambda v: GAP if _missing(v) else str(int(v))  # type: ignore[call-overload]
    decimals = 0 if pd.api.types.is_integer_dtype(series) else 2
    return lambda v: GAP if _missing(v) else fmt_number(float(v), lang, decimals)  # type: ignore[arg-type]


def cell_texts(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every cell of `frame` as the text the screen shows (numbers in the language's format, gaps "–")."""
    shown = {}
    for column in frame.columns:
        formatter = column_formatter(frame[column], lang)
        if formatter is None:
            shown[column] = [GAP if _missing(v) else str(v) for v in frame[column].tolist()]
        else:
            shown[column] = [formatter(v) for v in frame[column].tolist()]
    return pd.DataFrame(shown, index=frame.index, columns=frame.columns)
