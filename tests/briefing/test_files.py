"""Every generated file opened and checked: the PDF pack rendered page by page with pdftoppm (no blank
page), its Vietnamese title read back from the text layer, every font embedded; chart images in PNG (ink
where the title is, 2× pixels), SVG (the Vietnamese title as text) and PDF (title in the text layer)."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from briefing import build, images
from briefing.pack import stamp_for
from content import overview as overview_page
from content.exports import plain
from content.filters import Filters
from content.source import StoreKey
from i18n import t
from tests.briefing.conftest import TODAY


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=120).stdout


@pytest.fixture(scope="module")
def pdf_pack(store_key: StoreKey, hanoi_2024: Filters, tmp_path_factory: pytest.TempPathFactory) -> Path:
    data, _ = build.make(store_key, hanoi_2024, "pdf", today=TODAY)
    path = tmp_path_factory.mktemp("pack") / "hanoi.pdf"
    path.write_bytes(data)
    return path


def test_pdf_pages_render_and_are_not_blank(pdf_pack: Path) -> None:
    out = pdf_pack.parent / "page"
    _run("pdftoppm", "-r", "40", "-png", str(pdf_pack), str(out))
    pages = sorted(pdf_pack.parent.glob("page-*.png"))
    assert len(pages) == 10
    for page in pages:
        with Image.open(page) as picture:
            assert picture.width > picture.height  # A4 landscape
            assert ImageStat.Stat(picture.convert("L")).stddev[0] > 8, page.name  # something drawn


def test_pdf_text_layer_and_fonts(pdf_pack: Path) -> None:
    first = _run("pdftotext", "-f", "1", "-l", "1", str(pdf_pack), "-")
    assert t("briefing.pack_title", "vi", year=2024, unit="Hà Nội") in first
    assert t("briefing.demo_stamp", "vi") in _run("pdftotext", "-f", "2", "-l", "2", str(pdf_pack), "-")
    info = _run("pdfinfo", str(pdf_pack))
    assert re.search(r"^Pages:\s+10$", info, re.MULTILINE) and "(A4)" in info
    fonts = [line.split() for line in _run("pdffonts", str(pdf_pack)).splitlines()[2:] if line.strip()]
    assert fonts and all(row[-5] == "yes" for row in fonts)  # emb column: every font embedded
    assert any("NotoSans" in row[0] for row in fonts)


@pytest.fixture(scope="module")
def chart(store_key: StoreKey, hanoi_2024: Filters):  # noqa: ANN201
    return overview_page.build(store_key, hanoi_2024).elements


def test_png_has_text_where_the_title_is(store_key: StoreKey, hanoi_2024: Filters, chart) -> None:  # noqa: ANN001
    data = images.export(chart, "png", stamp_for(store_key, hanoi_2024))
    with Image.open(io.BytesIO(data)) as picture:
        assert picture.width == images.WIDTH * images.PNG_SCALE
        assert images.has_ink(data, (0, 0, picture.width // 2, 120), minimum=400)
        blank = (picture.width - 60, 0, picture.width, 40)  # the top right corner stays empty
        assert not images.has_ink(data, blank, minimum=1)


def test_svg_and_pdf_carry_the_vietnamese_title(
    store_key: StoreKey, hanoi_2024: Filters, chart, tmp_path: Path
) -> None:  # noqa: ANN001
    stamp = stamp_for(store_key, hanoi_2024)
    title = plain(str(chart.figure.layout.title.text)).split(" — ")[0]
    assert any(c in title for c in "ảờịệ")  # a Vietnamese title with diacritics
    svg = images.export(chart, "svg", stamp).decode("utf-8")
    assert title in svg and "Hà Nội · 2024" in svg and t("briefing.demo_stamp", "vi") in svg
    path = tmp_path / "chart.pdf"
    path.write_bytes(images.export(chart, "pdf", stamp))
    assert title in " ".join(_run("pdftotext", str(path), "-").split())
