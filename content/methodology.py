"""Methodology (Phương pháp): definitions, formulas, what is confirmed and what is assumed, and every loaded
methodology with its status and its items (`content.source.methodologies`, `content.source.methodology_tree`)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from content import common, source
from content.filters import Filters
from content.model import Note, PageHeader, Table
from content.source import StoreKey
from i18n import t

# (subheader key, text key) of the text sections after the introduction, in page order
SECTIONS = (
    ("methodology.formulas", "methodology.formula_text"),
    ("methodology.stats.title", "methodology.stats.text"),
    ("methodology.status_table.title", "methodology.status_table.text"),
    ("methodology.breaks", "methodology.breaks_text"),
)
ITEM_COLUMNS = ("item_code", "kind", "element_code", "text", "wording_status")  # text_vi / text_en


def _clean(text: str) -> str:
    """Text as Streamlit shows it (dedented, without surrounding blank lines): the note equals the screen."""
    return textwrap.dedent(text).strip()


@dataclass
class Section:
    """A subheader and its text (markdown of our own catalogue)."""

    title: str
    text: Note


@dataclass
class MethodologyEntry:
    """One methodology as an expander: its title, whether it starts open (the wave's own methodology), the
    status line (formula status and legal basis), its items and its notes."""

    methodology_id: str
    title: str
    expanded: bool
    status: Note
    items: Table
    notes: Note


@dataclass
class MethodologyContent:
    """Everything the Methodology page shows."""

    header: PageHeader
    intro: Note
    sections: list[Section] = field(default_factory=list)
    methodologies: list[MethodologyEntry] = field(default_factory=list)


def _entry(key: StoreKey, filters: Filters, row: object) -> MethodologyEntry:
    """The expander of one methodology row (`content.source.methodologies`)."""
    lang = filters.lang
    suffix = "vi" if lang == "vi" else "en"
    status = t("methodology.status", lang, status=t(f"methodology.status_{row.formula_status}", lang),
               basis=row.legal_basis or "–")  # fmt: skip
    _, items = source.methodology_tree(key, row.methodology_id)
    columns = [f"text_{suffix}" if c == "text" else c for c in ITEM_COLUMNS]
    return MethodologyEntry(
        methodology_id=row.methodology_id,
        title=f"{getattr(row, 'name_' + suffix)} ({row.first_year}–{row.last_year or ''})",
        expanded=row.methodology_id == filters.methodology_id,
        status=Note("markdown", _clean(status)),
        items=Table(f"methodology-items-{row.methodology_id}", items[columns]),
        notes=Note("caption", _clean(row.notes or "")),
    )


def build(key: StoreKey, filters: Filters) -> MethodologyContent:
    """The Methodology page in the filters' language; the wave's methodology starts expanded."""
    lang = filters.lang
    return MethodologyContent(
        header=common.header(filters, "methodology.title", breaks=False),
        intro=Note("markdown", _clean(t("methodology.intro", lang))),
        sections=[
            Section(t(title, lang), Note("markdown", _clean(t(text, lang)))) for title, text in SECTIONS
        ],
        methodologies=[_entry(key, filters, row) for row in source.methodologies(key).itertuples()],
    )
