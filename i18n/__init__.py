"""User-facing text: TOML catalogues per language (Vietnamese first), and number formatting.

Each language is a folder `i18n/locales/<lang>/` of TOML files (one per feature: core.toml, overview.toml…)
merged into one catalogue; a key defined in two files is an error.

`t("overview.title", "vi")` looks up a dotted key; `{name}` placeholders are filled from keyword arguments.
Vietnamese numbers use a decimal comma and a dot for thousands (84,50%; 36.525); English the reverse.
"""

from __future__ import annotations

import math
import tomllib
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            flat |= _flatten(value, full + ".")
        else:
            flat[full] = str(value)
    return flat


@cache
def catalogue(lang: str) -> dict[str, str]:
    """All messages of one language, keyed by dotted key."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    merged: dict[str, str] = {}
    for path in sorted((LOCALE_DIR / lang).glob("*.toml")):
        with path.open("rb") as handle:
            part = _flatten(tomllib.load(handle))
        clash = set(part) & set(merged)
        if clash:
            raise ValueError(f"keys defined twice in {lang} catalogue ({path.name}): {sorted(clash)}")
        merged |= part
    return merged


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The message for `key` in `lang`, with placeholders filled; a missing key raises KeyError."""
    text = catalogue(lang)[key]
    return text.format(**values) if values else text


def has(key: str, lang: str = DEFAULT_LANGUAGE) -> bool:
    """Whether the catalogue of `lang` has `key`."""
    return key in catalogue(lang)


def fmt_number(value: float | int | None, lang: str = DEFAULT_LANGUAGE, decimals: int = 2) -> str:
    """12345.678 -> '12.345,68' (vi) or '12,345.68' (en); None/NaN -> '–'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def fmt_pct(value: float | None, lang: str = DEFAULT_LANGUAGE, decimals: int = 2) -> str:
    """84.5 -> '84,50%' (vi) or '84.50%' (en)."""
    text = fmt_number(value, lang, decimals)
    return text if text == "–" else f"{text}%"


def fmt_signed(value: float | None, lang: str = DEFAULT_LANGUAGE, decimals: int = 2) -> str:
    """Signed change in points: '+1,30' / '−0,40' (vi)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return sign + fmt_number(abs(value), lang, decimals)


CI_WORD = {"vi": " đến ", "en": " to "}  # between the ends of an interval that has a negative end


def _fmt_end(value: float, lang: str, decimals: int) -> str:
    """One end of an interval: a true minus sign (−) when negative; zero is never '−0,00'."""
    text = fmt_number(abs(value), lang, decimals)
    return "−" + text if value < 0 and text.strip("0,.") else text


def fmt_ci(
    low: float | None,
    high: float | None,
    lang: str = DEFAULT_LANGUAGE,
    decimals: int = 2,
    worded: bool = False,
) -> str:
    """95% CI as '82,10–84,30' (en dash between the ends); when an end is negative (changes, slopes) the
    ends carry a true minus and are joined by a word, never a dash next to a minus: '−10,33 đến −1,81'
    (vi), '−10.33 to 1.81' (en). `worded=True` always joins by the word (a column of changes reads alike
    whatever the signs: '0,55 đến 8,65'). No interval: '–'."""
    if low is None or high is None or any(isinstance(v, float) and math.isnan(v) for v in (low, high)):
        return "–"
    ends = _fmt_end(low, lang, decimals), _fmt_end(high, lang, decimals)
    if worded or any(end.startswith("−") for end in ends):
        return CI_WORD.get(lang, " to ").join(ends)
    return "–".join(ends)
