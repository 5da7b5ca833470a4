"""Text from data stays text in markdown and HTML, checked by rendering it the way Streamlit and plotly do."""

from __future__ import annotations

import pytest

from i18n import markup

HOSTILE = [
    "[Bấm vào đây để tải bản chính thức](http://evil.example/x)",
    "![](http://evil.example/pixel.png)",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    ":red[cảnh báo] :material/warning: $x^2$",
    "**đậm** _nghiêng_ `mã` # tiêu đề",
    '=HYPERLINK("http://evil")',
]


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_escape_leaves_no_live_character(text: str) -> None:
    """Every character markdown (or Streamlit's :directives: and $math$) would act on is backslash-escaped,
    and removing the escapes gives the text back."""
    escaped = markup.md(text)
    live = [k for k, c in enumerate(escaped) if c in "\\`*_{}[]()<>#+-.!|~:$=&" and (k == 0 or escaped[k - 1] != "\\")
            and not (c == "\\" and k + 1 < len(escaped))]  # fmt: skip
    assert live == []
    assert escaped.replace("\\", "") == text.replace("\\", "")


@pytest.mark.parametrize("text", HOSTILE)
def test_html_escape(text: str) -> None:
    escaped = markup.html(text)
    assert "<" not in escaped and ">" not in escaped and '"' not in escaped


def test_long_text_is_cut_and_breaks_flattened() -> None:
    assert markup.md("a\nb") == "a b"
    assert len(markup.html("x" * 10_000)) == markup.MAX_SHOWN
