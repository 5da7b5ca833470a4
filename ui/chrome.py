"""Streamlit's own words on screen, in the chosen language: the file uploader's button and instructions, and
no English toolbars over tables and charts.

Streamlit 1.67 has no option to translate these, so a stylesheet (only CSS, from our own catalogue, escaped
as CSS strings) hides its English text and
shows ours in a pseudo-element (hidden text is not in the page's text either):
- the uploader's "Upload" button and "200MB per file • CSV, XLSX" line;
- the element toolbar over tables and charts ("Download as CSV", "Search", "Fullscreen"): hidden; tables
  have our own download menu (language, rounding, header block, formula-safe cells) and charts theirs;
- the "Running…/Stop" status text in the top bar (the running icon stays).
"""

from __future__ import annotations

import streamlit as st

from i18n import t


def css_string(text: str) -> str:
    """`text` as a CSS string literal: quotes, backslashes and line breaks escaped (no markup can escape)."""
    escaped = "".join(c if c.isalnum() or c in " .,;:–—·()%/-" else f"\\{ord(c):06x}" for c in text)
    return f'"{escaped}"'


def stylesheet(lang: str, max_upload_mb: int) -> str:
    """The CSS that puts our words in place of Streamlit's."""
    button = css_string(t("chrome.upload_button", lang))
    hint = css_string(t("chrome.upload_hint", lang, mb=max_upload_mb))
    return f"""<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] {{ display: none; }}
[data-testid="stFileUploaderDropzone"] button span[style*="contents"]::after {{
  content: {button}; white-space: nowrap; }}
[data-testid="stFileUploaderDropzoneInstructions"] > div > span {{ display: none; }}
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {{ content: {hint}; font-size: 0.875rem;
  opacity: 0.7; }}
[data-testid="stElementToolbar"] {{ display: none !important; }}
[data-testid="stStatusWidget"] label, [data-testid="stStatusWidget"] button {{ display: none; }}
</style>"""


def apply(lang: str) -> None:
    """Add the stylesheet to this run's page (a style-only `st.html` takes no space)."""
    max_mb = int(st.get_option("server.maxUploadSize"))
    st.html(stylesheet(lang, max_mb))
