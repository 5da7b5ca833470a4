"""Browser benchmark: first render (cold and warm), concurrent sessions and server memory, in headless Chromium.

Part of `make bench` (a performance measurement, not a test). One `streamlit run app.py` server on the given
database is driven by Playwright with Debian's Chromium (the same set-up as tests/e2e):

1. first render: wall time from the server process start to the Overview page fully rendered (cold), then
   the same page in a new browser context, i.e. a new session with the server's caches warm;
2. concurrent sessions: `sessions` browser contexts at once, each visiting every page `rounds` times;
   per visit the time from navigation start to "rendered", plus errors (exception boxes, console errors,
   timeouts);
3. the server's peak and final resident memory.

"Rendered" means: Streamlit is idle exactly as tests/e2e/helpers.wait_for_app defines it (root present,
websocket CONNECTED, script state notRunning/compilationError, no running icon, no skeleton), no spinner is
shown, the page title (h1) or an exception box is in the main area, no element is still a placeholder
(`stSkeleton`: Streamlit renders an element whose frontend code is loaded lazily - Plotly charts, metrics,
data frames, select boxes - as a skeleton until that code has arrived and run; on a fresh page the Plotly
bundle alone is 4.7 MB of JavaScript) and none is stale, every Plotly chart element has drawn its SVG, and
the number of charts / drawn SVGs / metrics / placeholders / exception boxes has not changed for `QUIET_S`
seconds. The time recorded is the start of that quiet window (when the page reached its final state), not
its end. On the Overview at least one Plotly chart and one `st.metric` must also be present.

Without the placeholder rule a page whose charts were still skeletons counted as rendered (no chart element
yet, so "every chart drawn" held), and only the Overview, which must show a chart, waited for them: under 10
concurrent sessions its visits ran into the timeout while other pages were timed before their charts existed.
The browser does not hide these pages (every context's page reports `visibilityState` "visible"; the state
records it), so no page is brought to the front.

Try it alone: `python -m bench.browser --db PATH [--sessions N] [--rounds N] [--log-dir DIR]`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Browser, Page, async_playwright
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.helpers import (
    APP_IDLE_QUIET_S,
    CHROMIUM_ARGS,
    DEFAULT_CHROMIUM,
    LOCALE,
    REPO_ROOT,
    VIEWPORT,
    StreamlitServer,
    start_streamlit,
)

# the pages a visitor (no sign-in) opens; Drivers needs a signed-in session (issue 14)
PAGES = ["overview", "map", "trends", "dimensions", "profile", "compare", "data"]
# A visit slower than this counts as an error and is left out of the percentiles. The first visit of each
# concurrent session loads Streamlit's frontend and the Plotly bundle in ten tabs at once on a 2-core machine.
PAGE_TIMEOUT_S = 120.0
QUIET_S = APP_IDLE_QUIET_S
POLL_MS = 100
MAX_ERROR_SAMPLES = 5
LOG_NAME = "browser-streamlit.log"

# Same pattern as tests/e2e/test_app.py (Streamlit issue #7074): on a deep link the frontend first probes
# <page>/_stcore/health and /host-config, gets 404, then uses the root. Only those two probes are ignored.
KNOWN_DEEP_LINK_PROBE = re.compile(
    r"404 \(Not Found\) \(http://127\.0\.0\.1:\d+/\w+/_stcore/(health|host-config):0\)$"
)

# Runs inside the page via page.wait_for_function (polled every POLL_MS ms in the browser, so waiting costs
# no Python <-> driver round trips). Idle criteria mirror tests/e2e/helpers._APP_STATE_JS / wait_for_app.
# Returns false until the rendered state has held unchanged for quietMs, then the state and the absolute
# time (ms since the epoch) at which that state was first seen.
_RENDERED_JS = """(args) => {
    const q = (sel) => document.querySelector(sel);
    const app = q('[data-testid="stApp"]');
    const memo = window.__benchRender || (window.__benchRender = {sig: null, since: null});
    const now = performance.now();
    if (!app) { memo.sig = null; return false; }
    const widget = q('[data-testid="stStatusWidget"]');
    const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
    let drawn = 0;
    charts.forEach((c) => { if (c.querySelector('.js-plotly-plot .main-svg')) drawn += 1; });
    const s = {
        script: app.getAttribute('data-test-script-state'),
        connection: app.getAttribute('data-test-connection-state'),
        runningIcon: !!q('[data-testid="stStatusWidgetRunningIcon"]'),
        statusText: widget ? widget.innerText : '',
        skeleton: !!q('[data-testid="stAppSkeleton"]'),
        spinner: !!q('[data-testid="stSpinner"]'),
        title: !!q('[data-testid="stMain"] h1'),
        charts: charts.length,
        drawn: drawn,
        svgs: document.querySelectorAll('.js-plotly-plot .main-svg').length,
        metrics: document.querySelectorAll('[data-testid="stMetric"]').length,
        placeholders: document.querySelectorAll('[data-testid="stSkeleton"]').length,
        stale: document.querySelectorAll('[data-testid="stElementContainer"][data-stale="true"]').length,
        exceptions: document.querySelectorAll('[data-testid="stException"]').length,
        visibility: document.visibilityState,
    };
    window.__benchLast = s;
    const idle = (s.connection === null || s.connection === 'CONNECTED')
        && (s.script === 'notRunning' || s.script === 'compilationError')
        && !s.runningIcon && !s.skeleton && !(s.statusText || '').includes('Running');
    const content = (s.title || s.exceptions > 0) && s.drawn === s.charts
        && s.placeholders === 0 && s.stale === 0
        && (!args.overview || s.exceptions > 0 || (s.charts > 0 && s.metrics > 0));
    if (!(idle && !s.spinner && content)) { memo.sig = null; return false; }
    const sig = [s.charts, s.drawn, s.svgs, s.metrics, s.placeholders, s.exceptions].join(',');
    if (sig !== memo.sig) { memo.sig = sig; memo.since = now; return false; }
    if (now - memo.since < args.quietMs) return false;
    return {...s, renderedAtMs: performance.timeOrigin + memo.since};
}"""


@dataclass
class Visit:
    """One page load: its label, duration (None on timeout or failure) and the errors it produced."""

    label: str
    page: str
    ms: float | None
    errors: list[str] = field(default_factory=list)


class _ConsoleLog:
    """Console errors and uncaught page errors of one page, formatted like tests/e2e/helpers.record_problems."""

    def __init__(self, page: Page) -> None:
        self.lines: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.lines.append(f"pageerror: {exc}"))

    def _on_console(self, msg) -> None:
        if msg.type == "error":
            loc = msg.location or {}
            where = f" ({loc.get('url')}:{loc.get('lineNumber')})" if loc.get("url") else ""
            self.lines.append(f"console.error: {msg.text}{where}")

    def since(self, start: int) -> list[str]:
        """Errors logged after index `start`, without the known deep-link 404 probes."""
        return [line for line in self.lines[start:] if not KNOWN_DEEP_LINK_PROBE.search(line)]


def page_url(base: str, name: str, *, year: int | None = 2024) -> str:
    """URL of a dashboard page in Vietnamese (optionally for a year; the profile page focuses on P63-01).

    The Overview is the default page and lives at the root: `/overview` is not a route in Streamlit 1.67
    (the frontend logs "The page that you have requested does not seem to exist" and runs the main page).
    """
    route = "" if name == "overview" else name
    url = f"{base}/{route}?lang=vi" + (f"&year={year}" if year else "")
    return url + ("&focus=P63-01" if name == "profile" else "")


async def _visit(page: Page, console: _ConsoleLog, url: str, name: str, label: str) -> tuple[Visit, float]:
    """Open `url` and wait until rendered; returns the visit and the epoch time (s) it was rendered at.

    The duration runs from just before page.goto to the start of the final quiet window. On a timeout
    (PAGE_TIMEOUT_S from navigation start) or a navigation failure the duration is None and an error is
    recorded; the rendered time is then NaN.
    """
    errors: list[str] = []
    first_console = len(console.lines)
    start = time.time()
    deadline = start + PAGE_TIMEOUT_S
    rendered_at = math.nan
    try:
        await page.goto(url, wait_until="domcontentloaded", timeout=PAGE_TIMEOUT_S * 1000)
        remaining_ms = max(1.0, (deadline - time.time()) * 1000)
        handle = await page.wait_for_function(
            _RENDERED_JS,
            arg={"quietMs": QUIET_S * 1000, "overview": name == "overview"},
            polling=POLL_MS,
            timeout=remaining_ms,
        )
        state = await handle.json_value()
        rendered_at = state["renderedAtMs"] / 1000
        if state["exceptions"]:
            texts = await page.locator('[data-testid="stException"]').all_inner_texts()
            errors += [f"exception: {' '.join(text.split())[:300]}" for text in texts]
    except PlaywrightTimeoutError:
        last = None
        with contextlib.suppress(PlaywrightError):
            last = await page.evaluate("() => window.__benchLast || null")
        errors.append(f"timeout after {PAGE_TIMEOUT_S:.0f} s (last state: {last})")
    except PlaywrightError as exc:
        errors.append(f"navigation failed: {str(exc).splitlines()[0][:300]}")
    errors += console.since(first_console)
    ms = None if math.isnan(rendered_at) else max(0.0, (rendered_at - start) * 1000)
    return Visit(label=label, page=name, ms=ms, errors=[f"{label}: {e}" for e in errors]), rendered_at


async def _first_render(browser: Browser, url: str, label: str) -> tuple[Visit, float]:
    """The Overview in a fresh browser context (= a new Streamlit session); the context is closed after."""
    context = await browser.new_context(viewport=VIEWPORT, locale=LOCALE)
    try:
        page = await context.new_page()
        return await _visit(page, _ConsoleLog(page), url, "overview", label)
    finally:
        await context.close()


async def _session(browser: Browser, base: str, index: int, rounds: int) -> list[Visit]:
    """One browser context visiting every page in turn, `rounds` times."""
    context = await browser.new_context(viewport=VIEWPORT, locale=LOCALE)
    visits: list[Visit] = []
    try:
        page = await context.new_page()
        console = _ConsoleLog(page)
        for r in range(1, rounds + 1):
            for name in PAGES:
                visit, _ = await _visit(page, console, page_url(base, name), name, f"s{index} r{r} {name}")
                visits.append(visit)
    finally:
        await context.close()
    return visits


def percentile(values: list[float], q: float) -> float | None:
    """q-th percentile (0-100) with linear interpolation between closest ranks; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _proc_status(pid: int) -> dict[str, int]:
    """The kB fields of /proc/<pid>/status (VmHWM, VmRSS, ...)."""
    fields: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        parts = value.split()
        if len(parts) == 2 and parts[1] == "kB":
            fields[key] = int(parts[0])
    return fields


