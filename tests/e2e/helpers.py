"""Reusable pieces of the browser-test harness: a Streamlit server process and a "wait until idle" helper.

Nothing here depends on pytest fixtures, so a test may also start its own server (see test_harness.py).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS_DIR = Path(__file__).resolve().parent / "artifacts"
DEFAULT_CHROMIUM = "/usr/bin/chromium"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 1366, "height": 768}
LOCALE = "vi-VN"

SERVER_START_TIMEOUT_S = 60.0
APP_IDLE_TIMEOUT_S = 30.0
APP_IDLE_QUIET_S = 1.0

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
NETWORK_SCHEMES = {"http", "https", "ws", "wss"}

# Streamlit 1.67 marks its root element with the script and connection state; see the frontend bundle
# (static/js/index.*.js): data-testid="stApp", data-test-script-state in {initial, running, rerunRequested,
# stopRequested, notRunning, compilationError}, data-test-connection-state in {INITIAL, CONNECTING,
# CONNECTED, PINGING_SERVER, DISCONNECTED_FOREVER, ...}. The "running man" icon is stStatusWidgetRunningIcon.
_APP_STATE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) return {found: false};
    const widget = document.querySelector('[data-testid="stStatusWidget"]');
    return {
        found: true,
        script: app.getAttribute('data-test-script-state'),
        connection: app.getAttribute('data-test-connection-state'),
        runningIcon: !!document.querySelector('[data-testid="stStatusWidgetRunningIcon"]'),
        statusText: widget ? widget.innerText : '',
        skeleton: !!document.querySelector('[data-testid="stAppSkeleton"]'),
    };
}"""
_IDLE_SCRIPT_STATES = {"notRunning", "compilationError"}


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_external_url(url: str) -> bool:
    """True for http(s)/ws(s) URLs whose host is not this machine (data:, blob:, about: never are)."""
    parts = urlsplit(url)
    if parts.scheme not in NETWORK_SCHEMES:
        return False
    return (parts.hostname or "") not in LOCAL_HOSTS


def _tail(path: Path, n_chars: int = 4000) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError as exc:
        return f"<cannot read {path}: {exc}>"
    return text[-n_chars:]


@dataclass
class StreamlitServer:
    """A `streamlit run` child process in its own process group, logging to `log_path`."""

    proc: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, n_chars: int = 4000) -> str:
        return _tail(self.log_path, n_chars)

    def stop(self, timeout: float = 10.0) -> None:
        if self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=timeout)


def start_streamlit(
    script: str | Path,
    log_path: Path,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path = REPO_ROOT,
    timeout: float = SERVER_START_TIMEOUT_S,
) -> StreamlitServer:
    """Start `streamlit run script` on a free port and wait until /_stcore/health answers "ok".

    On failure (process exits, or no "ok" within `timeout` seconds) the process group is killed and
    RuntimeError is raised with the tail of the server output.
    """
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    full_env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", **(env or {})}
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = StreamlitServer(proc=proc, port=port, log_path=log_path)
    try:
        _wait_for_health(server, timeout)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_for_health(server: StreamlitServer, timeout: float) -> None:
    health_url = f"{server.url}/_stcore/health"
    deadline = time.monotonic() + timeout
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        code = server.proc.poll()
        if code is not None:
            raise RuntimeError(
                f"Streamlit server exited with code {code} before becoming healthy.\n"
                f"--- server output ({server.log_path}) ---\n{server.log_tail()}"
            )
        try:
            with urllib.request.urlopen(health_url, timeout=2) as resp:
                body = resp.read().decode(errors="replace").strip()
                if resp.status == 200 and body == "ok":
                    return
                last_error = f"HTTP {resp.status}: {body[:200]!r}"
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
            last_error = repr(exc)
        time.sleep(0.2)
    raise RuntimeError(
        f"Streamlit server at {health_url} not healthy after {timeout:.0f} s (last: {last_error}).\n"
        f"--- server output ({server.log_path}) ---\n{server.log_tail()}"
    )


