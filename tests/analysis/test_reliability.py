"""The reliability flag: thresholds on the interval's half-width, suppression and missing intervals."""

import math

import pytest

from analysis.reliability import half_width, is_usable, reliability


@pytest.mark.parametrize(
    ("value", "low", "high", "flags", "expected"),
    [
        (87.0, 84.0, 90.0, "", "reliable"),  # h = 3
        (87.0, 82.0, 92.0, "", "reliable"),  # h = 5 exactly
        (87.0, 81.0, 93.0, "", "caution"),  # h = 6
        (87.0, 77.0, 97.0, "", "caution"),  # h = 10 exactly
        (87.74, 40.0, 100.0, "", "unreliable"),  # the district the issue names: h = 30
        (87.0, None, None, "single_psu", "unreliable"),
        (87.0, math.nan, math.nan, "", "unreliable"),
        (None, None, None, "suppressed", "suppressed"),
        (87.0, 84.0, 90.0, "generated,suppressed", "suppressed"),
    ],
)
def test_reliability_classes(value, low, high, flags, expected):
    assert reliability(value, low, high, flags) == expected


def test_half_width_and_usable():
    assert half_width(80.0, 90.0) == 5.0
    assert half_width(None, 90.0) is None
    assert is_usable("reliable") and is_usable("caution")
    assert not is_usable("unreliable") and not is_usable("suppressed")