def _descendants(pid: int) -> list[int]:
    """All live descendant process ids of `pid` (via /proc/<pid>/task/*/children)."""
    found: list[int] = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            kids = [int(c) for c in children.read_text().split()]
        except OSError:
            continue
        for kid in kids:
            found += [kid, *_descendants(kid)]
    return found


def server_memory(pid: int) -> dict:
    """Peak (VmHWM) and current (VmRSS) resident memory of the server in MB, children summed if any."""
    children = _descendants(pid)
    peak = rss = 0
    for p in [pid, *children]:
        try:
            status = _proc_status(p)
        except OSError:
            continue
        peak += status.get("VmHWM", 0)
        rss += status.get("VmRSS", 0)
    result = {"peak_rss_mb": round(peak / 1024, 1), "rss_after_mb": round(rss / 1024, 1)}
    result["server_child_processes"] = len(children)
    if children:
        result["rss_note"] = f"server had {len(children)} child process(es); their VmHWM/VmRSS are summed"
    return result


async def _measure(db_path: Path, sessions: int, rounds: int, log_dir: Path) -> dict:
    chromium = os.environ.get("CHROMIUM_PATH", DEFAULT_CHROMIUM)
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / LOG_NAME
    result: dict = {"server_log": str(log_path)}
    all_visits: list[Visit] = []
    async with async_playwright() as pw:
        # The browser is launched before the server so its start-up is not part of the cold number.
        browser = await pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        server: StreamlitServer | None = None
        try:
            started = time.time()
            server = await asyncio.to_thread(
                start_streamlit, "app.py", log_path, env={"SIPAS_DB": str(db_path)}, cwd=REPO_ROOT
            )
            result["server_healthy_s"] = round(time.time() - started, 3)
            overview = page_url(server.url, "overview", year=None)

            cold, rendered_at = await _first_render(browser, overview, "cold overview")
            all_visits.append(cold)
            result["first_render_cold_s"] = None if cold.ms is None else round(rendered_at - started, 3)
            warm, _ = await _first_render(browser, overview, "warm overview")
            all_visits.append(warm)
            result["first_render_warm_s"] = None if warm.ms is None else round(warm.ms / 1000, 3)

            # One async Playwright (one driver, one Chromium, one context per session) rather than threads:
            # the sync API is bound to its thread, so threads would need one driver and one browser each, and
            # on a 2-core machine ten Chromiums would measure the browsers more than the server.
            t0 = time.monotonic()
            per_session = await asyncio.gather(
                *(_session(browser, server.url, i, rounds) for i in range(1, sessions + 1))
            )
            result["concurrent_wall_s"] = round(time.monotonic() - t0, 1)
            visits = [v for vs in per_session for v in vs]
            all_visits += visits
            times = [v.ms for v in visits if v.ms is not None]
            result["concurrent_sessions"] = sessions
            result["rounds"] = rounds
            result["page_visits"] = len(visits)
            result["page_timeouts"] = sum(v.ms is None for v in visits)
            for key, q in (("page_p50_ms", 50), ("page_p95_ms", 95), ("page_max_ms", 100)):
                value = percentile(times, q)
                result[key] = None if value is None else round(value)
            by_page = {}
            for name in PAGES:
                value = percentile([v.ms for v in visits if v.page == name and v.ms is not None], 95)
                by_page[name] = None if value is None else round(value)
            result["page_p95_ms_by_page"] = by_page
            result |= server_memory(server.proc.pid)
        finally:
            try:
                if server is not None:
                    server.stop()
            finally:
                await browser.close()
    errors = [e for v in all_visits for e in v.errors]
    result["errors"] = len(errors)
    result["error_samples"] = errors[:MAX_ERROR_SAMPLES]
    return result


