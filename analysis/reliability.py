"""How far a figure can be trusted, from its 95% interval: the reliability flag every page shows.

    half-width h = (ci_high - ci_low) / 2   (percentage points)
    suppressed   n < 30 (the engine hides the value)
    unreliable   no interval (one cluster) or h > UNRELIABLE_HALF_WIDTH: too uncertain to say anything;
                 shown greyed with the flag, never ranked or advised on
    caution      CAUTION_HALF_WIDTH < h <= UNRELIABLE_HALF_WIDTH: read with care
    reliable     h <= CAUTION_HALF_WIDTH

The thresholds are a stated convention of this dashboard (not a SIPAS rule; shown on the Methodology page):
an interval wider than ±10 points is wider than the whole range of the provinces' results in a wave (about
12–14 points), so it cannot place the unit among them; between ±5 and ±10 it places it only roughly.
"""

from __future__ import annotations

import math
from typing import Literal

Reliability = Literal["reliable", "caution", "unreliable", "suppressed"]

CAUTION_HALF_WIDTH = 5.0
UNRELIABLE_HALF_WIDTH = 10.0
LEVELS: tuple[Reliability, ...] = ("reliable", "caution", "unreliable", "suppressed")


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def half_width(ci_low: float | None, ci_high: float | None) -> float | None:
    """h = (ci_high - ci_low) / 2, or None when the interval is missing."""
    if _missing(ci_low) or _missing(ci_high):
        return None
    return (float(ci_high) - float(ci_low)) / 2


def reliability(
    value: float | None, ci_low: float | None, ci_high: float | None, flags: str = ""
) -> Reliability:
    """The reliability class of one figure (see the module docstring for the rule)."""
    if "suppressed" in str(flags).split(",") or _missing(value):
        return "suppressed"
    h = half_width(ci_low, ci_high)
    if h is None or h > UNRELIABLE_HALF_WIDTH:
        return "unreliable"
    if h > CAUTION_HALF_WIDTH:
        return "caution"
    return "reliable"


def is_usable(level: Reliability) -> bool:
    """Whether a figure may be ranked, compared or advised on (reliable or caution)."""
    return level in ("reliable", "caution")
