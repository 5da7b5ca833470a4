"""The briefing pack from the browser: on the Overview the 'briefing pack' menu builds a PowerPoint with a
progress bar and offers it; the file opens and its title slide names the unit and the year. A chart's PNG
download arrives stamped (ink where its title is)."""

from __future__ import annotations

import io

from playwright.sync_api import Page
from pptx import Presentation

from briefing.images import has_ink
from i18n import t
from tests.e2e.helpers import app_exceptions, open_app


def test_overview_builds_a_briefing_pack(page: Page, app_server: str) -> None:
    open_app(page, f"{app_server}/?lang=vi&year=2024&geo=63&unit=P63-01")
    page.get_by_role("button", name=t("briefing.button", "vi")).first.click()
    page.get_by_text(t("briefing.format_pptx", "vi")).first.click()
    page.get_by_role("button", name=t("briefing.build", "vi")).click()
    download = page.get_by_role("button", name=t("briefing.download", "vi"))
    download.wait_for(timeout=120_000)
    with page.expect_download(timeout=60_000) as info:
        download.click()
    assert info.value.suggested_filename == "sipas-briefing-2024-p63-01-vi.pptx"
    deck = Presentation(io.BytesIO(info.value.path().read_bytes()))
    texts = [shape.text_frame.text for shape in deck.slides[0].shapes if shape.has_text_frame]
    assert any(t("briefing.pack_title", "vi", year=2024, unit="Hà Nội") in text for text in texts)
    assert len(deck.slides) >= 9
    assert app_exceptions(page) == []


def test_chart_png_download_is_stamped(page: Page, app_server: str) -> None:
    open_app(page, f"{app_server}/?lang=en&year=2024&geo=63&unit=P63-01")
    button = page.get_by_role("button", name=t("briefing.image_png", "en")).first
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=120_000) as info:
        button.click()
    image = info.value.path().read_bytes()
    assert image.startswith(b"\x89PNG") and has_ink(image, (0, 0, 1200, 120))
    assert info.value.suggested_filename.endswith(".png")
    assert app_exceptions(page) == []