def measure_browser(db_path: Path, *, sessions: int = 10, rounds: int = 2, log_dir: Path) -> dict:
    """Run the browser benchmark against `db_path` and return its numbers (see the module docstring).

    Keys: first_render_cold_s (server process start -> Overview rendered), first_render_warm_s (new
    session on the warm server, navigation -> rendered), concurrent_sessions, page_p50_ms, page_p95_ms,
    page_max_ms and page_p95_ms_by_page (concurrent phase, timed-out visits left out and counted in
    page_timeouts), errors and error_samples (all phases: exception boxes, console errors other than the
    known deep-link probes, timeouts), peak_rss_mb / rss_after_mb (server VmHWM / VmRSS after everything),
    plus server_healthy_s, concurrent_wall_s, page_visits, server_child_processes and server_log.
    The server log is written to `log_dir`; the server and the browser are stopped in all cases.
    """
    return asyncio.run(_measure(Path(db_path).resolve(), sessions, rounds, Path(log_dir)))


def main(argv: list[str] | None = None) -> int:
    """Command line: print measure_browser(...) as JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.browser", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="DuckDB database to serve (SIPAS_DB)")
    parser.add_argument("--sessions", type=int, default=10, help="concurrent browser sessions (default 10)")
    parser.add_argument("--rounds", type=int, default=2, help="visits of every page per session (default 2)")
    parser.add_argument("--log-dir", type=Path, help="where the server log goes (default: a temporary dir)")
    args = parser.parse_args(argv)
    if not args.db.exists():
        parser.error(f"database not found: {args.db}")
    log_dir = args.log_dir or Path(tempfile.mkdtemp(prefix="bench-browser-"))
    result = measure_browser(args.db, sessions=args.sessions, rounds=args.rounds, log_dir=log_dir)
    json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
