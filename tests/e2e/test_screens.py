"""Every page as a user sees it, for a fixed set of filters: nothing raw on screen, and the first screen
matches its committed baseline image (see tests/e2e/screens.py for how both are measured).

Cases: the nation in 2020 (63 provinces), a province after 2025 (Hà Nội, 2025, 34 provinces) and, in
English, a province before it (Hà Nội, 2024, 63 provinces). Each page is opened once per case; both tests
read that one visit, which also fails on console errors, requests leaving the machine or an exception.
To accept intended changes: `SIPAS_UPDATE_BASELINES=1 pytest tests/e2e/test_screens.py` and look at the
new images before committing them.

Every page shows what an administrator sees (districts on the map, the drivers, the import form; issue 14):
each case signs in once, chooses its filters in the sidebar and opens the pages by their sidebar links, as
one user's session (a page load would start a new session, signed out).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Page

from i18n import t
from tests.e2e import screens
from tests.e2e.helpers import (
    ARTIFACTS_DIR,
    LOCALE,
    VIEWPORT,
    app_exceptions,
    ensure_account,
    go_to,
    record_problems,
    set_filters,
    sign_in,
)
from tests.e2e.screens import compare, raw_findings, visible_text, wait_for_charts
from tests.e2e.test_app import KNOWN_DEEP_LINK_PROBE  # tolerated deep-link probes (Streamlit #7074)

PAGES = ("overview", "map", "trends", "dimensions", "profile", "compare", "drivers", "data", "methodology")
CASES = {
    "vi-2020-national": ("vi", "year=2020&geo=63&unit=VN"),
    "vi-2025-hanoi": ("vi", "year=2025&geo=34&unit=P34-01"),
    "en-2024-hanoi63": ("en", "year=2024&geo=63&unit=P63-01"),
}
# the same filters chosen in the sidebar after signing in (the sidebar's units are named in Vietnamese)
CASE_FILTERS = {
    "vi-2020-national": {"year": 2020},
    "vi-2025-hanoi": {"year": 2025, "unit": "Hà Nội"},
    "en-2024-hanoi63": {"year": 2024, "unit": "Hà Nội", "to_lang": "en"},
}
TITLES = {"data": "data.title"}  # page -> title key when it is not '<page>.title'
ADMIN_USER = "e2e-screens-admin"
ADMIN_PASSWORD = "screens-e2e-Pa55word"
ANNOUNCEMENTS_CLEARED_JS = """() => !Array.from(document.querySelectorAll('[role="log"][aria-live]'))
    .some(log => log.textContent.trim())"""


@dataclass
class Visit:
    texts: list[str]
    png: bytes
    exceptions: list[str]
    console_errors: list[str]
    external_requests: list[str]
    title: str


_VISITS: dict[tuple[str, str], Visit] = {}
_SESSIONS: dict[str, Page] = {}


@pytest.fixture(scope="module", autouse=True)
def _close_sessions() -> Iterator[None]:
    yield
    for page in _SESSIONS.values():
        page.context.close()
    _SESSIONS.clear()


def session(browser: Browser, app_server: str, demo_db_path: Path, case: str) -> Page:
    """The signed-in administrator's page for a case, its filters chosen (one session per case)."""
    if case not in _SESSIONS:
        lang, query = CASES[case]
        ensure_account(demo_db_path, ADMIN_USER, "admin", ADMIN_PASSWORD)
        context = browser.new_context(viewport=VIEWPORT, locale=LOCALE)
        page = context.new_page()
        record_problems(context, page)
        try:
            sign_in(page, app_server, ADMIN_USER, ADMIN_PASSWORD)
            set_filters(page, **CASE_FILTERS[case])
            for param in (f"lang={lang}", *query.split("&")):
                assert param in page.url, f"{case}: {param} not chosen ({page.url})"
            # the select boxes just used announce "N options available." to screen readers (BaseWeb's
            # live log, English only): a fresh page load has none, so wait until it has emptied itself
            page.wait_for_function(ANNOUNCEMENTS_CLEARED_JS, timeout=20_000)
        except BaseException:
            context.close()
            raise
        _SESSIONS[case] = page
    return _SESSIONS[case]


