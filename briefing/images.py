"""Charts as files: PNG (2× for slides), SVG and PDF, drawn server-side by kaleido in Debian's Chromium.

One kaleido server per process, started on first use and kept warm (a first image costs about 2 s, the
next ones 0.1–0.5 s); calls are serialised by a lock (kaleido's server answers one caller at a time).
Before the first image the fonts are checked (`briefing.fonts`) and a probe image must show ink where its
title is; every PNG is checked the same way. An image whose text was not drawn raises `TextNotRendered`.

The exported copy of a figure carries its context in the title block: the chart's own title and subtitle,
then "unit · year · n · source" and, for generated data, the demo-data notice (`stamped`).
"""

from __future__ import annotations

import copy
import io
import os
import shutil
import textwrap
import threading
from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go

from briefing import fonts, text
from briefing.errors import ExportUnavailable, TextNotRendered
from content.model import Chart
from i18n import markup, t

FORMATS = ("png", "svg", "pdf")
MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
WIDTH = 1100  # px of an exported chart (the screen's width of a wide chart)
PNG_SCALE = 2  # slides: 2× pixels
STAMP_FONT = 12
STAMP_LINE = 17  # px per stamp line
INSTALL = "sudo apt-get install chromium fonts-noto-core fonts-dejavu-core"
_TIMEOUT = 90


@dataclass(frozen=True)
class Stamp:
    """What an exported chart says about itself beyond its title: unit, year, n and source (the chart's
    caption), and the demo-data notice when the data are generated."""

    unit: str
    year: str
    notice: str | None = None


