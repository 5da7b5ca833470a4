"""The summary paragraph states only what the numbers support (constructed facts, no database)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content.narrative import summary_paragraph

BASE = {
    "unit": "Hà Nội",
    "year": 2024,
    "value": 84.5,
    "ci_low": 82.1,
    "ci_high": 86.9,
    "year_prev": 2023,
    "change": 1.3,
    "verdict": "no_change",
    "p_value": 0.21,
    "rank": 12,
    "rank_of": 63,
    "rank_low": 8,
    "rank_high": 17,
    "weakest_element": "Thủ tục hành chính",
    "weakest_value": 80.2,
}
FORBIDDEN = (
    "tăng có ý nghĩa",
    "giảm có ý nghĩa",
    "significant rise",
    "significant fall",
    "cải thiện",
    "improve",
)


def test_not_significant_rise_is_not_called_a_rise() -> None:
    vi = summary_paragraph(BASE, "vi")
    en = summary_paragraph(BASE, "en")
    assert "tăng 1,30 điểm, chưa có ý nghĩa thống kê" in vi
    assert "up 1.30 points, not statistically significant" in en
    assert "84,50%" in vi and "82,10–86,90" in vi
    assert "84.50%" in en and "82.10–86.90" in en
    for text in (vi, en):
        assert not any(word in text for word in FORBIDDEN)


@pytest.mark.parametrize(("verdict", "change", "vi", "en"), [
    ("up", 2.0, "tăng có ý nghĩa thống kê 2,00 điểm", "significant rise of 2.00 points"),
    ("down", -2.0, "giảm có ý nghĩa thống kê 2,00 điểm", "significant fall of 2.00 points"),
])  # fmt: skip
def test_significant_changes_are_named(verdict: str, change: float, vi: str, en: str) -> None:
    facts = BASE | {"verdict": verdict, "change": change, "p_value": 0.001}
    assert vi in summary_paragraph(facts, "vi")
    assert en in summary_paragraph(facts, "en")


def test_across_the_2022_break_years_are_not_comparable() -> None:
    facts = BASE | {
        "year": 2022,
        "year_prev": 2021,
        "change": -6.1,
        "verdict": "not_comparable",
        "p_value": None,
    }
    vi, en = summary_paragraph(facts, "vi"), summary_paragraph(facts, "en")
    assert "không so sánh được" in vi and "not comparable" in en
    assert "6,10" not in vi and "6.10" not in en  # no difference is stated across the break
    for text in (vi, en):
        assert not any(word in text for word in FORBIDDEN)


def test_no_uncertainty_and_suppressed() -> None:
    facts = BASE | {"verdict": "no_uncertainty", "change": -0.4, "p_value": None}
    assert "giảm 0,40 điểm; không có sai số để kiểm định" in summary_paragraph(facts, "vi")
    assert "no standard error to test" in summary_paragraph(facts, "en")
    hidden = BASE | {"value": None, "verdict": "suppressed", "change": None}
    assert "không đủ mẫu" in summary_paragraph(hidden, "vi")
    assert "too few respondents" in summary_paragraph(hidden, "en").lower()


def test_wide_rank_interval_is_said() -> None:
    narrow = summary_paragraph(BASE | {"rank_low": 8, "rank_high": 18}, "en")  # width 10: not wide
    wide = summary_paragraph(BASE | {"rank_low": 2, "rank_high": 25}, "en")
    assert "Ranked 12 of 63 (95% rank interval: 8–18)" in narrow and "wide" not in narrow
    assert "interval is wide (2–25)" in wide
    assert "khoảng hạng 95% rộng (2–25)" in summary_paragraph(BASE | {"rank_low": 2, "rank_high": 25}, "vi")


def test_gap_to_target_and_weakest_element() -> None:
    assert "Cao hơn mục tiêu 80% 4,50 điểm." in summary_paragraph(BASE, "vi")
    below = BASE | {"value": 76.0, "ci_low": 74.0, "ci_high": 78.0}
    assert "4.00 points below the 80% target" in summary_paragraph(below, "en")
    within = BASE | {"value": 80.5, "ci_low": 79.0, "ci_high": 82.0}
    assert "contains the 80% target" in summary_paragraph(within, "en")
    assert "Yếu tố thấp nhất: Thủ tục hành chính (80,20%)" in summary_paragraph(BASE, "vi")


def test_national_facts_without_rank() -> None:
    facts = {k: v for k, v in BASE.items() if not k.startswith("rank")} | {"unit": "Toàn quốc"}
    text = summary_paragraph(facts, "vi")
    assert text.startswith("Toàn quốc đạt") and "Xếp hạng" not in text


finite = st.floats(min_value=0, max_value=100, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(
    lang=st.sampled_from(["vi", "en"]),
    value=st.one_of(st.none(), finite),
    half_width=st.floats(min_value=0, max_value=10, allow_nan=False),
    change=st.one_of(st.none(), st.floats(min_value=-20, max_value=20, allow_nan=False)),
    p_value=st.one_of(st.none(), st.floats(min_value=0, max_value=1, allow_nan=False)),
    rank=st.integers(min_value=1, max_value=63),
    spread=st.tuples(st.integers(0, 30), st.integers(0, 30)),
    weakest=st.one_of(st.none(), finite),
)
def test_no_change_never_claims_a_significant_change(
    lang: str,
    value: float | None,
    half_width: float,
    change: float | None,
    p_value: float | None,
    rank: int,
    spread: tuple[int, int],
    weakest: float | None,
) -> None:
    facts = BASE | {
        "value": value,
        "ci_low": None if value is None else value - half_width,
        "ci_high": None if value is None else value + half_width,
        "change": change,
        "verdict": "no_change",
        "p_value": p_value,
        "rank": rank,
        "rank_low": max(1, rank - spread[0]),
        "rank_high": min(63, rank + spread[1]),
        "weakest_value": weakest,
    }
    text = summary_paragraph(facts, lang).lower()
    assert text
    assert not any(word in text for word in FORBIDDEN)
