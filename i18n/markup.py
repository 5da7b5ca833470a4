"""Text from data (file names, sources, unit and account names, anything typed or uploaded) made inert where
it is put into markup: `md` for Streamlit markdown (no link, image, emphasis, directive or HTML comes alive),
`html` for HTML fragments such as plotly hover text and titles."""

from __future__ import annotations

import html as _html
import re

# every character Streamlit's markdown (CommonMark + GFM + its own :directives: and $math$) gives a meaning
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$=&])")
MAX_SHOWN = 500


def md(text: object, limit: int = MAX_SHOWN) -> str:
    """`text` as literal markdown: special characters backslash-escaped, line breaks as spaces, cut to
    `limit` characters (with '…')."""
    value = " ".join(str(text).split())
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return _MARKDOWN.sub(r"\\\1", value)


def html(text: object, limit: int = MAX_SHOWN) -> str:
    """`text` as literal HTML: &, <, >, quotes escaped, cut to `limit` characters."""
    value = str(text)
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return _html.escape(value, quote=True)
