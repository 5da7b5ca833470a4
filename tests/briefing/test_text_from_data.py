"""Text from data in briefing packs: content objects carry it escaped for markdown (`i18n.markup.md`); the
slides and PDF pages show its words exactly as typed (no backslash, no markup acted on: an escaped '**' is
not bold, an escaped '<b>' is no tag), and a chart image's stamp holds it escaped for plotly's HTML."""

from __future__ import annotations

import io
import shutil
import subprocess

import pandas as pd
import plotly.graph_objects as go
import pytest
from pptx import Presentation

from briefing import images, pdf_file, pptx_file, text
from briefing.images import Stamp
from briefing.pack import Pack, Slide
from content.model import Chart, Metric, Note, Table
from i18n import markup
from tests.content import hostile

WORDS = [*hostile.PAYLOADS, "**đậm** _nghiêng_ <b>x</b> \\ `mã` # 1. - a", hostile.UNIT_NAME]


@pytest.mark.parametrize("words", WORDS)
def test_escaped_words_come_back_as_typed(words: str) -> None:
    lines = text.lines(markup.md(words))
    assert len(lines) == 1 and not lines[0].bullet
    assert lines[0].text == words and not any(run.bold or run.italic for run in lines[0].runs)


def test_catalogue_markup_around_data_still_applies() -> None:
    note = f"**Nguồn:** {markup.md('**không đậm** <b>x</b>')}"
    (line,) = text.lines(note)
    assert line.runs[0].text == "Nguồn:" and line.runs[0].bold
    assert line.text == "Nguồn: **không đậm** <b>x</b>" and not line.runs[-1].bold


def test_stamp_of_a_chart_image_is_escaped() -> None:
    chart = Chart("c", go.Figure(), pd.DataFrame(), f"Nguồn: {markup.md(hostile.SOURCE)}", "stem")
    lines = images._stamp_lines(chart, Stamp(hostile.UNIT_NAME, "2024", "<i>demo</i>"), 1100)
    joined = " ".join(words for words, _ in lines)
    assert not [frag for frag in hostile.LIVE_HTML if frag in joined] and "<i>" not in joined
    assert "&lt;img src=http://evil.example/u.png&gt;" in joined and "\\" not in joined


def _pack() -> Pack:
    source = Note("caption", f"Công bố: 80,50% — nguồn: {markup.md(hostile.SOURCE)}")
    table = Table(
        "t", pd.DataFrame({"Tên": [hostile.ITEM_NAME], "Chỉ số (%)": [80.5]}), markup.md("Bảng <b>x</b>")
    )
    slides = [Slide("headline", "Kết quả", metrics=[Metric(markup.md(hostile.ELEMENT_NAME), "80,50%")],
                    lines=[source]),
              Slide("criteria", markup.md("Tiêu chí <i>y</i>"), tables=[table])]  # fmt: skip
    stamp = Stamp(hostile.UNIT_NAME, "2024")
    return Pack("vi", 2024, hostile.UNIT, hostile.UNIT_NAME, f"SIPAS 2024 — {hostile.UNIT_NAME}", "Tóm tắt",
                "01/01/2025", [], slides, "Nguồn", None, stamp, "pack")  # fmt: skip


def test_pptx_shows_the_words_as_typed() -> None:
    deck = Presentation(io.BytesIO(pptx_file.write(_pack(), {})))
    found = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                found += [p.text for p in shape.text_frame.paragraphs]
            if shape.has_table:
                found += [cell.text for row in shape.table.rows for cell in row.cells]
    shown = "\n".join(found)
    for words in (
        hostile.SOURCE,
        hostile.ELEMENT_NAME,
        hostile.ITEM_NAME,
        "Bảng <b>x</b>",
        hostile.UNIT_NAME,
        "Tiêu chí <i>y</i>",
    ):
        assert words in shown, words
    assert "\\" not in shown


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler's pdftotext is not installed")
def test_pdf_shows_the_words_as_typed(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf_file.write(_pack(), {}))
    shown = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True,
                                    timeout=60).stdout.split())  # fmt: skip
    for words in (
        "[Bấm vào đây](http://evil.example/x)",
        "<script>alert(1)</script>",
        "Bảng <b>x</b>",
        "Tiêu chí <i>y</i>",
        ":red[x] $x$",
    ):
        assert words in shown, words
    assert "\\" not in shown
