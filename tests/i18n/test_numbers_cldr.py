"""The hand-written number formats agree with the Unicode CLDR rules for Vietnamese and English (via Babel).

Formatting stays hand-written (see docs/dev.md, "Number formatting"): two languages, one decimal and one
grouping symbol each, about 1 µs a number instead of about 10 µs; this test is what ties it to CLDR."""

from __future__ import annotations

from babel.numbers import format_decimal, format_percent
from hypothesis import given
from hypothesis import strategies as st

from i18n import fmt_number, fmt_pct

CENTS = st.integers(min_value=-(10**11), max_value=10**11).map(lambda c: c / 100)


@given(CENTS)
def test_numbers_follow_cldr(value: float) -> None:
    for lang in ("vi", "en"):
        assert fmt_number(value, lang, 2) == format_decimal(value, format="#,##0.00", locale=lang)
        assert fmt_number(round(value), lang, 0) == format_decimal(round(value), format="#,##0", locale=lang)


@given(st.integers(min_value=0, max_value=10_000).map(lambda c: c / 100))
def test_percentages_follow_cldr(value: float) -> None:
    for lang in ("vi", "en"):
        assert fmt_pct(value, lang) == format_percent(value / 100, format="#,##0.00%", locale=lang)
