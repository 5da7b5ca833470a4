"""The Map page in Chromium: drawn offline (no request leaves localhost), islands named, and a click on a
province opens that province's profile. Districts are for signed-in users (issue 14): the district map is
opened by a signed-in administrator, moving in-app only (a page load would sign it out)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from geo.layers import province_layer
from i18n import t
from tests.e2e.helpers import (
    ARTIFACTS_DIR,
    assert_page_clean,
    ensure_account,
    go_to,
    open_app,
    set_filters,
    sign_in,
    wait_for_app,
)
from tests.e2e.test_app import KNOWN_DEEP_LINK_PROBE

ADMIN_USER = "e2e-map-admin"
ADMIN_PASSWORD = "map-e2e-Pa55word"

# pixel position of a lon/lat on the first map figure, from the maplibre instance plotly created
PROJECT_JS = """([lon, lat]) => {
    const gd = document.querySelector('.js-plotly-plot');
    const map = gd._fullLayout.map._subplot.map;
    const p = map.project([lon, lat]);
    const box = map.getContainer().getBoundingClientRect();
    return {x: box.left + p.x, y: box.top + p.y};
}"""


def _clean(page: Page) -> None:
    page.console_errors[:] = [e for e in page.console_errors if not KNOWN_DEEP_LINK_PROBE.search(e)]
    assert_page_clean(page)


def test_map_offline_with_islands(page: Page, app_server: str) -> None:
    open_app(page, f"{app_server}/map?lang=vi&year=2024&geo=63")
    expect(page.get_by_role("heading", name=t("map.title", "vi"), exact=True)).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)  # let maplibre finish drawing
    legend = page.locator(".js-plotly-plot .legend").first.text_content() or ""
    assert t("map.hoang_sa", "vi") in legend and t("map.truong_sa", "vi") in legend
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / "map-63-vi.png"))
    _clean(page)


def test_clicking_a_province_opens_its_profile(page: Page, app_server: str) -> None:
    open_app(page, f"{app_server}/map?lang=vi&year=2024&geo=63")
    page.wait_for_timeout(1500)
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    layer = province_layer("63").set_index("unit_id")
    point = layer.loc["P63-64", "geometry"].representative_point()  # Gia Lai: large and inland
    xy = page.evaluate(PROJECT_JS, [point.x, point.y])
    page.mouse.click(xy["x"], xy["y"])
    wait_for_app(page)
    expect(page.get_by_role("heading", name=t("profile.title", "vi"), exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Gia Lai", exact=True)).to_be_visible()
    assert "focus=P63-64" in page.url
    _clean(page)


def test_34_province_map_and_district_drilldown(page: Page, app_server: str, demo_db_path: Path) -> None:
    open_app(page, f"{app_server}/map?lang=en&year=2024&geo=34")
    expect(page.get_by_text(t("common.reaggregated_notice", "en", year=2024))).to_be_visible()
    _clean(page)
    ensure_account(demo_db_path, ADMIN_USER, "admin", ADMIN_PASSWORD)
    sign_in(page, app_server, ADMIN_USER, ADMIN_PASSWORD)  # was /map?lang=en&year=2024&geo=63&unit=P63-01
    set_filters(page, year=2024, unit="Hà Nội", to_lang="en")
    assert "year=2024" in page.url and "geo=63" in page.url and "unit=P63-01" in page.url, page.url
    go_to(page, t("nav.map", "en"))
    page.get_by_text(t("map.level_below", "en")).click()
    wait_for_app(page)
    page.wait_for_timeout(1000)
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS_DIR / "map-hanoi-districts-en.png"))
    _clean(page)
