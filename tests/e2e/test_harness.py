"""Self-test of the e2e harness against a throwaway Streamlit script: it must pass on a clean app and
catch console errors, page errors, external requests, app exceptions and a server that will not start."""

from __future__ import annotations

import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import REPO_ROOT, assert_page_clean, open_app, start_streamlit, wait_for_app

HARNESS_APP = textwrap.dedent(
    """
    import time

    import plotly.graph_objects as go
    import streamlit as st

    mode = st.query_params.get("mode", "ok")
    st.title("Tự kiểm tra bộ thử nghiệm")
    st.plotly_chart(go.Figure(go.Bar(x=["Hà Nội", "Thừa Thiên Huế"], y=[84.5, 80.1])), key="chart")
    if st.button("Chạy chậm", key="slow"):
        time.sleep(2)
        st.write("xong-sau-khi-chay-lai")
    if mode == "console":
        st.html("<script>console.error('harness console error')</script>", unsafe_allow_javascript=True)
    elif mode == "pageerror":
        st.html("<script>throw new Error('harness page error')</script>", unsafe_allow_javascript=True)
    elif mode == "external":
        st.markdown('<img src="https://sipas-harness.invalid/pixel.png" alt="">', unsafe_allow_html=True)
    elif mode == "exception":
        raise ValueError("harness exception")
    """
)


@pytest.fixture(scope="module")
def harness_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("harness")
    script = tmp / "harness_app.py"
    script.write_text(HARNESS_APP, encoding="utf-8")
    # cwd = repo root so the project's .streamlit/config.toml is the one under test.
    server = start_streamlit(script, tmp / "server.log", cwd=REPO_ROOT)
    try:
        yield server.url
    finally:
        server.stop()


def test_clean_app_passes(page: Page, harness_url: str) -> None:
    open_app(page, harness_url)
    expect(page.locator('[data-testid="stHeading"] h1')).to_have_text("Tự kiểm tra bộ thử nghiệm")
    # plotly's JS chunk loads lazily after the script run ends: wait for the chart (retrying), never count once
    expect(page.locator(".js-plotly-plot")).to_have_count(1, timeout=30_000)
    expect(page.locator(".js-plotly-plot")).to_be_visible()
    assert_page_clean(page)


def test_wait_for_app_waits_for_rerun(page: Page, harness_url: str) -> None:
    open_app(page, harness_url)
    started = time.monotonic()
    page.get_by_role("button", name="Chạy chậm").click()
    wait_for_app(page)
    assert time.monotonic() - started >= 2.0
    # No auto-waiting here: the rerun's output must already be on the page when wait_for_app returns.
    assert page.get_by_text("xong-sau-khi-chay-lai").count() == 1
    assert_page_clean(page)


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("console", "console errors"),
        ("pageerror", "console errors"),
        ("external", "external requests"),
        ("exception", "exceptions shown in the app"),
    ],
)
def test_problems_are_caught(page: Page, harness_url: str, mode: str, expected: str) -> None:
    open_app(page, f"{harness_url}/?mode={mode}")
    if mode == "external":
        page.wait_for_timeout(500)  # let the <img> request be issued
    with pytest.raises(AssertionError, match=expected):
        assert_page_clean(page)


def test_external_request_is_recorded_by_url(page: Page, harness_url: str) -> None:
    open_app(page, f"{harness_url}/?mode=external")
    page.wait_for_timeout(500)
    assert "https://sipas-harness.invalid/pixel.png" in page.external_requests


def test_server_that_cannot_start_reports_its_output(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="exited with code") as excinfo:
        start_streamlit(tmp_path / "missing_app.py", tmp_path / "server.log", timeout=30)
    assert "missing_app.py" in str(excinfo.value)
