"""Shared Streamlit pieces: demo-data notice, KPI cards, charts with their caption and data downloads."""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui.downloads import csv_bytes, xlsx_bytes
from ui.i18n import fmt_number, t
from ui.state import Filters


def demo_notice(filters: Filters) -> None:
    """The 'generated data' banner, shown on every page whose figures come from the demo."""
    if filters.data_kind == "generated":
        st.warning(t("common.demo_notice", filters.lang), icon="⚠️")


def break_notes(filters: Filters) -> None:
    """Say on screen when a view crosses one of the two breaks."""
    if filters.reaggregated:
        st.info(t("common.reaggregated_notice", filters.lang, year=filters.year))
    if filters.year >= 2022:
        st.caption(t("common.methodology_2022_note", filters.lang))


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:60] or "chart"


def chart(
    fig: go.Figure,
    data: pd.DataFrame,
    caption: str,
    key: str,
    filters: Filters,
    on_select: str = "ignore",
) -> object:
    """Show a figure, its caption (n, source) and 'data behind this chart' downloads (CSV, XLSX).

    Plotly's own PNG button is configured with a file name that says what and when.
    """
    name = f"sipas-{key}-{filters.year}-{filters.unit_id}".lower()
    config = {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": _slug(name), "scale": 2},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"] if on_select == "ignore" else [],
    }
    event = st.plotly_chart(fig, config=config, key=key, on_select=on_select, width="stretch")
    st.caption(caption)
    left, right, _ = st.columns([1, 1, 4])
    left.download_button(
        t("common.download_csv", filters.lang), csv_bytes(data), file_name=f"{_slug(name)}.csv",
        mime="text/csv", key=f"{key}-csv", on_click="ignore",
    )  # fmt: skip
    right.download_button(
        t("common.download_xlsx", filters.lang), xlsx_bytes(data), file_name=f"{_slug(name)}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key}-xlsx",
        on_click="ignore",
    )  # fmt: skip
    return event


def n_caption(
    filters: Filters, n: float | None, source_key: str = "common.source_demo", **extra: object
) -> str:
    """Caption text: respondents and source."""
    parts = []
    if n is not None and not pd.isna(n):
        parts.append(t("common.n_respondents", filters.lang, n=fmt_number(n, filters.lang, 0)))
    parts.append(t(source_key, filters.lang, **extra))
    return " · ".join(parts)
