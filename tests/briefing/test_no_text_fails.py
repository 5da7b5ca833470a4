"""An export whose text cannot be drawn fails loudly, never comes out without text.

Each case runs in a fresh process with an empty fontconfig configuration (no font directories), so
Chromium, started by that process's kaleido server, has no fonts at all:
- the font check refuses before anything is drawn (FontError naming the font and the fix);
- with the font check bypassed, the probe image has no ink where its title is: TextNotRendered;
- without Chromium, the reason says how to install it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.images import INSTALL
from i18n import t
from tests.e2e.helpers import REPO_ROOT

EMPTY_FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><cachedir>{cache}</cachedir></fontconfig>
"""

SCRIPT = """
import json, sys
import plotly.graph_objects as go
from briefing import fonts, images
from content.model import Chart
import pandas as pd
if sys.argv[1] == "bypass":
    fonts.check = lambda: None  # the first line of defence off: the probe must catch it
chart = Chart("c", go.Figure(go.Bar(x=["Hà Nội"], y=[80]), layout={"title": {"text": "Chỉ số hài lòng"}}),
              pd.DataFrame(), "n = 1", "c")
try:
    images.export(chart, "png", images.Stamp("Hà Nội", "2024"))
    print(json.dumps({"outcome": "image"}))
except images.ExportUnavailable as error:
    print(json.dumps({"outcome": type(error).__name__, "vi": error.message_vi, "en": error.message_en}))
"""


def _run(tmp_path: Path, mode: str, **env: str) -> dict:
    config = tmp_path / "fonts.conf"
    config.write_text(EMPTY_FONTCONFIG.format(cache=tmp_path / "cache"), encoding="utf-8")
    environment = os.environ | {"FONTCONFIG_FILE": str(config), "PYTHONPATH": str(REPO_ROOT)} | env
    for attempt in (1, 2):  # a Chromium without any font once stalled at start on a loaded CI machine
        try:
            done = subprocess.run([sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True, timeout=90,
                                  env=environment, cwd=REPO_ROOT, check=True)  # fmt: skip
            break
        except subprocess.TimeoutExpired:
            if attempt == 2:
                raise
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_empty_fontconfig_is_refused_before_drawing(tmp_path: Path) -> None:
    result = _run(tmp_path, "check")
    assert result["outcome"] == "FontError"
    assert "Noto Sans" in result["vi"] and "fonts-noto-core" in result["en"]


def test_text_that_was_not_drawn_is_caught(tmp_path: Path) -> None:
    result = _run(tmp_path, "bypass")
    assert result["outcome"] == "TextNotRendered"
    assert result["vi"] == t("briefing.text_not_rendered", "vi", install=INSTALL)


def test_no_chromium_says_how_to_install(tmp_path: Path) -> None:
    result = _run(tmp_path, "check", CHROMIUM_PATH=str(tmp_path / "no-chromium"))
    assert result["outcome"] == "ExportUnavailable"
    assert "apt-get install chromium" in result["vi"] and "Chromium" in result["en"]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_messages_name_the_fix(lang: str) -> None:
    assert "apt-get" in t("briefing.text_not_rendered", lang, install=INSTALL)
    assert "apt-get" in t("briefing.no_chromium", lang, path="x", install=INSTALL)
