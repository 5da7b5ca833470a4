"""Text from data (file names, sources, unit and account names, anything typed, uploaded or read from the
database) made inert where it is put into markup: `md` for Streamlit markdown (no link, image, emphasis,
directive or HTML comes alive), `html` for HTML fragments such as plotly hover text and titles; `safe_url`
for the only links data may become.

The rule, layer by layer (data flows store -> analysis -> content -> screen | briefing | files):

- A content object (`content/*.py`) carries display-ready strings. Every string field the screen renders
  through Streamlit's markdown (a `Note`'s text, a `Metric`'s label, value and line under it, a `Table`'s
  title, a `Chart`'s caption, headings and subheaders, a `Link`'s label, an expander's title, radio
  options) is markdown of our own catalogue: each value from data is escaped with `md` where the builder
  puts it into a catalogue template. Views (`views/*.py`) never escape and never interpolate data.
- Table cells and column headers are plain text (st.dataframe draws them on a canvas) and carry the raw
  value; so do selectbox/multiselect options (their `format_func` labels are not markdown) and the data
  behind a chart (its CSV/XLSX).
- A table column of links holds only `safe_url` values ('' for anything else, whose text goes in its own
  plain-text column: `content.common.source_columns`): never a URL, a markdown link or an image taken from
  data as it is. No image is ever loaded from an address in data.
- Plotly figures: `charts/` escapes with `html` every plain text it is given (titles, subtitles, axis and
  legend labels, category tick labels, annotations); hover texts arrive as HTML built in `content/`, where
  each value from data is escaped with `html` (`content.common.hover`).
- Screen pieces that put data into Streamlit calls themselves (`ui/*.py`: the import form, the sign-in
  caption) escape it with `md` at that call.
- Readers that need the words without the markup (briefing packs: `briefing.text`; file headers:
  `content.exports.plain`) undo the escapes and drop the joiners `md` adds (`unescape_md` does so for one
  string; figure titles are HTML: their entities are decoded).
"""

from __future__ import annotations

import html as _html
import re
import unicodedata
from urllib.parse import urlsplit

# every character Streamlit's markdown (CommonMark + GFM + its own :directives: and $math$) gives a meaning
SPECIAL = "\\`*_{}[]()<>#+-.!|~:$=&"
_MARKDOWN = re.compile("([" + re.escape(SPECIAL) + "])")
_ESCAPED = re.compile(r"\\([" + re.escape(SPECIAL) + "])")
MAX_SHOWN = 500
JOINER = "\u2060"  # WORD JOINER: invisible, no line break; splits patterns the markdown renderer acts on
# where `md` puts a joiner: between ':' and what makes it 'http://', ':emoji:' or ':material/icon:'; before
# an '@' (e-mail links); between 'www' and its '.'
_LIVE_IN_TEXT = re.compile(r"(?<=:)(?=[\w/+-])|(?=@)|(?<=[wW]{3})(?=\.)")
MAX_URL = 2000
URL_SCHEMES = frozenset({"http", "https"})
# characters a URL shown as a link may not hold (RFC 3986 excludes them; quotes and brackets would end an
# attribute or a markdown link)
_URL_FORBIDDEN = frozenset("\"'<>\\^`{|}")
_HOST = re.compile(r"(?!-)[\w-]+(?:\.[\w-]+)*\.?")  # names (IDN letters too) and IPv4
_IPV6 = re.compile(r"[0-9a-f:.]+")


def md(text: object, limit: int = MAX_SHOWN) -> str:
    """`text` as literal markdown: special characters backslash-escaped, line breaks as spaces, cut to
    `limit` characters (with '…').

    Escapes cannot stop what Streamlit's markdown does to the text itself after parsing: GFM turns
    'http://…', 'www.…' and 'name@host.tld' in any text into links, and its emoji and icon plugins turn
    ':word:' into pictures. An invisible WORD JOINER (U+2060) breaks those patterns: after a ':' that a
    letter, digit or '/' follows, before every '@', and inside 'www.'. The words read the same."""
    value = " ".join(str(text).split())
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    value = _LIVE_IN_TEXT.sub(JOINER, value)
    return _MARKDOWN.sub(r"\\\1", value)


def unescape_md(text: str) -> str:
    """The words of markdown escaped by `md` (or written with backslash escapes), without the joiners `md`
    put in: '\\*a\\*' -> '*a*', 'http\\:' + JOINER + '//x' -> 'http://x'."""
    return _ESCAPED.sub(r"\1", text).replace(JOINER, "")


def html(text: object, limit: int = MAX_SHOWN) -> str:
    """`text` as literal HTML: &, <, >, quotes escaped, cut to `limit` characters."""
    value = str(text)
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return _html.escape(value, quote=True)


def safe_url(text: object) -> str | None:
    """`text` when it is an absolute http(s) URL that can be shown as a link, else None: a scheme of http or
    https, a host, no user name or password, a valid port, no whitespace, control character, quote, angle
    bracket or backslash, at most 2,000 characters. Surrounding whitespace is dropped. `javascript:`,
    `data:`, relative and protocol-relative addresses, 'http://a b' and 'http://user:pw@host/' give None."""
    if not isinstance(text, str):
        return None
    value = text.strip()
    if not value or len(value) > MAX_URL:
        return None
    if any(c in _URL_FORBIDDEN or c.isspace() or unicodedata.category(c).startswith("C") for c in value):
        return None
    try:
        parts = urlsplit(value)
        port = parts.port  # raises ValueError for a port that is not a number in 0–65535
    except ValueError:
        return None
    if parts.scheme.lower() not in URL_SCHEMES or not parts.netloc or not parts.hostname:
        return None
    if "@" in parts.netloc or parts.username is not None or parts.password is not None:
        return None
    if port is None and parts.netloc.endswith(":"):
        return None
    host = parts.hostname
    if not (_HOST.fullmatch(host) or parts.netloc.startswith("[") and _IPV6.fullmatch(host)):
        return None
    return value
