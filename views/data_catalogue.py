"""Data (Dữ liệu): lays out `content.data_catalogue` (what is loaded: waves with their source, published
figures; the import history and the stored database versions) around the interactive import form (checked
before anything is written) and the microdata template downloads (`ui.import_panel`)."""

from __future__ import annotations

import streamlit as st

from content import data_catalogue as page
from i18n import t
from ui import components as ui
from ui import import_panel
from ui.page_content import load
from ui.state import current

filters = current()
lang = filters.lang
view = load(page.build, filters)
ui.header(view.header)

st.subheader(view.waves_title)
ui.table(view.waves, st, lang)

st.subheader(view.published_title)
ui.table(view.published, st, lang)
ui.note(view.published_note)

st.subheader(view.import_title)
import_panel.render(filters)

st.subheader(view.template_title)
ui.note(view.template_intro)
template_years = import_panel.microdata_years()
left, right = st.columns([1, 3], vertical_alignment="bottom")
template_year = left.selectbox(t("data.template.year", lang), template_years, key="data-template-year",
                               index=template_years.index(filters.year) if filters.year in template_years else 0)  # fmt: skip
xlsx, csv_zip = import_panel.template_files(template_year)
buttons = right.container(horizontal=True)
buttons.download_button(
    t("data.template.xlsx", lang),
    xlsx,
    file_name=f"sipas_mau_nhap_{template_year}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="data-template-xlsx",
    on_click="ignore",
)
buttons.download_button(
    t("data.template.csv", lang),
    csv_zip,
    file_name=f"sipas_mau_nhap_{template_year}_csv.zip",
    mime="application/zip",
    key="data-template-csv",
    help=t("data.template.csv_help", lang),
    on_click="ignore",
)

st.subheader(view.history_title)
ui.note(view.history_empty)
ui.table(view.history, st, lang)

ui.note(view.versions_title)
ui.note(view.versions_none)
ui.table(view.versions, st, lang)
ui.note(view.restore_note)
