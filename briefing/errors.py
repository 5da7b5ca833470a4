"""Why a chart or a briefing cannot be drawn on this machine, in Vietnamese and English (no Streamlit)."""

from __future__ import annotations


class ExportUnavailable(RuntimeError):
    """Charts cannot be drawn here (no Chromium, missing fonts); the message says why and how to fix it."""

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(f"{message_vi} / {message_en}")
        self.message_vi = message_vi
        self.message_en = message_en

    def message(self, lang: str) -> str:
        """The reason and its fix in `lang`."""
        return self.message_vi if lang == "vi" else self.message_en


class FontError(ExportUnavailable):
    """The fonts exports need are not installed (fontconfig does not list them)."""


class TextNotRendered(ExportUnavailable):
    """An image came out without the text it should show (fonts not found by the browser)."""
