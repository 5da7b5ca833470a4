"""A briefing pack as a PowerPoint file (python-pptx): 16:9, the default template's blank layout, every
number and sentence as editable text, charts as 2× PNG images, a footer with source, date and page."""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Inches, Pt

from briefing import layout, text
from briefing.fonts import FAMILY
from briefing.pack import Pack, Slide
from content.cells import cell_texts
from content.model import Metric, Note, Table
from i18n import t

BLANK = 6  # the default template's blank layout


def _colour(rgb: tuple[int, int, int]) -> RGBColor:
    return RGBColor(*rgb)


def _frame(slide, box: layout.Box):  # noqa: ANN001, ANN202  (python-pptx objects)
    shape = slide.shapes.add_textbox(Inches(box.left), Inches(box.top), Inches(box.width), Inches(box.height))
    frame = shape.text_frame
    frame.word_wrap = True
    return frame


def _paragraph(frame, first: bool):  # noqa: ANN001, ANN202
    return frame.paragraphs[0] if first else frame.add_paragraph()


def _write(
    paragraph, runs: tuple[text.Run, ...], size: float, rgb: tuple[int, int, int], bold: bool = False
) -> None:  # noqa: ANN001
    for piece in runs:
        run = paragraph.add_run()
        run.text = piece.text
        run.font.size = Pt(size)
        run.font.name = FAMILY
        run.font.bold = bold or piece.bold
        run.font.italic = piece.italic
        run.font.color.rgb = _colour(rgb)


def _colour_of(note: Note) -> tuple[int, int, int]:
    return {"warning": layout.WARN, "error": layout.WARN, "caption": layout.GREY}.get(note.kind, layout.INK)


def _notes(slide, notes: list[Note], box: layout.Box) -> None:  # noqa: ANN001
    chars = sum(len(n.text) for n in notes)
    size = layout.text_size(chars, box.width * box.height)
    frame = _frame(slide, box)
    first = True
    for note in notes:
        for line in text.lines(note.text):
            paragraph = _paragraph(frame, first)
            first = False
            paragraph.space_after = Pt(size * 0.5)
            runs = (text.Run("• "), *line.runs) if line.bullet else line.runs
            _write(paragraph, runs, size * (0.9 if note.kind == "caption" else 1.0), _colour_of(note))


def _metrics(slide, metrics: list[Metric], box: layout.Box) -> None:  # noqa: ANN001
    width = box.width / len(metrics)
    for i, metric in enumerate(metrics):
        cell = layout.Box(box.left + i * width, box.top, width - 0.15, box.height)
        shape = slide.shapes.add_shape(
            1, Inches(cell.left), Inches(cell.top), Inches(cell.width), Inches(cell.height)
        )
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor(0xF2, 0xF4, 0xF8)
        shape.line.color.rgb = RGBColor(0xD0, 0xD5, 0xDD)
        frame = shape.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.TOP
        _write(frame.paragraphs[0], (text.Run(text.plain(metric.label)),), 12, layout.GREY)
        _write(frame.add_paragraph(), (text.Run(text.plain(metric.text)),), 26, layout.INK, bold=True)
        if metric.delta:
            _write(frame.add_paragraph(), (text.Run(text.plain(metric.delta)),), 11, layout.GREY)
        for paragraph in frame.paragraphs:
            paragraph.alignment = PP_ALIGN.LEFT


def _tables(slide, tables: list[Table], box: layout.Box, lang: str) -> None:  # noqa: ANN001
    rows = sum(len(table.frame) + 1 for table in tables) + len(tables)
    row_height = min(0.42, box.height / max(rows, 1))
    top = box.top
    for table in tables:
        if table.title:
            _write(_frame(slide, layout.Box(box.left, top, box.width, row_height)).paragraphs[0],
                   (text.Run(text.plain(table.title)),), 14, layout.INK, bold=True)  # fmt: skip
            top += row_height
        cells = cell_texts(table.frame, lang)
        shape = slide.shapes.add_table(len(cells) + 1, len(cells.columns), Inches(box.left), Inches(top),
                                       Inches(box.width), Inches(row_height * (len(cells) + 1)))  # fmt: skip
        grid = shape.table
        grid.columns[0].width = Inches(box.width * 0.34)
        rest = (box.width * 0.66) / max(len(cells.columns) - 1, 1)
        for j in range(1, len(cells.columns)):
            grid.columns[j].width = Inches(rest)
        for j, column in enumerate(cells.columns):
            grid.cell(0, j).text_frame.paragraphs[0].text = ""
            _write(
                grid.cell(0, j).text_frame.paragraphs[0],
                (text.Run(str(column)),),
                10,
                (255, 255, 255),
                bold=True,
            )
        for i, row in enumerate(cells.itertuples(index=False), start=1):
            for j, value in enumerate(row):
                paragraph = grid.cell(i, j).text_frame.paragraphs[0]
                _write(paragraph, (text.Run(str(value)),), 10, layout.INK)
                if j > 0:
                    paragraph.alignment = PP_ALIGN.RIGHT
        top += row_height * (len(cells) + 1) + 0.25


