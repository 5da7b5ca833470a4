"""A short plain-language summary of one unit's results that says only what the numbers support.

`summary_paragraph(facts, lang)` joins up to five sentences, each from a template in the overview
catalogue (`narrative.*`):

1. level: value with its 95% CI (or "too few respondents" when suppressed);
2. change: by the verdict code of `analysis.change` — a rise or fall is called significant only for
   'up' / 'down'; 'no_change' states the direction and size with "not statistically significant";
   'not_comparable' says the years cannot be compared (2022 break) and gives no difference;
   'no_uncertainty' gives the difference and says it cannot be tested; 'suppressed' says so;
3. rank r/of with its 95% interval; the interval is called wide when rank_high − rank_low > 10;
4. gap to target g = value − 80; when the CI contains 80 the sentence says so instead of above/below;
5. the weakest element (lowest value) with its value.

The paragraph is markdown (`st.markdown`): the unit's and the element's names are escaped
(`i18n.markup.md`), everything else is numbers and catalogue words.

Facts (missing keys or None skip their sentence): unit, year, value, ci_low, ci_high, year_prev,
change, verdict, p_value, rank, rank_of, rank_low, rank_high, reaggregated (the rank is among the 34 new
provinces on pre-2025 data: said so in the rank sentence), weakest_element, weakest_value, target.
"""

from __future__ import annotations

import math

from i18n import fmt_ci, fmt_number, fmt_pct, markup, t

TARGET = 80.0
WIDE_RANK_INTERVAL = 10  # places: rank_high − rank_low above this is called wide


def _num(value: object) -> float | None:
    """A finite float, or None for None / NaN / pandas NA."""
    if value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _level(facts: dict, lang: str) -> str:
    value = _num(facts.get("value"))
    unit, year = markup.md(facts.get("unit", "")), facts.get("year", "")
    if value is None:
        return t("narrative.level_suppressed", lang, unit=unit, year=year)
    low, high = _num(facts.get("ci_low")), _num(facts.get("ci_high"))
    if low is None or high is None:
        return t("narrative.level_no_ci", lang, unit=unit, year=year, value=fmt_pct(value, lang))
    return t(
        "narrative.level", lang, unit=unit, year=year, value=fmt_pct(value, lang), ci=fmt_ci(low, high, lang)
    )


def _change(facts: dict, lang: str) -> str | None:
    verdict = facts.get("verdict")
    year_prev = facts.get("year_prev")
    if verdict is None or year_prev is None:
        return None
    change = _num(facts.get("change"))
    p_value = _num(facts.get("p_value"))
    p_text = fmt_number(p_value, lang, 3) if p_value is not None else "–"
    if verdict == "not_comparable":
        return t("narrative.change_not_comparable", lang, year=facts.get("year", ""), year_prev=year_prev)
    if verdict == "suppressed" or change is None:
        return t("narrative.change_suppressed", lang, year_prev=year_prev)
    size = fmt_number(abs(change), lang, 2)
    if verdict in ("up", "down"):
        return t(f"narrative.change_{verdict}", lang, year_prev=year_prev, size=size, p=p_text)
    direction = t("narrative.dir_up" if change > 0 else "narrative.dir_down", lang) if change else None
    if verdict == "no_uncertainty":
        if direction is None:
            return t("narrative.change_no_uncertainty_zero", lang, year_prev=year_prev)
        return t("narrative.change_no_uncertainty", lang, year_prev=year_prev, direction=direction, size=size)
    # 'no_change' (and any unknown code): never called a rise or a fall
    if direction is None:
        return t("narrative.change_zero", lang, year_prev=year_prev)
    return t(
        "narrative.change_not_significant",
        lang,
        year_prev=year_prev,
        direction=direction,
        size=size,
        p=p_text,
    )


def _rank(facts: dict, lang: str) -> str | None:
    rank, rank_of = _num(facts.get("rank")), _num(facts.get("rank_of"))
    if rank is None or rank_of is None:
        return None
    low, high = _num(facts.get("rank_low")), _num(facts.get("rank_high"))
    label = t("filters.reaggregated_label", lang) if facts.get("reaggregated") else ""
    if low is None or high is None:
        scope = f"{label}; " if label else ""
        return t("narrative.rank_no_interval", lang, rank=int(rank), of=int(rank_of), scope=scope)
    if high - low > WIDE_RANK_INTERVAL:
        scope = f" ({label})" if label else ""
        return t("narrative.rank_wide", lang, rank=int(rank), of=int(rank_of), low=int(low), high=int(high),
                 scope=scope)  # fmt: skip
    scope = f"{label}; " if label else ""
    return t(
        "narrative.rank", lang, rank=int(rank), of=int(rank_of), low=int(low), high=int(high), scope=scope
    )


def _gap(facts: dict, lang: str) -> str | None:
    value = _num(facts.get("value"))
    if value is None:
        return None
    target = _num(facts.get("target")) or TARGET
    gap = value - target
    low, high = _num(facts.get("ci_low")), _num(facts.get("ci_high"))
    values = {"gap": fmt_number(abs(gap), lang, 2), "target": fmt_pct(target, lang, 0)}
    if low is not None and high is not None and low <= target <= high:
        return t("narrative.gap_within", lang, **values)
    return t("narrative.gap_above" if gap >= 0 else "narrative.gap_below", lang, **values)


def _weakest(facts: dict, lang: str) -> str | None:
    name, value = facts.get("weakest_element"), _num(facts.get("weakest_value"))
    if not name or value is None:
        return None
    return t("narrative.weakest", lang, element=markup.md(name), value=fmt_pct(value, lang))


def summary_paragraph(facts: dict, lang: str) -> str:
    """The summary paragraph in `lang` ('vi' or 'en'); sentences and rules in the module docstring."""
    parts = [
        _level(facts, lang),
        _change(facts, lang),
        _rank(facts, lang),
        _gap(facts, lang),
        _weakest(facts, lang),
    ]
    return " ".join(part for part in parts if part)
