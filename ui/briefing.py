"""Briefing controls: the briefing-pack button (Overview, unit profile) and a chart's image downloads.

The pack is built on click, with a progress bar, from the same content objects the page shows; the file
is kept in the session for the filters it was built for and offered as a download. Without Chromium or
the fonts the controls say how to install them (plotly's own camera button still saves a PNG)."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache, partial

import streamlit as st

from access import audit
from briefing import build, images
from briefing.pack import stamp_for
from content.filters import NATIONAL, Filters
from content.model import Chart
from content.units import province_ids
from i18n import fmt_number, t
from ui import auth
from ui.data_access import db_key

STORE = "_sipas_briefing_file"


@lru_cache(maxsize=1)
def _preflight() -> images.ExportUnavailable | None:
    return images.preflight()


def _size(n: int, lang: str) -> str:
    return (
        f"{fmt_number(n / 1_000_000, lang, 1)} MB"
        if n >= 1_000_000
        else f"{fmt_number(n / 1000, lang, 0)} kB"
    )


def pack_button(filters: Filters, place: str, unit_id: str | None = None) -> None:
    """The 'briefing pack' menu: format, build (with progress), download. `place` keys its widgets; a
    profile passes the unit it shows (`unit_id`): packs exist for the nation and the provinces of the
    filters' geography, so a district's profile offers none."""
    if unit_id is not None and unit_id != filters.unit_id:
        if unit_id != NATIONAL and unit_id not in province_ids(db_key(), filters.geo):
            return
        filters = replace(filters, unit_id=unit_id)
    lang = filters.lang
    with st.popover(
        t("briefing.button", lang), icon=":material/slideshow:", help=t("briefing.button_help", lang)
    ):
        problem = _preflight()
        if problem is not None:
            st.warning(t("briefing.unavailable", lang, reason=problem.message(lang)))
            return
        fmt = st.radio(
            t("briefing.format", lang), build.FORMATS, horizontal=True, key=f"briefing-format-{place}",
            format_func=lambda f: t(f"briefing.format_{f}", lang),
        )  # fmt: skip
        wanted = (db_key(), filters, fmt)
        if st.button(t("briefing.build", lang), key=f"briefing-build-{place}", icon=":material/build:"):
            bar = st.progress(0.0, text=t("briefing.building", lang))
            try:
                data, pack = build.make(db_key(), filters, fmt,
                                        lambda fraction, text: bar.progress(min(fraction, 1.0), text=text))  # fmt: skip
            except images.ExportUnavailable as error:
                bar.empty()
                st.error(t("briefing.failed", lang, reason=error.message(lang)))
                return
            bar.empty()
            st.session_state[STORE] = (wanted, data, f"{pack.file_stem}.{fmt}")
            audit.record(auth.principal(), "briefing_pack", unit_id=filters.unit_id, year=filters.year,
                         detail={"format": fmt, "lang": lang, "file": f"{pack.file_stem}.{fmt}",
                                 "bytes": len(data)})  # fmt: skip
        stored = st.session_state.get(STORE)
        if stored is not None and stored[0] == wanted:
            _, data, name = stored
            st.success(t("briefing.ready", lang, size=_size(len(data), lang)))
            st.download_button(
                t("briefing.download", lang), data, file_name=name, mime=build.MIME[fmt],
                key=f"briefing-download-{place}", icon=":material/download:", on_click="ignore", type="primary",
            )  # fmt: skip


def image_buttons(item: Chart, filters: Filters) -> None:
    """PNG (2×), SVG and PDF downloads of a chart, each drawn only when clicked, stamped with its context."""
    lang = filters.lang
    problem = _preflight()
    if problem is not None:
        st.caption(t("briefing.unavailable", lang, reason=problem.message(lang)))
        return
    stamp = stamp_for(db_key(), filters)  # computed now: the click runs outside this script run
    who = auth.principal()
    with st.container(horizontal=True):
        for fmt in images.FORMATS:
            st.download_button(
                t(f"briefing.image_{fmt}", lang),
                auth.audited(partial(images.export, item, fmt, stamp), who, "export_image", filters.unit_id,
                             filters.year, {"file": f"{item.file_stem}.{fmt}"}),
                file_name=f"{item.file_stem}.{fmt}", mime=images.MIME[fmt], key=f"{item.key}-{fmt}",
                on_click="ignore", icon=":material/image:", help=t("briefing.images_help", lang),
            )  # fmt: skip
