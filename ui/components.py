"""Streamlit renderers for content parts: notices, KPI cards, tables, charts with their caption and data
downloads. They lay out what `content/` computed and add no numbers or words of their own; numbers in
tables are shown in the format of the chosen language (vi: 84,50 and 36.525), like every other number."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from content.cells import column_formatter
from content.exports import export_frame, export_header, table_export
from content.model import Chart, Metric, Note, PageHeader, Table
from i18n import t
from i18n.plotly_locale import plotly_locale
from ui import auth
from ui.briefing import image_buttons
from ui.data_access import db_key
from ui.downloads import csv_bytes, xlsx_bytes
from ui.state import current

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# plotly tools a leader needs: zoom, pan, reset, save as image (select/lasso/spikes only confuse)
MODEBAR_REMOVE = ["lasso2d", "select2d", "toggleSpikelines", "hoverClosestCartesian", "hoverCompareCartesian",
                  "zoomIn2d", "zoomOut2d", "autoScale2d", "hoverClosestGeo", "hoverClosestGl2d"]  # fmt: skip


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


def styled_frame(frame: pd.DataFrame, lang: str, uuid: str = "table") -> tuple[object, dict]:
    """The frame as shown: a pandas Styler with the frame's numbers in the language's format (values stay
    sortable) and its uuid fixed (the table's key, so a run gives the same element every time), plus column
    settings. Streamlit draws a missing number as "None" whatever the Styler says, so a numeric column with
    gaps is shown as formatted text ("–" for a gap), right-aligned."""
    shown = frame.copy()
    config: dict = {}
    formats = {}
    for column in frame.columns:
        formatter = column_formatter(frame[column], lang)
        if formatter is None:
            if frame[column].isna().any():
                shown[column] = (
                    frame[column].map(lambda v: "–" if v is None or pd.isna(v) else v).astype(object)
                )
            continue
        if frame[column].isna().any():
            shown[column] = frame[column].map(formatter).astype(object)
            config[column] = st.column_config.TextColumn(alignment="right")
        else:
            formats[column] = formatter
    return shown.style.set_uuid(uuid).format(formats), config


@st.cache_data(max_entries=256, show_spinner=False)
def _file(
    data: pd.DataFrame, head: tuple[tuple[str, str], ...], kind: str, lang: str, chart: bool = False,
    links: tuple[str, ...] = (),
) -> bytes:  # fmt: skip
    """A CSV or XLSX file, cached by content across reruns and sessions; a chart's data is first put in the
    reader's terms (`content.exports.export_frame`), a table's profile links become unit codes
    (`content.exports.table_export`)."""
    block = list(head)
    if chart:  # every row says where it comes from: the header block's source when the data has no flags
        data = export_frame(data, lang, source=dict(block).get(t("export.source", lang)))
    else:
        data = table_export(data, dict.fromkeys(links, ""), lang)
    return csv_bytes(data, block, lang) if kind == "csv" else xlsx_bytes(data, header=block)


def _downloads(
    data: pd.DataFrame, head: list[tuple[str, str]], stem: str, key: str, lang: str, chart: bool = False,
    links: tuple[str, ...] = (),
) -> None:  # fmt: skip
    """CSV and XLSX buttons side by side; each file is made only when its button is clicked (a callable
    `data`), so a page with many tables and charts does not build files nobody asked for."""
    block = tuple(head)
    filters = current()
    who = auth.principal()  # bound now: the click that makes the file runs outside this script run

    def audited(fmt: str) -> object:
        return auth.audited(partial(_file, data, block, fmt, lang, chart, links), who, "export_table",
                            filters.unit_id, filters.year, {"file": f"{stem}.{fmt}", "table": key})  # fmt: skip

    with st.container(horizontal=True):
        st.download_button(
            t("common.download_csv", lang), audited("csv"),
            file_name=f"{stem}.csv", mime="text/csv", key=f"{key}-csv", on_click="ignore",
        )  # fmt: skip
        st.download_button(
            t("common.download_xlsx", lang), audited("xlsx"),
            file_name=f"{stem}.xlsx", mime=XLSX_MIME, key=f"{key}-xlsx", on_click="ignore",
        )  # fmt: skip


def table(item: Table | None, container: object = st, lang: str = "vi", download: bool = True) -> None:
    """A table with its title, numbers in the language's format; link columns become links (profile links
    show a short text); a 'download table' menu gives it as CSV/XLSX with what/where/when in the file."""
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
    if item.frame.empty:  # Streamlit would draw an empty grid saying "empty" (in English)
        container.caption(t("table.empty", lang))
        return
    styler, settings = styled_frame(item.frame, lang, item.key)
    config = settings | config
    container.dataframe(styler, hide_index=True, key=item.key, column_config=config or None)
    if download and len(item.frame):
        filters = current()
        head = export_header(db_key(), filters, item.title or t("export.download", lang))
        stem = f"sipas-{item.key}-{filters.year}-{filters.unit_id}".lower()
        with container.popover(t("export.download", lang), icon=":material/download:", help=None):
            st.caption(t("export.download_help", lang))
            _downloads(item.frame, head, stem, item.key, lang, links=tuple(item.links))


def chart(item: Chart | None, lang: str) -> object:
    """Show a figure, its caption (n, source) and 'data behind this chart' downloads (CSV, XLSX), the data
    in the chosen language with a header block (title, unit, year, source, demo notice).

    Plotly's toolbar speaks the chosen language (`i18n.plotly_locale`) and saves a PNG named by the chart's
    file stem. A selectable chart (the map) returns the selection event."""
    if item is None:
        return None
    on_select = "rerun" if item.selectable else "ignore"
    config = {
        "displaylogo": False,
        "locale": lang,
        "locales": {lang: plotly_locale(lang)},
        "toImageButtonOptions": {"format": "png", "filename": item.file_stem, "scale": 2},
        "modeBarButtonsToRemove": [b for b in MODEBAR_REMOVE if not item.selectable or "2d" not in b[-2:]],
    }
    event = st.plotly_chart(item.figure, config=config, key=item.key, on_select=on_select, width="stretch")
    st.caption(item.caption)
    title = str(item.figure.layout.title.text or "")
    head = export_header(db_key(), current(), title, item.caption)
    _downloads(item.data, head, item.file_stem, item.key, lang, chart=True)
    image_buttons(item, current())
    return event
