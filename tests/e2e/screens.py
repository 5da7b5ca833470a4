"""What a user sees on a page, for the screen tests: its visible text and a small screenshot compared with a
committed baseline.

Visible text = every text node that is rendered (not in a hidden element, not a Material icon ligature such
as "upload", not inside a link's URL text, a <code> span or a table: tables are drawn on a canvas and
checked on the content objects), plus the title and plotly `data-title` (toolbar
tooltip) attributes of visible elements and the placeholder of empty fields. Screen-reader labels
(aria-label) are not read: Streamlit's own ("Open", "Collapse sidebar") cannot be translated in 1.67.

Baselines (`tests/e2e/baselines/<case>-<page>.png`) are the first screen at 1366x768 scaled by 1/2 and
stored as 16-level grey PNGs (small). A screen differs from its baseline when more than `MAX_CHANGED`
of its pixels differ by more than `PIXEL_TOLERANCE` grey levels (anti-aliasing and font hinting stay well
below; a moved legend, a missing chart or a new banner do not). `SIPAS_UPDATE_BASELINES=1` rewrites them.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops

BASELINE_DIR = Path(__file__).resolve().parent / "baselines"
SCALE = 2
LEVELS = 16
PIXEL_TOLERANCE = 48
MAX_CHANGED = 0.01
UPDATE = os.environ.get("SIPAS_UPDATE_BASELINES") == "1"

_VISIBLE_TEXT_JS = """() => {
    const shown = (el) => {
        for (let e = el; e; e = e.parentElement) {
            const s = getComputedStyle(e);
            if (s.display === 'none' || s.visibility === 'hidden' || s.opacity === '0') return false;
        }
        return true;
    };
    // tables are drawn on a canvas; their hidden accessibility copy holds raw values (URLs): their text is
    // checked on the content objects instead (tests/content/test_nothing_raw.py)
    const skip = (el) => el.closest(
        '[data-testid="stIconMaterial"], [data-testid="stDataFrame"], code, script, style, a, noscript');
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent.trim();
        const el = node.parentElement;
        if (text && el && !skip(el) && shown(el)) out.push(text);
    }
    for (const el of document.querySelectorAll('[placeholder], [title], [data-title]')) {
        if (!shown(el) || el.closest('[data-testid="stIconMaterial"]')) continue;
        for (const attr of ['title', 'data-title']) {
            const v = el.getAttribute(attr);
            if (v && v.trim()) out.push(v.trim());
        }
        const hint = el.getAttribute('placeholder');  // shown only while the field is empty
        if (hint && hint.trim() && !el.value) out.push(hint.trim());
    }
    return out;
}"""

# elements whose frontend code loads lazily are skeletons first (stSkeleton; see bench/browser.py), and
# plotly draws after that: wait until no skeleton is left, every chart has its SVG and every map subplot
# (MapLibre) has loaded its layers
_CHARTS_DRAWN_JS = """() => document.querySelectorAll('[data-testid="stSkeleton"]').length === 0
    && Array.from(document.querySelectorAll('.js-plotly-plot')).every(p => {
    const layout = p._fullLayout;
    if (!p.querySelector('.main-svg') || !layout) return false;
    const maps = (layout._subplots && layout._subplots.map) || [];
    return maps.every(id => {
        const sub = layout[id] && layout[id]._subplot;
        return sub && sub.map && sub.map.loaded() && !sub.map.isMoving();
    });
})"""

# words of Streamlit's and plotly's English chrome, or English table headers, that must not appear in vi
ENGLISH_UI = [
    "Download", "Upload", "Choose", "Search", "Running", "per file", "Browse", "Drag and drop", "Fullscreen",
    "Zoom", "Autoscale", "Reset", "Page not found", "No results", "Press Enter", "Index", "Rank", "Year",
    "Notes", "Effective", "Source", "Name", "Value", "Group", "Select", "options", "Show", "Close", "Clear",
    "Stop", "Deploy", "Settings", "trace", "Element", "Criteria", "Province", "District", "National",
]  # fmt: skip
_ENGLISH_RE = re.compile(r"\b(" + "|".join(re.escape(w) for w in ENGLISH_UI) + r")\b")
# values no user should read: empty markers and internal codes
_RAW_RE = re.compile(
    r"(?<![\w-])(None|nan|NaN|null|undefined|<NA>|NaT)(?![\w-])"  # empty markers
    r"|\b[a-z]+_[a-z0-9_]+\b"  # snake_case codes (priority_improve, sipas_2017, policy_info)
    r"|\bpre2025\b|\b(?:element|domain|criterion|item):[a-z_]+"  # geography and index codes
    r"|\bP(?:34|63)-\d{2}\b"  # unit codes
)


def visible_text(page) -> list[str]:  # noqa: ANN001 - a Playwright page
    """Every visible text of the page (text nodes and user-facing attributes)."""
    return page.evaluate(_VISIBLE_TEXT_JS)


def raw_findings(texts: list[str], lang: str) -> list[str]:
    """Texts that show English UI words in Vietnamese mode, or raw codes/empty markers in any language."""
    found = []
    for text in texts:
        if lang == "vi" and (m := _ENGLISH_RE.search(text)):
            found.append(f"English word {m.group(0)!r} in {text[:120]!r}")
        if m := _RAW_RE.search(text):
            found.append(f"raw {m.group(0)!r} in {text[:120]!r}")
    return sorted(set(found))


def wait_for_charts(page, timeout_ms: int = 15_000) -> None:  # noqa: ANN001
    """Wait until every plotly chart on the page is drawn, then let transitions settle."""
    page.wait_for_function(_CHARTS_DRAWN_JS, timeout=timeout_ms)
    page.wait_for_timeout(300)


def small_grey(png: bytes) -> Image.Image:
    """A screenshot as the baseline stores it: 1/SCALE size, LEVELS grey levels."""
    image = Image.open(io.BytesIO(png)).convert("L")
    image = image.resize((image.width // SCALE, image.height // SCALE), Image.Resampling.BOX)
    step = 256 // LEVELS
    return image.point(lambda v: (v // step) * step + step // 2)


@dataclass
class Comparison:
    """How a screen compares with its baseline."""

    changed: float  # share of pixels that differ by more than PIXEL_TOLERANCE
    baseline: Path
    created: bool = False

    @property
    def ok(self) -> bool:
        return self.created or self.changed <= MAX_CHANGED


def compare(name: str, png: bytes, artifacts: Path, directory: Path = BASELINE_DIR) -> Comparison:
    """Compare a screenshot with baseline `name` in `directory`; write it when missing or when updating. On a
    difference the actual image and a difference image go to `artifacts`."""
    actual = small_grey(png)
    path = directory / f"{name}.png"
    if UPDATE or not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        actual.save(path, optimize=True)
        return Comparison(0.0, path, created=True)
    baseline = Image.open(path).convert("L")
    if baseline.size != actual.size:
        return Comparison(1.0, path)
    diff = ImageChops.difference(baseline, actual).point(lambda v: 255 if v > PIXEL_TOLERANCE else 0)
    changed = sum(diff.histogram()[255:]) / (diff.width * diff.height)
    result = Comparison(changed, path)
    if not result.ok:
        artifacts.mkdir(parents=True, exist_ok=True)
        actual.save(artifacts / f"{name}-actual.png")
        diff.save(artifacts / f"{name}-diff.png")
    return result
