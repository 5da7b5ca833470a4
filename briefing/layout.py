"""Where things go on a page, shared by the PowerPoint and PDF writers (in inches of a 13.333 × 7.5 in 16:9
slide; the PDF scales them to A4 landscape), and the text size that lets a block of sentences fit."""

from __future__ import annotations

from dataclasses import dataclass

from briefing.pack import Slide

WIDTH, HEIGHT = 13.333, 7.5
MARGIN = 0.5
TITLE_TOP, TITLE_HEIGHT = 0.3, 0.75
BODY_TOP = 1.2
A4_HEIGHT = WIDTH * 210 / 297  # a PDF page: A4 landscape in slide inches


def body_bottom(height: float = HEIGHT) -> float:
    """Where the body of a page of `height` inches ends (above the demo stamp and the footer)."""
    return height - 0.95


def footer_top(height: float = HEIGHT) -> float:
    """Where the footer of a page of `height` inches starts."""
    return height - 0.5


SIDE_WIDTH = 4.0  # the sentences beside a chart
INK = (0x1F, 0x2A, 0x44)
GREY = (0x55, 0x55, 0x55)
WARN = (0xA3, 0x3A, 0x00)
ACCENT = (0x00, 0x72, 0xB2)


@dataclass(frozen=True)
class Box:
    """A rectangle in inches from the top-left corner."""

    left: float
    top: float
    width: float
    height: float


def text_size(chars: int, area: float) -> int:
    """A font size (pt) for `chars` characters in `area` square inches: the largest of 18…9 pt at which
    the text, at about 0.55 em per character and 1.35 line spacing, fills at most 65% of the box (room for line breaks)."""
    for size in (18, 16, 14, 13, 12, 11, 10, 9):
        em = size / 72
        needed = chars * (0.55 * em) * (1.35 * em)
        if needed <= 0.65 * area:
            return size
    return 9


def boxes(slide: Slide, height: float = HEIGHT) -> dict[str, Box]:
    """The boxes of a slide's parts on a page of `height` inches: 'metrics', 'lines', 'chart', 'tables'."""
    bottom = body_bottom(height)
    body = Box(MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, bottom - BODY_TOP)
    out: dict[str, Box] = {}
    top = body.top
    if slide.metrics:
        out["metrics"] = Box(body.left, top, body.width, 1.45)
        top += 1.65
    if slide.chart is not None and slide.lines:
        chart_width = body.width - SIDE_WIDTH - 0.3
        out["chart"] = Box(body.left, top, chart_width, bottom - top)
        out["lines"] = Box(body.left + chart_width + 0.3, top, SIDE_WIDTH, bottom - top)
    elif slide.chart is not None:
        out["chart"] = Box(body.left, top, body.width, bottom - top)
    elif slide.tables:
        out["tables"] = Box(body.left, top, body.width, bottom - top)
    elif slide.lines:
        out["lines"] = Box(body.left, top, body.width, bottom - top)
    return out


def fit(image_width: int, image_height: int, box: Box) -> Box:
    """The largest box of the image's aspect ratio inside `box`, centred horizontally, at its top."""
    ratio = image_width / image_height
    width = min(box.width, box.height * ratio)
    height = width / ratio
    return Box(box.left + (box.width - width) / 2, box.top, width, height)
