"""Offline and local by default: started as `make run` starts it (no --server.address), the dashboard makes
no outbound network attempt at start-up or while serving a page (no DNS lookup, no connection, no datagram
to anything but this machine) and listens on the loopback interface only. Every socket call of the server
process is observed with Python audit hooks (a `sitecustomize` on its PYTHONPATH)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import Browser

from tests.e2e.helpers import LOCALE, REPO_ROOT, VIEWPORT, start_streamlit

WATCH = """
import os, sys

_LOG = os.environ["SIPAS_NETWATCH_LOG"]
_LOCAL = {"localhost", "127.0.0.1", "::1", "", None}


def _host(value):
    return value.decode() if isinstance(value, bytes) else value


def _write(line):
    fd = os.open(_LOG, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, (line + "\\n").encode())
    finally:
        os.close(fd)


def _hook(event, args):
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        address = args[-1] if event != "socket.connect" else args[1]
        if isinstance(address, tuple) and _host(address[0]) not in _LOCAL:
            _write(f"{event} {address!r}")
    elif event == "socket.getaddrinfo" and _host(args[0]) not in _LOCAL:
        _write(f"{event} {args[0]!r}")
    elif event == "socket.gethostbyname" and _host(args[0]) not in _LOCAL:
        _write(f"{event} {args[0]!r}")
    elif event == "socket.bind" and isinstance(args[1], tuple):
        _write(f"bind {_host(args[1][0])}")


sys.addaudithook(_hook)
"""


def _watched_env(tmp_path: Path, log: Path) -> dict[str, str]:
    hooks = tmp_path / "netwatch"
    hooks.mkdir(exist_ok=True)
    (hooks / "sitecustomize.py").write_text(WATCH)
    path = os.pathsep.join(p for p in (str(hooks), str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {"PYTHONPATH": path, "SIPAS_NETWATCH_LOG": str(log)}


def test_the_watch_sees_an_outbound_lookup(tmp_path: Path) -> None:
    log = tmp_path / "control.log"
    env = {**os.environ, **_watched_env(tmp_path, log)}
    code = "import socket\ntry:\n    socket.getaddrinfo('checkip.example.invalid', 80)\nexcept OSError:\n    pass"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    assert "socket.getaddrinfo 'checkip.example.invalid'" in log.read_text()


def test_no_outbound_attempt_and_loopback_only(browser: Browser, demo_db_path: Path, tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    env = {"SIPAS_DB": str(demo_db_path), **_watched_env(tmp_path, log)}
    server = start_streamlit("app.py", tmp_path / "streamlit.log", env=env, address=None)
    try:
        context = browser.new_context(viewport=VIEWPORT, locale=LOCALE)
        page = context.new_page()
        page.goto(server.url)
        page.get_by_test_id("stMetric").first.wait_for(timeout=60_000)  # a whole page run
        context.close()
        time.sleep(1.0)
    finally:
        server.stop()
    lines = log.read_text().splitlines() if log.exists() else []
    outbound = [line for line in lines if not line.startswith("bind ")]
    binds = {line.split(" ", 1)[1] for line in lines if line.startswith("bind ")}
    assert outbound == [], outbound
    assert binds and binds <= {"127.0.0.1", "localhost", "::1"}, binds