def chromium_path() -> Path | None:
    """Debian's Chromium: $CHROMIUM_PATH, else `chromium` on PATH, else None."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return Path(configured) if Path(configured).is_file() and os.access(configured, os.X_OK) else None
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return Path(found) if found else None


def _unavailable(key: str, **values: object) -> ExportUnavailable:
    values = {"install": INSTALL, **values}
    return ExportUnavailable(t(key, "vi", **values), t(key, "en", **values))


def _no_text() -> TextNotRendered:
    return TextNotRendered(*(t("briefing.text_not_rendered", lang, install=INSTALL) for lang in ("vi", "en")))


_lock = threading.Lock()
_state: dict[str, object] = {}


def _start() -> None:
    """Start the warm kaleido server once per process (fonts checked, a probe image must show text)."""
    if _state.get("ready"):
        return
    problem = preflight()
    if problem is not None:
        raise problem
    browser = chromium_path()
    os.environ["BROWSER_PATH"] = str(browser)  # choreographer (kaleido's browser driver) reads it
    import kaleido  # noqa: PLC0415  (imported on first use: the app starts without it)

    kaleido.start_sync_server(mathjax=False, timeout=_TIMEOUT, silence_warnings=True)
    _state["kaleido"] = kaleido
    probe = go.Figure(layout={"title": {"text": "Ệ Hà Nội ĐẮK"}, "font": {"family": fonts.FIGURE_FONT, "size": 24},
                              "width": 320, "height": 120, "margin": {"t": 60, "b": 0, "l": 0, "r": 0},
                              "xaxis": {"visible": False}, "yaxis": {"visible": False}})  # fmt: skip
    image = _render(probe, "png", 320, 120, 1)
    if not has_ink(image, (0, 0, 320, 60)):
        raise _no_text()
    _state["ready"] = True


def _render(figure: go.Figure, fmt: str, width: int, height: int, scale: float) -> bytes:
    kaleido = _state["kaleido"]
    opts = {"format": fmt, "width": width, "height": height, "scale": scale}
    return kaleido.calc_fig_sync(figure, opts=opts)  # type: ignore[attr-defined]


def preflight() -> ExportUnavailable | None:
    """None when Chromium and the fonts are there, else the reason; cheap (does not start the server), for
    deciding whether to offer image buttons."""
    if chromium_path() is None:
        return _unavailable("briefing.no_chromium", path=os.environ.get("CHROMIUM_PATH", "chromium"))
    try:
        fonts.check()
    except ExportUnavailable as error:
        return error
    return None


def status() -> ExportUnavailable | None:
    """None when charts can be exported here, else the reason (starts the server on first call)."""
    try:
        with _lock:
            _start()
    except ExportUnavailable as error:
        return error
    return None


def stop() -> None:
    """Stop the warm server (tests that change the environment start a fresh one)."""
    with _lock:
        kaleido = _state.pop("kaleido", None)
        _state.clear()
        if kaleido is not None:
            kaleido.stop_sync_server(silence_warnings=True)  # type: ignore[attr-defined]


def has_ink(image: bytes, box: tuple[int, int, int, int], minimum: int = 40) -> bool:
    """Whether the PNG `image` has at least `minimum` dark pixels (grey < 140) inside `box` (l, t, r, b)."""
    from PIL import Image  # noqa: PLC0415

    with Image.open(io.BytesIO(image)) as picture:
        grey = picture.convert("L").crop(box)
        return sum(grey.point(lambda v: 255 if v < 140 else 0).histogram()[255:]) >= minimum


def _stamp_lines(chart: Chart, stamp: Stamp, width: int) -> list[tuple[str, str]]:
    """The stamp's lines (HTML-escaped words, colour): unit, year and the caption (markdown on screen: its
    plain words here), then the notice."""
    chars = max(40, int(width / (STAMP_FONT * 0.55)))
    context = f"{stamp.unit} · {stamp.year} · {text.plain(chart.caption)}"
    lines = [(markup.html(line), "#444444") for line in textwrap.wrap(context, chars)]
    if stamp.notice:
        lines += [(markup.html(line), "#A33A00") for line in textwrap.wrap(stamp.notice, chars)]
    return lines


def stamped(chart: Chart, stamp: Stamp, width: int = WIDTH) -> tuple[go.Figure, int]:
    """A copy of the chart's figure for a file: fonts named, its context added under the subtitle, the top
    margin grown by what was added, hover and selection state dropped. Returns it with its height in px.

    The title block is pinned to the container's top; the kaleido build of plotly.js places the first line
    of a multi-line title by its baseline, so the block is moved down by one title line (its font size)."""
    figure = go.Figure(copy.deepcopy(chart.figure.to_dict()))
    layout = figure.layout
    height = int(layout.height or 460)
    lines = _stamp_lines(chart, stamp, width)
    added = STAMP_LINE * len(lines) + 6
    title_size = int(layout.title.font.size or 17)
    shift = title_size + 2
    stamp_html = "<br>".join(
        f"<span style='font-size:{STAMP_FONT}px;color:{colour}'>{words}</span>" for words, colour in lines
    )
    title = str(layout.title.text or "")
    pad = dict(layout.title.pad.to_plotly_json()) if layout.title.pad else {}
    top = int(layout.margin.t if layout.margin.t is not None else 80)
    figure.update_layout(
        title={"text": f"{title}<br>{stamp_html}" if title else stamp_html, "yref": "container", "y": 1.0,
               "yanchor": "top", "x": 0.0, "xanchor": "left", "xref": "container",
               "pad": {**pad, "t": int(pad.get("t", 10)) + shift, "l": int(pad.get("l", 8))}},
        font={"family": fonts.FIGURE_FONT},
        hoverlabel={"font": {"family": fonts.FIGURE_FONT}},
        margin={"t": top + added + shift},
        height=height + added + shift,
        width=width,
        uirevision=None,
        selectionrevision=None,
        paper_bgcolor="white",
    )  # fmt: skip
    return figure, height + added + shift


def export(chart: Chart, fmt: str, stamp: Stamp, width: int = WIDTH) -> bytes:
    """The chart as a `fmt` file ('png' at 2×, 'svg', 'pdf') with its stamp. ExportUnavailable when this
    machine cannot draw it; TextNotRendered when a PNG has no ink where its title is."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown image format {fmt!r}; expected one of {FORMATS}")
    figure, height = stamped(chart, stamp, width)
    scale = PNG_SCALE if fmt == "png" else 1
    with _lock:
        _start()
        data = _render(figure, fmt, width, height, scale)
    if fmt == "png" and not has_ink(data, (0, 0, int(width * scale * 0.6), int(60 * scale))):
        raise _no_text()
    return data
