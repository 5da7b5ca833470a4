"""Streamlit renderers for content parts: notices, KPI cards, tables, charts with their caption and data
downloads. They lay out what `content/` computed and add no numbers or words of their own."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from content.model import Chart, Metric, Note, PageHeader, Table
from i18n import t
from ui.downloads import csv_bytes, xlsx_bytes


def note(item: Note | None, container: object = st) -> None:
    """Show a note as a banner, caption or text."""
    if item is None:
        return
    if item.kind == "warning":
        # a Material icon: an emoji icon makes Streamlit import its emoji table (≈0.25 s on the first run)
        container.warning(item.text, icon=":material/warning:")
    elif item.kind == "info":
        container.info(item.text)
    elif item.kind == "error":
        container.error(item.text)
    elif item.kind == "caption":
        container.caption(item.text)
    else:
        container.markdown(item.text)


def notes(items: list[Note], container: object = st) -> None:
    """Show several notes in order."""
    for item in items:
        note(item, container)


def header(head: PageHeader) -> None:
    """Title and notices (demo data, breaks)."""
    st.title(head.title)
    notes(head.notices)


def metrics(items: list[Metric]) -> None:
    """KPI cards side by side."""
    if not items:
        return
    for column, item in zip(st.columns(len(items)), items, strict=True):
        column.metric(item.label, item.text, item.delta, delta_color="off", delta_arrow="off")


def table(item: Table | None, container: object = st, lang: str = "vi") -> None:
    """A table with its title; link columns become links (profile links show a short text)."""
    if item is None:
        return
    if item.title:
        container.markdown(f"**{item.title}**")
    config = {
        column: st.column_config.LinkColumn(
            t("table.profile", lang) if column == "profile" else column, display_text=text or None
        )
        for column, text in item.links.items()
    }
    container.dataframe(item.frame, hide_index=True, key=item.key, column_config=config or None)


@st.cache_data(max_entries=256, show_spinner=False)
def _export(data: pd.DataFrame, kind: str) -> bytes:
    """The CSV or XLSX file of a chart's data, cached by content across reruns and sessions."""
    return csv_bytes(data) if kind == "csv" else xlsx_bytes(data)


def chart(item: Chart | None, lang: str) -> object:
    """Show a figure, its caption (n, source) and 'data behind this chart' downloads (CSV, XLSX).

    Plotly's own PNG button is configured with the chart's file stem. A selectable chart (the map) returns
    the selection event."""
    if item is None:
        return None
    on_select = "rerun" if item.selectable else "ignore"
    config = {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": item.file_stem, "scale": 2},
        "modeBarButtonsToRemove": [] if item.selectable else ["lasso2d", "select2d"],
    }
    event = st.plotly_chart(item.figure, config=config, key=item.key, on_select=on_select, width="stretch")
    st.caption(item.caption)
    left, right, _ = st.columns([1, 1, 4])
    left.download_button(
        t("common.download_csv", lang), _export(item.data, "csv"), file_name=f"{item.file_stem}.csv",
        mime="text/csv", key=f"{item.key}-csv", on_click="ignore",
    )  # fmt: skip
    right.download_button(
        t("common.download_xlsx", lang), _export(item.data, "xlsx"), file_name=f"{item.file_stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{item.key}-xlsx",
        on_click="ignore",
    )  # fmt: skip
    return event
