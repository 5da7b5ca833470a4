"""Methodology (Phương pháp): definitions, formulas, what is confirmed and what is assumed, and every loaded
methodology with its status and its items (`content.source.methodologies`, `content.source.methodology_tree`)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

import pandas as pd

from content import common, source
from content.filters import Filters
from content.model import Note, PageHeader, Table
from content.source import StoreKey
from i18n import has, markup, t

# (subheader key, text key) of the text sections after the introduction, in page order
SECTIONS = (
    ("methodology.formulas", "methodology.formula_text"),
    ("methodology.stats.title", "methodology.stats.text"),
    ("methodology.status_table.title", "methodology.status_table.text"),
    ("methodology.breaks", "methodology.breaks_text"),
)
ITEM_KINDS = ("satisfaction", "outcome", "perception", "expectation")


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
    status line (formula status and legal basis), its items and its notes. The title and the status are
    markdown (an expander's label is): the name and the legal basis read from the store are escaped
    (`i18n.markup.md`)."""

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
               basis=markup.md(row.legal_basis) if row.legal_basis else "–")  # fmt: skip
    components, items = source.methodology_tree(key, row.methodology_id)
    names = dict(zip(components["component_code"], components[f"name_{suffix}"], strict=True))
    frame = pd.DataFrame(
        {
            t("methodology.items.element", lang): items["element_code"].map(
                lambda c: (
                    names.get(c, t("methodology.items.no_element", lang))
                    if isinstance(c, str)
                    else t("methodology.items.no_element", lang)
                )
            ),  # fmt: skip
            t("methodology.items.text", lang): items[f"text_{suffix}"],
            t("methodology.items.kind", lang): items["kind"].map(
                lambda k: t(f"methodology.items.kind_{k}", lang)
            ),
            t("methodology.items.wording", lang): items["wording_status"].map(
                lambda w: t(f"methodology.items.wording_{w}", lang)
            ),
        }
    )
    years = f"{row.first_year}–{row.last_year}" if row.last_year and row.last_year != row.first_year else (
        str(row.first_year))  # fmt: skip
    name = str(getattr(row, "name_" + suffix))
    title = name if years in name else f"{name} ({years})"
    notes_key = f"methodology.user_notes.{row.methodology_id}"
    return MethodologyEntry(
        methodology_id=row.methodology_id,
        title=markup.md(title),
        expanded=row.methodology_id == filters.methodology_id,
        status=Note("markdown", _clean(status)),
        items=Table(f"methodology-items-{row.methodology_id}", frame),
        notes=Note("markdown", _clean(t(notes_key, lang)) if has(notes_key, lang) else ""),
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
