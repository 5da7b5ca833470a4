"""A briefing pack as a PDF (reportlab): A4 landscape, the same pages as the slides, Noto Sans embedded
(TrueType subsets), text selectable, charts as 2× PNG images."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, KeepInFrame, Paragraph, TableStyle
from reportlab.platypus import Table as GridTable

from briefing import fonts, layout, text
from briefing.pack import Pack, Slide
from content.cells import cell_texts
from content.model import Metric, Note, Table
from i18n import t

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
SCALE = PAGE_WIDTH / (
    layout.WIDTH * 72
)  # slide inches -> A4 points (pages are laid out layout.A4_HEIGHT tall)
REGULAR, BOLD, ITALIC, FALLBACK = "SipasSans", "SipasSans-Bold", "SipasSans-Italic", "SipasFallback"
_covered: set[int] = set()


def _register() -> None:
    """Embed the family's files (checked by `briefing.fonts`: an error, never a PDF without glyphs)."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    files = fonts.check()
    pdfmetrics.registerFont(TTFont(REGULAR, str(files.regular)))
    pdfmetrics.registerFont(TTFont(BOLD, str(files.bold)))
    pdfmetrics.registerFont(TTFont(ITALIC, str(files.italic)))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD)
    _covered.update(pdfmetrics.getFont(REGULAR).face.charToGlyph)
    fallback = fonts.fallback_file()
    if fallback is not None:
        pdfmetrics.registerFont(TTFont(FALLBACK, str(fallback)))


def _escape(value: str) -> str:
    """XML-escaped text for a Paragraph; characters the family lacks (arrows, symbols) drawn in the fallback."""
    if FALLBACK not in pdfmetrics.getRegisteredFontNames():
        return escape(value)
    return "".join(
        escape(c) if ord(c) in _covered or c.isspace() else f'<font name="{FALLBACK}">{escape(c)}</font>'
        for c in value
    )


def _rgb(rgb: tuple[int, int, int]) -> Color:
    return Color(rgb[0] / 255, rgb[1] / 255, rgb[2] / 255)


def _box(box: layout.Box) -> tuple[float, float, float, float]:
    """x, y (bottom-left, points), width, height of a slide box on the A4 page."""
    x = box.left * 72 * SCALE
    width = box.width * 72 * SCALE
    height = box.height * 72 * SCALE
    y = PAGE_HEIGHT - box.top * 72 * SCALE - height
    return x, y, width, height


def _style(size: float, rgb: tuple[int, int, int], bold: bool = False) -> ParagraphStyle:
    return ParagraphStyle("p", fontName=BOLD if bold else REGULAR, fontSize=size, leading=size * 1.3,
                          textColor=_rgb(rgb), spaceAfter=size * 0.45)  # fmt: skip


def _markup(runs: tuple[text.Run, ...]) -> str:
    out = []
    for run in runs:
        piece = _escape(run.text)
        if run.bold:
            piece = f"<b>{piece}</b>"
        if run.italic:
            piece = f"<i>{piece}</i>"
        out.append(piece)
    return "".join(out)


def _place(canvas: Canvas, flowables: list, box: layout.Box) -> None:
    x, y, width, height = _box(box)
    frame = Frame(
        x, y, width, height, leftPadding=2, rightPadding=2, topPadding=2, bottomPadding=2, showBoundary=0
    )
    frame.addFromList([KeepInFrame(width - 4, height - 4, flowables, mode="shrink")], canvas)


def _colour_of(note: Note) -> tuple[int, int, int]:
    return {"warning": layout.WARN, "error": layout.WARN, "caption": layout.GREY}.get(note.kind, layout.INK)


def _notes(canvas: Canvas, notes: list[Note], box: layout.Box) -> None:
    size = layout.text_size(sum(len(n.text) for n in notes), box.width * box.height) * SCALE
    flowables = []
    for note in notes:
        for line in text.lines(note.text):
            runs = (text.Run("• "), *line.runs) if line.bullet else line.runs
            style = _style(size * (0.9 if note.kind == "caption" else 1.0), _colour_of(note))
            flowables.append(Paragraph(_markup(runs), style))
    _place(canvas, flowables, box)


def _metrics(canvas: Canvas, metrics: list[Metric], box: layout.Box) -> None:
    width = box.width / len(metrics)
    for i, metric in enumerate(metrics):
        cell = layout.Box(box.left + i * width, box.top, width - 0.15, box.height)
        x, y, w, h = _box(cell)
        canvas.setFillColor(Color(0xF2 / 255, 0xF4 / 255, 0xF8 / 255))
        canvas.setStrokeColor(Color(0xD0 / 255, 0xD5 / 255, 0xDD / 255))
        canvas.rect(x, y, w, h, fill=1, stroke=1)
        flowables = [Paragraph(_escape(text.plain(metric.label)), _style(12 * SCALE, layout.GREY)),
                     Paragraph(_escape(text.plain(metric.text)), _style(26 * SCALE, layout.INK, bold=True))]  # fmt: skip
        if metric.delta:
            flowables.append(Paragraph(_escape(text.plain(metric.delta)), _style(11 * SCALE, layout.GREY)))
        _place(
            canvas,
            flowables,
            layout.Box(cell.left + 0.08, cell.top + 0.06, cell.width - 0.16, cell.height - 0.1),
        )


