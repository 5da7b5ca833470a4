"""The parts a page's content object is made of: plain, typed, serialisable values (no Streamlit).

A page's content object (`content/<page>.py`) holds everything the page shows, already computed, worded
and formatted in the chosen language; the Streamlit page lays it out and exports render the same object, so
a number in a download or a briefing always equals the number on screen. `parts(obj)` walks an object and
yields every `Chart`, `Table`, `Metric` and `Note` in it, in field order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd
import plotly.graph_objects as go

NoteKind = Literal["info", "warning", "caption", "markdown", "error"]


@dataclass(frozen=True)
class Note:
    """A sentence shown as a banner (info/warning/error), a caption, or plain text (markdown of our own
    catalogue only: text that comes from data is escaped before it is put into a note)."""

    kind: NoteKind
    text: str


@dataclass(frozen=True)
class Estimate:
    """A figure with its uncertainty: value (%), 95% CI, respondents n and Kish's effective n."""

    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    n: float | None = None
    n_eff: float | None = None


@dataclass(frozen=True)
class Metric:
    """A KPI card: label, the formatted value, an optional line under it, and the raw figure behind it."""

    label: str
    text: str
    delta: str | None = None
    estimate: Estimate | None = None


@dataclass(frozen=True)
class Link:
    """A link to a unit's profile (`focus` unit id), with its label."""

    label: str
    focus: str


@dataclass
class Table:
    """A table as shown: translated headers, numbers kept as numbers. `links` names the columns that hold
    profile URLs (column -> link text; empty text shows the URL) or source URLs."""

    key: str
    frame: pd.DataFrame
    title: str | None = None
    links: dict[str, str] = field(default_factory=dict)


@dataclass
class Chart:
    """A plotly figure from `charts/`, the data behind it (for CSV/XLSX), its caption (n, source) and a file
    stem that says what and when (sipas-<key>-<year>-<unit>)."""

    key: str
    figure: go.Figure
    data: pd.DataFrame
    caption: str
    file_stem: str
    selectable: bool = False  # a click on a unit opens its profile (map)


@dataclass
class PageHeader:
    """Title and the notices every page starts with (demo data, the two breaks)."""

    title: str
    notices: list[Note] = field(default_factory=list)


Part = Chart | Table | Metric | Note | Link


def parts(obj: object) -> Iterator[Part]:
    """Every Chart, Table, Metric, Note and Link inside a content object, in field order (depth first)."""
    if isinstance(obj, Chart | Table | Metric | Note | Link):
        yield obj
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from parts(getattr(obj, f.name))
    elif isinstance(obj, list | tuple):
        for item in obj:
            yield from parts(item)
    elif isinstance(obj, dict):
        for item in obj.values():
            yield from parts(item)
