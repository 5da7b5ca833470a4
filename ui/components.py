"""Shared Streamlit pieces: demo-data notice, KPI cards, charts with their caption and data downloads."""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from i18n import fmt_number, t
from ui.downloads import csv_bytes, xlsx_bytes
from ui.state import Filters


def demo_notice(filters: Filters) -> None:
    """The 'generated data' banner, shown on every page whose figures come from the demo."""
    if filters.data_kind == "generated":
        # a Material icon: an emoji icon makes Streamlit import its emoji table (≈0.25 s on the first run)
        st.warning(t("common.demo_notice", filters.lang), icon=":material/warning:")


def break_notes(filters: Filters) -> None:
    """Say on screen when a view crosses one of the two breaks."""
    if filters.reaggregated:
        st.info(t("common.reaggregated_notice", filters.lang, year=filters.year))
    if filters.year >= 2022:
        st.caption(t("common.methodology_2022_note", filters.lang))


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:60] or "chart"


@st.cache_data(max_entries=256, show_spinner=False)
def _export(data: pd.DataFrame, kind: str) -> bytes:
    """The CSV or XLSX file of a chart's data, cached by content across reruns and sessions."""
    return csv_bytes(data) if kind == "csv" else xlsx_bytes(data)


def chart(
    fig: go.Figure,
    data: pd.DataFrame,
    caption: str,
    key: str,
    filters: Filters,
    on_select: str = "ignore",
) -> object:
    """Show a figure, its caption (n, source) and 'data behind this chart' downloads (CSV, XLSX).

    Plotly's own PNG button is configured with a file name that says what and when. The files are cached
    by content (`_export`): writing an XLSX costs more than building the figure, on every rerun.
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
        t("common.download_csv", filters.lang), _export(data, "csv"), file_name=f"{_slug(name)}.csv",
        mime="text/csv", key=f"{key}-csv", on_click="ignore",
    )  # fmt: skip
    right.download_button(
        t("common.download_xlsx", filters.lang), _export(data, "xlsx"), file_name=f"{_slug(name)}.xlsx",
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
