"""Methodology (Phương pháp): definitions, formulas, what is confirmed and what is assumed."""

from __future__ import annotations

import streamlit as st

from i18n import t
from ui import components
from ui import data_access as da
from ui.state import current

filters = current()
lang = filters.lang
st.title(t("methodology.title", lang))
components.demo_notice(filters)
st.markdown(t("methodology.intro", lang))
st.subheader(t("methodology.formulas", lang))
st.markdown(t("methodology.formula_text", lang))
st.subheader(t("methodology.stats.title", lang))
st.markdown(t("methodology.stats.text", lang))
st.subheader(t("methodology.status_table.title", lang))
st.markdown(t("methodology.status_table.text", lang))
st.subheader(t("methodology.breaks", lang))
st.markdown(t("methodology.breaks_text", lang))

methods = da.methodologies(da.db_key())
suffix = "vi" if lang == "vi" else "en"
for row in methods.itertuples():
    with st.expander(f"{getattr(row, 'name_' + suffix)} ({row.first_year}–{row.last_year or ''})",
                     expanded=row.methodology_id == filters.methodology_id):  # fmt: skip
        st.markdown(t("methodology.status", lang, status=t(f"methodology.status_{row.formula_status}", lang),
                      basis=row.legal_basis or "–"))  # fmt: skip
        components_, items = da.methodology_tree(da.db_key(), row.methodology_id)
        table = items[["item_code", "kind", "element_code", f"text_{suffix}", "wording_status"]]
        st.dataframe(table, hide_index=True, key=f"methodology-items-{row.methodology_id}")
        st.caption(row.notes or "")
