"""The year -> geography rule (`content.filters.geography_for`), as a pure function."""

from __future__ import annotations

import pytest

from content.filters import geography_for


@pytest.mark.parametrize(
    ("previous_geo", "previous_version", "explicit"),
    [(None, None, False), ("63", "pre2025", True), ("34", "pre2025", True), ("34", "2025", False)],
)
def test_a_2025_wave_is_always_on_34_provinces(previous_geo, previous_version, explicit) -> None:
    assert geography_for("2025", previous_geo, previous_version, explicit) == "34"


def test_first_run_without_geo_in_the_link_is_on_63_provinces() -> None:
    assert geography_for("pre2025", None, None, False) == "63"


def test_a_link_with_geo_34_keeps_the_reaggregated_view() -> None:
    assert geography_for("pre2025", "34", None, True) == "34"
    assert geography_for("pre2025", "63", None, True) == "63"


def test_going_back_from_2025_switches_to_63_provinces() -> None:
    # the bug of issue 12: 34 provinces kept from 2025 when the user goes back to 2020
    assert geography_for("pre2025", "34", "2025", False) == "63"
    # even a choice made before 2025 is dropped when the year crosses the boundary
    assert geography_for("pre2025", "34", "2025", True) == "63"


def test_an_explicit_reaggregated_choice_sticks_within_pre_2025_years() -> None:
    assert geography_for("pre2025", "34", "pre2025", True) == "34"
    assert geography_for("pre2025", "63", "pre2025", True) == "63"


def test_without_an_explicit_choice_pre_2025_years_stay_on_63() -> None:
    assert geography_for("pre2025", "34", "pre2025", False) == "63"
    assert geography_for("pre2025", "63", "pre2025", False) == "63"


def test_an_unknown_geography_falls_back_to_the_default() -> None:
    assert geography_for("pre2025", "99", "pre2025", True) == "63"
