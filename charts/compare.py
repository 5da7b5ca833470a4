"""Pure plotly builder for the Compare page: the shared grouped bars with the language's separators."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.figures import component_bars


def compare_bars(
    frame: pd.DataFrame, title: str, subtitle: str, value_label: str, lang: str = "vi"
) -> go.Figure:
    """Grouped bars per index (`label`) and unit (`series`) with 95% CI whiskers (`ci_low`, `ci_high`)."""
    return component_bars(frame, title, subtitle, value_label, lang=lang)
