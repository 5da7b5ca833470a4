"""Compare (So sánh): two to four units side by side on every index, with pairwise tests.

Difference of two units on one index (independent samples): d = v_a − v_b, se_d = √(se_a² + se_b²),
z = d / se_d, p = 2 · (1 − Φ(|z|)); "significant" when p < 0.05 (one test per pair and index).
"""

from __future__ import annotations

from itertools import combinations

import pandas as pd
import streamlit as st

from analysis.change import difference
from charts.compare import compare_bars
from i18n import fmt_ci, fmt_pct, fmt_signed, t
from ui import components, views
from ui import data_access as da
from ui.state import NATIONAL, current, translate_unit

KEY = "compare-choice"
Z_95 = 1.959963984540054


filters = current()
lang = filters.lang
st.title(t("compare.title", lang))
components.demo_notice(filters)
components.break_notes(filters)

frame = views.results(filters)
options = sorted(frame["unit_id"].unique(), key=lambda u: views.unit_display(u, filters))
units = da.units(da.db_key()).set_index("unit_id")
anchor = filters.unit_id if filters.unit_id in options else None


def fill(chosen: list[str]) -> None:
    """Put the anchor unit first and up to three peers into the selection."""
    picked = [u for u in dict.fromkeys([anchor, *sorted(chosen)]) if u in options][:4]
    st.session_state[KEY] = picked


def same_region() -> None:
    """Provinces of the anchor's region (admin_unit.region_id)."""
    region = units.loc[anchor, "region_id"]
    fill([u for u in options if u in units.index and units.loc[u, "region_id"] == region])


def same_new_province() -> None:
    """Former provinces (P63) merged into the anchor's 2025 province (crosswalk P63 -> P34)."""
    cw = da.crosswalk(da.db_key())
    cw = cw[cw["old_unit_id"].str.startswith("P63-") & cw["new_unit_id"].str.startswith("P34-")]
    successor = translate_unit(anchor, "34")
    fill(list(cw.loc[cw["new_unit_id"] == successor, "old_unit_id"].unique()))


left, right = st.columns(2)
left.button(t("compare.same_region", lang), on_click=same_region, disabled=anchor is None or anchor == NATIONAL,
            key="compare-same-region")  # fmt: skip
right.button(t("compare.same_new_province", lang), on_click=same_new_province, key="compare-same-new",
             disabled=anchor is None or not anchor.startswith("P63-"), help=t("compare.same_new_help", lang))  # fmt: skip
if KEY in st.session_state:
    st.session_state[KEY] = [u for u in st.session_state[KEY] if u in options]
    default = None
else:
    default = [u for u in [filters.unit_id] if u in options] or options[:1]
    default += [u for u in options if u not in default][:1]
chosen = st.multiselect(t("compare.choose", lang), options, default=default, max_selections=4,
                        format_func=lambda u: views.unit_display(u, filters), key=KEY)  # fmt: skip
if len(chosen) < 2:
    st.info(t("compare.need_two", lang))
    st.stop()
parts = views.label_indices(frame[frame["unit_id"].isin(chosen)], filters)
parts = parts[parts["index_level"].isin(["overall", "domain", "element"])].copy()
parts["series"] = parts["unit_id"].map(lambda u: views.unit_display(u, filters))
parts["label"] = parts["index_name"]
parts["hover"] = parts.apply(lambda r: views.hover(r, lang, f"{r['series']} · {r['index_name']}"), axis=1)
fig = compare_bars(parts, t("compare.chart_title", lang, year=filters.year), t("compare.chart_subtitle", lang),
                   t("common.index_pct", lang), lang)  # fmt: skip
components.chart(
    fig,
    parts[["series", "unit_id", "index_code", "index_name", "value", "ci_low", "ci_high", "n"]],
    components.n_caption(filters, parts.groupby("unit_id")["n"].max().sum()),
    "compare-units",
    filters,
)

st.subheader(t("compare.diff_title", lang))
rows = []
indexed = parts.set_index(["unit_id", "index_code"])
for a, b in combinations(chosen, 2):
    for code in parts["index_code"].drop_duplicates():
        if (a, code) not in indexed.index or (b, code) not in indexed.index:
            continue
        ra, rb = indexed.loc[(a, code)], indexed.loc[(b, code)]
        test = difference(ra, rb)
        ci = (test["difference"] - Z_95 * test["se"], test["difference"] + Z_95 * test["se"])
        rows.append(
            {
                t("compare.col_index", lang): ra["index_name"],
                t("compare.col_unit_a", lang): views.unit_display(a, filters),
                t("compare.col_unit_b", lang): views.unit_display(b, filters),
                t("compare.col_value_a", lang): fmt_pct(ra["value"], lang),
                t("compare.col_value_b", lang): fmt_pct(rb["value"], lang),
                t("compare.col_diff", lang): fmt_signed(test["difference"], lang),
                t("compare.col_diff_ci", lang): fmt_ci(*ci, lang) if test["verdict"] != "untested" else "–",
                t("compare.col_verdict", lang): t(f"compare.diff_verdict.{test['verdict']}", lang),
            }
        )
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
st.caption(t("compare.diff_note", lang))
