"""Data (Dữ liệu): what is loaded (waves with their source, published figures), importing a file (checked
before anything is written), the microdata templates, the import history and the stored database versions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from i18n import t
from ui import components, import_panel, views
from ui import data_access as da
from ui.state import current

filters = current()
lang = filters.lang
key = da.db_key()
st.title(t("data.title", lang))
components.demo_notice(filters)


def source_text(row: pd.Series) -> str:
    """Where a wave's data came from: 'generated', or the imported file and when it was loaded."""
    if row["kind"] == "demo":
        return t("data.source_generated", lang)
    if isinstance(row["file_name"], str) and row["file_name"]:
        return t(
            "data.source_file",
            lang,
            file=row["file_name"],
            when=import_panel.when_text(row["imported_at"], lang),
        )
    if row["kind"] == "reference":
        return t("data.source_reference", lang)
    return t("data.source_unknown", lang)


st.subheader(t("data.waves", lang))
catalogue = da.wave_catalogue(key).merge(da.wave_sources(key), on="year", how="left")
catalogue["source"] = catalogue.apply(source_text, axis=1)
catalogue["data_kind"] = catalogue["data_kind"].map(lambda k: t(f"data.kind_{k}", lang))
catalogue = catalogue[["year", "methodology_id", "geo_version", "data_kind", "source", "respondents", "provinces",
                       "psus"]]  # fmt: skip
st.dataframe(catalogue.rename(columns={c: t(f"data.col_{c}", lang) for c in catalogue.columns}),
             hide_index=True, key="data-waves")  # fmt: skip

st.subheader(t("data.published", lang))
published = da.published(key).copy()
name_col = "name_vi" if lang == "vi" else "name_en"
published["profile"] = published["unit_id"].map(lambda u: views.profile_url(u, filters))
columns = [
    "year",
    name_col,
    "profile",
    "index_code",
    "value_as_published",
    "value",
    "rank",
    "measured_by",
    "source",
]
st.dataframe(
    published[columns],
    hide_index=True,
    key="data-published",
    column_config={
        "source": st.column_config.LinkColumn(t("table.source", lang)),
        "profile": st.column_config.LinkColumn(
            t("table.profile", lang), display_text=t("table.open_profile", lang)
        ),
    },
)
st.caption(t("data.published_note", lang, n=len(published)))

st.subheader(t("data.import.title", lang))
import_panel.render(filters)

st.subheader(t("data.template.title", lang))
st.caption(t("data.template.intro", lang))
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

st.subheader(t("data.history", lang))
history = import_panel.history_frame(da.import_history(key), lang)
if history.empty:
    st.caption(t("data.log.empty", lang))
else:
    st.dataframe(history, hide_index=True, key="data-history")

st.markdown(f"**{t('data.versions.title', lang)}**")
stored = import_panel.versions_frame(lang)
if stored.empty:
    st.caption(t("data.versions.none", lang))
else:
    st.dataframe(stored, hide_index=True, key="data-versions")
st.caption(t("data.versions.restore_note", lang, command="python -m ingest restore NAME"))
