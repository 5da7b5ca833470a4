"""Every page as a user sees it, for a fixed set of filters: nothing raw on screen, and the first screen
matches its committed baseline image (see tests/e2e/screens.py for how both are measured).

Cases: the nation before 2025 (2020, 63 provinces), a province after 2025 (Hà Nội, 2025, 34 provinces)
and before it (Hà Nội, 2024, 63 provinces), and English. Each page is opened once per case; both tests
read that one visit. To accept intended changes: `SIPAS_UPDATE_BASELINES=1 pytest tests/e2e/test_screens.py`
and look at the new images before committing them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser

from tests.e2e.helpers import ARTIFACTS_DIR, LOCALE, VIEWPORT, app_exceptions, open_app, record_problems
from tests.e2e.screens import compare, raw_findings, visible_text, wait_for_charts

PAGES = ("overview", "map", "trends", "dimensions", "profile", "compare", "drivers", "data", "methodology")
CASES = {
    "vi-2020-national": ("vi", "year=2020&geo=63&unit=VN"),
    "vi-2025-hanoi": ("vi", "year=2025&geo=34&unit=P34-01"),
    "vi-2024-hanoi63": ("vi", "year=2024&geo=63&unit=P63-01"),
    "en-2025-hanoi": ("en", "year=2025&geo=34&unit=P34-01"),
}
# the baseline images cover two cases (every page in Vietnamese and in English); the text check all four
BASELINE_CASES = ("vi-2025-hanoi", "en-2025-hanoi")


@dataclass
class Visit:
    texts: list[str]
    png: bytes
    exceptions: list[str]
    console_errors: list[str]


_VISITS: dict[tuple[str, str], Visit] = {}


def visit(browser: Browser, app_server: str, case: str, page_name: str) -> Visit:
    """Open a page once for a case (cached for the module's tests)."""
    if (case, page_name) not in _VISITS:
        lang, query = CASES[case]
        context = browser.new_context(viewport=VIEWPORT, locale=LOCALE)
        page = context.new_page()
        record_problems(context, page)
        try:
            open_app(page, f"{app_server}/{page_name}?lang={lang}&{query}")
            wait_for_charts(page)
            _VISITS[(case, page_name)] = Visit(
                visible_text(page), page.screenshot(), app_exceptions(page), list(page.console_errors)
            )
        finally:
            context.close()
    return _VISITS[(case, page_name)]


@pytest.mark.parametrize("page_name", PAGES)
@pytest.mark.parametrize("case", list(CASES))
def test_nothing_raw_on_screen(browser: Browser, app_server: str, case: str, page_name: str) -> None:
    shown = visit(browser, app_server, case, page_name)
    assert not shown.exceptions, shown.exceptions
    lang = CASES[case][0]
    findings = raw_findings(shown.texts, lang)
    assert not findings, f"{page_name} ({case}) shows raw or English text:\n  " + "\n  ".join(findings)


@pytest.mark.parametrize("page_name", PAGES)
@pytest.mark.parametrize("case", BASELINE_CASES)
def test_screen_matches_baseline(browser: Browser, app_server: str, case: str, page_name: str) -> None:
    shown = visit(browser, app_server, case, page_name)
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