def record_problems(context: BrowserContext, page: Page) -> None:
    """Attach `page.console_errors` and `page.external_requests` lists, filled while the test runs.

    console_errors: text of console messages of type "error" plus uncaught page errors ("pageerror: ...").
    external_requests: URLs of any request or WebSocket leaving this machine (any page/frame in the context).
    """
    console_errors: list[str] = []
    external_requests: list[str] = []

    def on_console(msg) -> None:
        if msg.type == "error":
            loc = msg.location or {}
            where = f" ({loc.get('url')}:{loc.get('lineNumber')})" if loc.get("url") else ""
            console_errors.append(f"console.error: {msg.text}{where}")

    def on_request(request) -> None:
        if is_external_url(request.url):
            external_requests.append(request.url)

    def on_websocket(ws) -> None:
        if is_external_url(ws.url):
            external_requests.append(ws.url)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: console_errors.append(f"pageerror: {exc}"))
    page.on("websocket", on_websocket)
    context.on("request", on_request)
    page.console_errors = console_errors
    page.external_requests = external_requests


def app_state(page: Page) -> dict:
    """Streamlit's own view of the page: script state, connection state, running indicator."""
    return page.evaluate(_APP_STATE_JS)


def wait_for_app(page: Page, timeout: float = APP_IDLE_TIMEOUT_S, quiet: float = APP_IDLE_QUIET_S) -> None:
    """Wait until the Streamlit script has finished and stayed finished for `quiet` seconds.

    Idle means: the stApp root exists, the websocket is CONNECTED, the script state is notRunning (or
    compilationError), and no "Running" status widget / running icon / app skeleton is shown.
    Call it after page.goto(...) and after every interaction that triggers a rerun.
    """
    deadline = time.monotonic() + timeout
    page.wait_for_selector('[data-testid="stApp"]', state="attached", timeout=timeout * 1000)
    idle_since: float | None = None
    state: dict = {}
    while True:
        state = app_state(page)
        idle = (
            state.get("found")
            and state.get("connection") in (None, "CONNECTED")
            and state.get("script") in _IDLE_SCRIPT_STATES
            and not state.get("runningIcon")
            and not state.get("skeleton")
            and "Running" not in (state.get("statusText") or "")
        )
        now = time.monotonic()
        if idle:
            idle_since = idle_since if idle_since is not None else now
            if now - idle_since >= quiet:
                return
        else:
            idle_since = None
        if now >= deadline:
            raise AssertionError(
                f"Streamlit app did not become idle within {timeout:.0f} s; last state: {state}"
            )
        page.wait_for_timeout(100)


def open_app(page: Page, url: str, timeout: float = APP_IDLE_TIMEOUT_S) -> Page:
    """page.goto(url) then wait_for_app(page); returns the page for chaining."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout * 1000)
    wait_for_app(page, timeout=timeout)
    return page


def app_exceptions(page: Page) -> list[str]:
    """Texts of Python exceptions Streamlit shows on the page (st.exception / uncaught errors)."""
    return page.locator('[data-testid="stException"]').all_inner_texts()


def assert_page_clean(page: Page) -> None:
    """No console errors, no requests leaving the machine, no Python exception boxes on the page."""
    problems = []
    if page.console_errors:
        problems.append("console errors:\n  " + "\n  ".join(page.console_errors))
    if page.external_requests:
        problems.append("external requests:\n  " + "\n  ".join(sorted(set(page.external_requests))))
    exceptions = app_exceptions(page)
    if exceptions:
        problems.append("exceptions shown in the app:\n  " + "\n  ".join(exceptions))
    assert not problems, "\n".join(problems)


def save_artifacts(page: Page, name: str) -> Path:
    """Full-page screenshot plus a text file with console errors / external requests; returns the PNG path."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:150]
    png = ARTIFACTS_DIR / f"{safe}.png"
    with contextlib.suppress(Exception):
        page.screenshot(path=str(png), full_page=True, timeout=10_000)
    notes = [
        f"url: {page.url}",
        "console_errors:",
        *getattr(page, "console_errors", []),
        "external_requests:",
        *getattr(page, "external_requests", []),
    ]
    (ARTIFACTS_DIR / f"{safe}.txt").write_text("\n".join(notes) + "\n")
    return png
