"""The Methodology content object: its text sections in the chosen language and, per methodology in the store,
the expander (title, open for the wave's methodology), the status line, the items and the notes."""

from __future__ import annotations

import pytest

from content import methodology
from i18n import markup, t
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
        name = getattr(row, "name_" + suffix)
        # an expander's label is markdown: the stored name escaped
        assert entry.title.startswith(markup.md(name)) and str(row.first_year) in entry.title
        assert entry.title.count(f"{row.first_year}–{row.last_year}") <= 1  # the years once, not twice
        status = t(f"methodology.status_{row.formula_status}", lang)
        basis = markup.md(row.legal_basis) if row.legal_basis else "–"  # text from the store, escaped
        assert entry.status.text == t("methodology.status", lang, status=status, basis=basis)
        items = trees[row.methodology_id]
        assert entry.items.key == f"methodology-items-{row.methodology_id}"
        frame = entry.items.frame
        columns = [t(f"methodology.items.{c}", lang) for c in ("element", "text", "kind", "wording")]
        assert list(frame.columns) == columns  # names for users, no codes
        assert frame[columns[1]].tolist() == items[f"text_{suffix}"].tolist()
        kinds = [t(f"methodology.items.kind_{k}", lang) for k in items["kind"]]
        assert frame[columns[2]].tolist() == kinds
        assert not frame[columns[0]].str.contains("_").any()  # element names, not element codes
        # notes for users in the chosen language, not the design files' English developer notes
        assert entry.notes.kind == "markdown"
        assert entry.notes.text == t(f"methodology.user_notes.{row.methodology_id}", lang).strip()
        assert "CONFIRMED" not in entry.notes.text and "SIPAS.md" not in entry.notes.text


def test_languages_differ(store_key) -> None:
    vi = methodology.build(store_key, make_filters("vi", 2024))
    en = methodology.build(store_key, make_filters("en", 2024))
    assert vi.sections[1].title != en.sections[1].title
    assert [e.items.frame.columns[1] for e in vi.methodologies] == [t("methodology.items.text", "vi")] * len(
        vi.methodologies
    )
    assert vi.methodologies[0].items.frame.iloc[0, 1] != en.methodologies[0].items.frame.iloc[0, 1]
    assert vi.methodologies[0].title != en.methodologies[0].title