def _tables(canvas: Canvas, tables: list[Table], box: layout.Box, lang: str) -> None:
    flowables: list = []
    size = 10 * SCALE
    for table in tables:
        if table.title:
            flowables.append(
                Paragraph(_escape(text.plain(table.title)), _style(14 * SCALE, layout.INK, bold=True))
            )
        cells = cell_texts(table.frame, lang)
        head = [Paragraph(_escape(str(c)), _style(size, (255, 255, 255), bold=True)) for c in cells.columns]
        body = [[Paragraph(_escape(str(v)), _style(size, layout.INK)) for v in row]
                for row in cells.itertuples(index=False)]  # fmt: skip
        width = box.width * 72 * SCALE
        columns = [width * 0.34] + [width * 0.66 / max(len(cells.columns) - 1, 1)] * (len(cells.columns) - 1)
        grid = GridTable([head, *body], colWidths=columns, repeatRows=1)
        grid.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), _rgb(layout.ACCENT)),
                                  ("GRID", (0, 0), (-1, -1), 0.4, Color(0.8, 0.8, 0.8)),
                                  ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                  ("FONTNAME", (0, 0), (-1, -1), REGULAR)]))  # fmt: skip
        flowables += [grid, Paragraph("", _style(size, layout.INK))]
    _place(canvas, flowables, box)


def _footer(canvas: Canvas, pack: Pack, page: int, pages: int) -> None:
    _notes(
        canvas,
        [Note("caption", pack.footer)],
        layout.Box(layout.MARGIN, layout.footer_top(layout.A4_HEIGHT), 9.8, 0.35),
    )
    x, y, width, _ = _box(
        layout.Box(layout.WIDTH - layout.MARGIN - 2.0, layout.footer_top(layout.A4_HEIGHT), 2.0, 0.35)
    )
    canvas.setFont(REGULAR, 9 * SCALE)
    canvas.setFillColor(_rgb(layout.GREY))
    canvas.drawRightString(x + width, y + 10, t("briefing.page", pack.lang, page=page, pages=pages))
    if pack.demo and page > 1:  # the title page shows the full demo notice instead
        _place(canvas, [Paragraph(_escape(pack.demo), _style(9 * SCALE, layout.WARN, bold=True))],
               layout.Box(layout.MARGIN, layout.footer_top(layout.A4_HEIGHT) - 0.35, 9.8, 0.3))  # fmt: skip


def _title_page(canvas: Canvas, pack: Pack, pages: int) -> None:
    _place(canvas, [Paragraph(_escape(pack.title), _style(40 * SCALE, layout.INK, bold=True)),
                    Paragraph(_escape(pack.subtitle), _style(20 * SCALE, layout.ACCENT)),
                    Paragraph(_escape(pack.made_on), _style(14 * SCALE, layout.GREY))],
           layout.Box(1.0, 1.6, layout.WIDTH - 2.0, 1.8))  # fmt: skip
    _notes(canvas, pack.notices, layout.Box(1.0, 3.6, layout.WIDTH - 2.0, 2.6))
    _footer(canvas, pack, 1, pages)


def _page(canvas: Canvas, pack: Pack, slide: Slide, images: dict[str, tuple[bytes, int, int]], page: int,
          pages: int) -> None:  # fmt: skip
    _place(canvas, [Paragraph(_escape(text.plain(slide.title)), _style(26 * SCALE, layout.INK, bold=True))],
           layout.Box(layout.MARGIN, layout.TITLE_TOP, layout.WIDTH - 2 * layout.MARGIN, layout.TITLE_HEIGHT))  # fmt: skip
    places = layout.boxes(slide, layout.A4_HEIGHT)
    if "metrics" in places:
        _metrics(canvas, slide.metrics, places["metrics"])
    if "lines" in places:
        _notes(canvas, slide.lines, places["lines"])
    if "tables" in places:
        _tables(canvas, slide.tables, places["tables"], pack.lang)
    if "chart" in places and slide.chart is not None and slide.chart.key in images:
        data, width, height = images[slide.chart.key]
        x, y, w, h = _box(layout.fit(width, height, places["chart"]))
        canvas.drawImage(ImageReader(io.BytesIO(data)), x, y, w, h)
    _footer(canvas, pack, page, pages)


def write(pack: Pack, images: dict[str, tuple[bytes, int, int]]) -> bytes:
    """The pack as PDF bytes. `images`: chart key -> (PNG bytes, pixel width, pixel height)."""
    _register()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1, initialFontName=REGULAR)
    canvas.setTitle(pack.title)
    canvas.setSubject(pack.subtitle)
    canvas.setCreator("SIPAS dashboard")
    pages = len(pack.slides) + 1
    _title_page(canvas, pack, pages)
    canvas.showPage()
    for page, slide in enumerate(pack.slides, start=2):
        _page(canvas, pack, slide, images, page, pages)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
