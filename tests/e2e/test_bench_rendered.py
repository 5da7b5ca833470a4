"""The browser benchmark's "rendered" condition (bench/browser.py): a page whose elements are still lazy
placeholders (Streamlit's `stSkeleton`, shown until an element's frontend code has loaded) is not rendered,
and once the code arrives the condition holds with every chart drawn."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Route
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from bench.browser import _RENDERED_JS, QUIET_S, page_url

SCRIPT_DONE_WITH_PLACEHOLDERS_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !!document.querySelector('[data-testid="stMain"] h1')
        && document.querySelectorAll('[data-testid="stSkeleton"]').length > 0;
}"""


@pytest.mark.parametrize("name", ["trends"])  # the case the old rule got wrong (overview behaves the same)
def test_rendered_waits_for_lazy_charts(page: Page, app_server: str, name: str) -> None:
    held: list[Route] = []
    page.route("**/PlotlyChart*.js", lambda route: held.append(route))  # hold Plotly's frontend bundle back
    page.goto(page_url(app_server, name), wait_until="domcontentloaded")
    arg = {"quietMs": QUIET_S * 1000, "overview": name == "overview"}
    page.wait_for_function(SCRIPT_DONE_WITH_PLACEHOLDERS_JS, polling=100, timeout=60_000)
    assert held, "the page asked for no Plotly bundle"
    # the script has finished, the charts are placeholders: not rendered, however long it stays so
    with pytest.raises(PlaywrightTimeoutError):
        page.wait_for_function(_RENDERED_JS, arg=arg, polling=100, timeout=(QUIET_S + 2) * 1000)
    last = page.evaluate("() => window.__benchLast")
    assert last["placeholders"] > 0 and last["charts"] == 0 and last["visibility"] == "visible"
    for route in held:
        route.continue_()
    page.unroute("**/PlotlyChart*.js")
    state = page.wait_for_function(_RENDERED_JS, arg=arg, polling=100, timeout=60_000).json_value()
    assert state["charts"] > 0 and state["drawn"] == state["charts"]
    assert state["placeholders"] == 0 and state["exceptions"] == 0
