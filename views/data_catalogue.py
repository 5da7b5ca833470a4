"""Data (Dữ liệu): lays out `content.data_catalogue` (what is loaded: waves with their source, published
figures; the import history and the stored database versions) around the interactive import form (checked
before anything is written) and the microdata template downloads (`ui.import_panel`)."""

from __future__ import annotations

import streamlit as st

from content import audit_log
from content import data_catalogue as page
from i18n import t
from ui import auth, import_panel, versions_panel
from ui import components as ui
from ui.page_content import load
from ui.state import current

audit_actions = audit_log.ACTIONS
filters = current()
lang = filters.lang
view = load(page.build, filters, stored=versions_panel.token())
ui.header(view.header)

st.subheader(view.waves_title)
ui.table(view.waves, st, lang)

st.subheader(view.published_title)
ui.table(view.published, st, lang)
ui.note(view.published_note)

ui.note(view.access_note)
if view.import_title is None:  # a visitor: the catalogue only
    st.stop()

st.subheader(view.import_title)
import_panel.render(filters, auth.principal())

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
ui.note(view.versions_rule)
versions_panel.render(view, auth.principal(), lang)
ui.note(view.restore_note)

if view.audit_title:  # administrators
    st.subheader(view.audit_title)
    left, right = st.columns(2)
    days = left.selectbox(t("data.audit.period_label", lang), audit_log.PERIODS, index=1, key="data-audit-days",
                          format_func=lambda d: t("data.audit.period", lang, days=d))  # fmt: skip
    action = right.selectbox(t("data.audit.action_label", lang), ("", *audit_actions), key="data-audit-action",
                             format_func=lambda a: t("data.audit.all_actions", lang) if not a
                             else t(f"data.audit.action.{a}", lang))  # fmt: skip
    log = audit_log.build(filters.scope, lang, days, action or None)
    ui.note(log.intro)
    ui.note(log.chain)
    ui.note(log.empty)
    ui.table(log.table, st, lang)