def visit(browser: Browser, app_server: str, demo_db_path: Path, case: str, page_name: str) -> Visit:
    """Open a page once for a case (cached for the module's tests) by its sidebar link, in the case's
    signed-in session. Console errors and outside requests count against the visit during which they
    happen (those of signing in, against the case's first visit)."""
    if (case, page_name) not in _VISITS:
        lang = CASES[case][0]
        page = session(browser, app_server, demo_db_path, case)
        go_to(page, t(f"nav.{page_name}", lang), quiet=0.3)
        page.mouse.move(VIEWPORT["width"] // 2, 2)  # no hover highlight on the link just clicked
        wait_for_charts(page)
        errors = [e for e in page.console_errors if not KNOWN_DEEP_LINK_PROBE.search(e)]
        title = page.locator("h1").first.inner_text()
        _VISITS[(case, page_name)] = Visit(
            visible_text(page), page.screenshot(), app_exceptions(page), errors,
            list(page.external_requests), title,
        )  # fmt: skip
        page.console_errors.clear()
        page.external_requests.clear()
    return _VISITS[(case, page_name)]


@pytest.mark.parametrize("page_name", PAGES)
@pytest.mark.parametrize("case", list(CASES))
def test_nothing_raw_on_screen(
    browser: Browser, app_server: str, demo_db_path: Path, case: str, page_name: str
) -> None:
    shown = visit(browser, app_server, demo_db_path, case, page_name)
    lang = CASES[case][0]
    assert not shown.exceptions, shown.exceptions
    assert not shown.console_errors, shown.console_errors
    assert not shown.external_requests, shown.external_requests  # offline: nothing leaves the machine
    assert shown.title == t(TITLES.get(page_name, f"{page_name}.title"), lang)
    findings = raw_findings(shown.texts, lang)
    assert not findings, f"{page_name} ({case}) shows raw or English text:\n  " + "\n  ".join(findings)


@pytest.mark.parametrize("page_name", PAGES)
@pytest.mark.parametrize("case", list(CASES))
def test_screen_matches_baseline(
    browser: Browser, app_server: str, demo_db_path: Path, case: str, page_name: str
) -> None:
    shown = visit(browser, app_server, demo_db_path, case, page_name)
    result = compare(f"{case}-{page_name}", shown.png, ARTIFACTS_DIR / "screens")
    assert result.ok, (
        f"{page_name} ({case}): {result.changed:.1%} of the screen differs from {result.baseline.name} "
        f"(artifacts in {ARTIFACTS_DIR / 'screens'}); if the change is intended, regenerate with "
        "SIPAS_UPDATE_BASELINES=1 and look at the new image"
    )


def test_raw_text_check_catches_what_it_should() -> None:
    assert raw_findings(["Download plot as a PNG"], "vi") and not raw_findings(["Tải biểu đồ"], "vi")
    assert raw_findings(["Nhóm: priority_improve"], "en")
    assert raw_findings(["sipas_2017", "pre2025"], "vi")
    assert raw_findings(["Hạng None"], "vi") and raw_findings(["nan"], "en")
    assert raw_findings(["Choose options"], "vi") and raw_findings(["200MB per file"], "vi")
    assert not raw_findings(["Hà Nội 87,11% (n = 1.084)", "SIPAS 2023–2026", "Benjamini–Hochberg"], "vi")


def test_baseline_comparison_catches_a_changed_screen(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """Noise stays under the threshold; a moved block (a legend over a chart, a missing banner) does not."""
    monkeypatch.setattr(screens, "UPDATE", False)  # even while baselines are being rewritten
    base = Image.new("RGB", (1366, 768), "white")
    ImageDraw.Draw(base).rectangle((300, 200, 900, 400), fill="black")
    ImageDraw.Draw(base).text((320, 420), "Chỉ số hài lòng 87,11%", fill="black")
    assert compare("case", _png(base), tmp_path / "art", tmp_path).created
    noisy = base.copy()
    ImageDraw.Draw(noisy).point(
        [(x, 100) for x in range(0, 1366, 7)], fill="grey"
    )  # anti-aliasing-like specks
    assert compare("case", _png(noisy), tmp_path / "art", tmp_path).ok
    moved = Image.new("RGB", (1366, 768), "white")
    ImageDraw.Draw(moved).rectangle((300, 300, 900, 500), fill="black")
    result = compare("case", _png(moved), tmp_path / "art", tmp_path)
    assert not result.ok and result.changed > 0.05
    assert (tmp_path / "art" / "case-diff.png").exists()


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
