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
    assert escaped.replace("\\", "").replace(markup.JOINER, "") == text.replace("\\", "")


@pytest.mark.parametrize("text", HOSTILE)
def test_html_escape(text: str) -> None:
    escaped = markup.html(text)
    assert "<" not in escaped and ">" not in escaped and '"' not in escaped


def test_long_text_is_cut_and_breaks_flattened() -> None:
    assert markup.md("a\nb") == "a b"
    assert len(markup.html("x" * 10_000)) == markup.MAX_SHOWN


@pytest.mark.parametrize(
    "url",
    [
        "https://moha.gov.vn/tin-tuc/sipas-2024?nam=2024&tinh=01#bang",
        "http://sipas.intranet.example:8080/bao-cao",
        "HTTPS://Example.VN/x",
        "https://bộnộivụ.vn/tin",  # an internationalised host name
        "http://[::1]:8501/data",
    ],
)
def test_safe_url_keeps_http_urls(url: str) -> None:
    assert markup.safe_url(url) == url
    assert markup.safe_url(f"  {url} ") == url  # surrounding whitespace is dropped


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "ftp://files.example.vn/a.csv",
        "/relative/path",
        "relative.html",
        "//evil.example/x",  # protocol-relative
        "http:evil.example",
        "http:///nohost",
        "http://evil.example/a b",  # a space
        'http://evil.example/"onmouseover="alert(1)',
        "http://evil.example/'x'",
        "http://evil.example/<script>",
        "http://evil.example/\\x",
        "http://evil.example/\x00",
        "http://evil.example/\tx",
        "http://user:pw@evil.example/",  # credentials
        "http://user@evil.example/",
        "http://good.example@evil.example/",
        "http://evil.example:99999/",  # no such port
        "http://evil.example:/",
        "http://-evil.example/",
        "[Bấm vào đây](http://evil.example/x)",
        "![x](http://evil.example/p.png)",
        "",
        "   ",
        "http://" + "a" * 2100 + ".vn",
        None,
        42,
    ],
)
def test_safe_url_refuses_everything_else(text: object) -> None:
    assert markup.safe_url(text) is None


@pytest.mark.parametrize("text", HOSTILE)
def test_unescape_md_gives_the_text_back(text: str) -> None:
    assert markup.unescape_md(markup.md(text)) == text


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("http://evil.example/x", r"https?:\/\/"),  # GFM's literal autolinks act on the text itself
        ("xem WWW.evil.example", r"www(?=\.)"),
        ("thu@evil.example", r"[-.\w+]@"),
        (":smile: :material/warning:", r":[\w+-][\w_+-]*:"),  # emoji and icon shortcodes
    ],
)
def test_patterns_the_renderer_finds_in_text_are_broken(text: str, pattern: str) -> None:
    """Escapes are gone once the markdown is parsed; the joiner stays in the text node and breaks the
    patterns Streamlit's renderer looks for there (its own regular expressions, case-insensitive)."""
    import re

    words = markup.md(text).replace("\\", "")  # the text node after parsing: escapes resolved
    assert re.search(pattern, text, re.IGNORECASE)
    assert not re.search(pattern, words, re.IGNORECASE)
    assert words.replace(markup.JOINER, "") == text
