"""Pure plotly builder for the Compare page: every index of two to four units as dots with 95% interval
whiskers, dodged within the index's row (one colour and one marker shape per unit, legend above the plot)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.figures import interval_dots, wrap
from charts.palette import SERIES_COLOURS


def compare_bars(
    frame: pd.DataFrame, title: str, subtitle: str, value_label: str, lang: str = "vi",
    target_label: str | None = None,
) -> go.Figure:  # fmt: skip
    """One row per index (`index_code`, named `label`), one dot per unit (`series`, in order of first
    appearance) with whiskers `ci_low`–`ci_high`, hover text `hover`; `hollow` (optional, bool) draws an
    open dot for a figure too uncertain to read."""
    order = list(dict.fromkeys(frame["series"]))
    colour = {s: SERIES_COLOURS[k % len(SERIES_COLOURS)] for k, s in enumerate(order)}
    data = pd.DataFrame(
        {
            "key": frame["index_code"].to_numpy(),
            "tick": frame["label"].map(lambda s: wrap(s, 32, 2)).to_numpy(),
            "series": frame["series"].to_numpy(),
            "value": frame["value"].astype(float).to_numpy(),
            "ci_low": frame["ci_low"].astype(float).to_numpy(),
            "ci_high": frame["ci_high"].astype(float).to_numpy(),
            "hover": frame["hover"].to_numpy(),
            "colour": frame["series"].map(colour).to_numpy(),
            "hollow": (
                frame["hollow"] if "hollow" in frame else pd.Series(False, index=frame.index)
            ).to_numpy(),
        }
    )
    return interval_dots(data, title, subtitle, value_label, target_label=target_label, lang=lang)
