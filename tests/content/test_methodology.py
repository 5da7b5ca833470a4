"""The Methodology content object: its text sections in the chosen language and, per methodology in the store,
the expander (title, open for the wave's methodology), the status line, the items and the notes."""

from __future__ import annotations

import pandas as pd
import pytest

from content import methodology
from i18n import t
from store import queries
from store.db import connect_read_only
from tests.content.conftest import make_filters


@pytest.fixture(scope="module")
def stored(demo_db_path):
    with connect_read_only(demo_db_path) as con:
        rows = queries.methodologies(con)
        trees = {m: queries.methodology_tree(con, m)[1] for m in rows["methodology_id"]}
    return rows, trees


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("year", [2019, 2024])
def test_sections_and_methodologies(store_key, stored, lang: str, year: int) -> None:
    filters = make_filters(lang, year)
    view = methodology.build(store_key, filters)
    assert view.header.title == t("methodology.title", lang)
    # the demo notice only: the page explains the breaks itself
    assert [n.text for n in view.header.notices] == [t("common.demo_notice", lang)]
    assert view.intro.text == t("methodology.intro", lang).strip()
    assert [s.title for s in view.sections] == [
        t(key, lang)
        for key in ("methodology.formulas", "methodology.stats.title", "methodology.status_table.title",
                    "methodology.breaks")
    ]  # fmt: skip
    assert view.sections[0].text.text == t("methodology.formula_text", lang).strip()

    rows, trees = stored
    suffix = "vi" if lang == "vi" else "en"
    assert [e.methodology_id for e in view.methodologies] == list(rows["methodology_id"])
    assert [e.methodology_id for e in view.methodologies if e.expanded] == [filters.methodology_id]
    for entry, row in zip(view.methodologies, rows.itertuples(), strict=True):
        assert entry.title == f"{getattr(row, 'name_' + suffix)} ({row.first_year}–{row.last_year or ''})"
        status = t(f"methodology.status_{row.formula_status}", lang)
        assert entry.status.text == t("methodology.status", lang, status=status, basis=row.legal_basis or "–")
        items = trees[row.methodology_id]
        assert entry.items.key == f"methodology-items-{row.methodology_id}"
        assert list(entry.items.frame.columns) == ["item_code", "kind", "element_code", f"text_{suffix}",
                                                  "wording_status"]  # fmt: skip
        pd.testing.assert_frame_equal(
            entry.items.frame.reset_index(drop=True),
            items[list(entry.items.frame.columns)].reset_index(drop=True),
        )
        assert entry.notes.kind == "caption" and entry.notes.text == (row.notes or "").strip()


def test_languages_differ(store_key) -> None:
    vi = methodology.build(store_key, make_filters("vi", 2024))
    en = methodology.build(store_key, make_filters("en", 2024))
    assert vi.sections[1].title != en.sections[1].title
    assert [e.items.frame.columns[3] for e in vi.methodologies] == ["text_vi"] * len(vi.methodologies)
    assert vi.methodologies[0].title != en.methodologies[0].title