def _footer(slide, pack: Pack, page: int, pages: int) -> None:  # noqa: ANN001
    """Source and date, page k/N, and the demo stamp above them when the data are generated."""
    bottom = layout.footer_top(layout.HEIGHT)
    foot = _frame(slide, layout.Box(layout.MARGIN, bottom, 9.8, 0.35))
    _write(foot.paragraphs[0], (text.Run(pack.footer),), 9, layout.GREY)
    number = _frame(slide, layout.Box(layout.WIDTH - layout.MARGIN - 2.0, bottom, 2.0, 0.35))
    _write(
        number.paragraphs[0],
        (text.Run(t("briefing.page", pack.lang, page=page, pages=pages)),),
        9,
        layout.GREY,
    )
    number.paragraphs[0].alignment = PP_ALIGN.RIGHT
    if pack.demo and page > 1:  # the title page shows the full demo notice instead
        stamp = _frame(slide, layout.Box(layout.MARGIN, bottom - 0.35, 9.8, 0.3))
        _write(stamp.paragraphs[0], (text.Run(pack.demo),), 9, layout.WARN, bold=True)


def _chrome(slide, pack: Pack, title: str, page: int, pages: int) -> None:  # noqa: ANN001
    width = layout.WIDTH - 2 * layout.MARGIN
    head = _frame(slide, layout.Box(layout.MARGIN, layout.TITLE_TOP, width, layout.TITLE_HEIGHT))
    _write(head.paragraphs[0], (text.Run(text.plain(title)),), 26, layout.INK, bold=True)
    _footer(slide, pack, page, pages)


def _title_slide(deck, pack: Pack, pages: int) -> None:  # noqa: ANN001
    slide = deck.slides.add_slide(deck.slide_layouts[BLANK])
    frame = _frame(slide, layout.Box(1.0, 1.6, layout.WIDTH - 2.0, 1.2))
    _write(frame.paragraphs[0], (text.Run(pack.title),), 40, layout.INK, bold=True)
    _write(frame.add_paragraph(), (text.Run(pack.subtitle),), 20, layout.ACCENT)
    _write(frame.add_paragraph(), (text.Run(pack.made_on),), 14, layout.GREY)
    _notes(slide, pack.notices, layout.Box(1.0, 3.6, layout.WIDTH - 2.0, 2.6))
    _footer(slide, pack, 1, pages)


def _slide(
    deck, pack: Pack, slide: Slide, images: dict[str, tuple[bytes, int, int]], page: int, pages: int
) -> None:  # noqa: ANN001
    out = deck.slides.add_slide(deck.slide_layouts[BLANK])
    _chrome(out, pack, slide.title, page, pages)
    places = layout.boxes(slide, layout.HEIGHT)
    if "metrics" in places:
        _metrics(out, slide.metrics, places["metrics"])
    if "lines" in places:
        _notes(out, slide.lines, places["lines"])
    if "tables" in places:
        _tables(out, slide.tables, places["tables"], pack.lang)
    if "chart" in places and slide.chart is not None and slide.chart.key in images:
        data, width, height = images[slide.chart.key]
        box = layout.fit(width, height, places["chart"])
        out.shapes.add_picture(io.BytesIO(data), Inches(box.left), Inches(box.top), Inches(box.width),
                               Inches(box.height))  # fmt: skip


def write(pack: Pack, images: dict[str, tuple[bytes, int, int]]) -> bytes:
    """The pack as .pptx bytes. `images`: chart key -> (PNG bytes, pixel width, pixel height)."""
    deck = Presentation()
    deck.slide_width = Inches(layout.WIDTH)
    deck.slide_height = Inches(layout.HEIGHT)
    deck.core_properties.title = pack.title
    deck.core_properties.subject = pack.subtitle
    deck.core_properties.language = "vi-VN" if pack.lang == "vi" else "en-GB"
    pages = len(pack.slides) + 1
    _title_slide(deck, pack, pages)
    for page, slide in enumerate(pack.slides, start=2):
        _slide(deck, pack, slide, images, page, pages)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
