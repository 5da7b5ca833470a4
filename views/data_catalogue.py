"""Data (Dữ liệu): what is loaded — waves, respondents, published figures with sources, import history."""

from __future__ import annotations

import streamlit as st

from ui import components, views
from ui import data_access as da
from ui.i18n import t
from ui.state import current

filters = current()
lang = filters.lang
st.title(t("data.title", lang))
components.demo_notice(filters)

st.subheader(t("data.waves", lang))
catalogue = da.wave_catalogue(da.db_key()).copy()
catalogue["data_kind"] = catalogue["data_kind"].map(lambda k: t(f"data.kind_{k}", lang))
st.dataframe(catalogue.rename(columns={c: t(f"data.col_{c}", lang) for c in catalogue.columns}),
             hide_index=True, key="data-waves")  # fmt: skip

st.subheader(t("data.published", lang))
published = da.published(da.db_key()).copy()
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

st.subheader(t("data.history", lang))
st.dataframe(da.import_history(da.db_key()), hide_index=True, key="data-history")
