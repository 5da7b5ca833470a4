"""The rules enforced where data is read (`content.source`) and by the page builders (`content`): a direct
call with a forbidden scope is refused or gets only its own rows, whatever page, link or caller asked;
suppression holds for every role."""

from __future__ import annotations

import pandas as pd
import pytest

from access.scope import ADMIN, PUBLIC, AccessDenied, Scope
from content import data_catalogue, dimensions, drivers, profile, source
from content import map as map_page
from content.source import StoreKey
from tests.content.conftest import make_filters

HANOI = Scope("officer", frozenset({"P63-01"}))
NEW_PROVINCE = Scope("officer", frozenset({"P34-08"}))  # a 2025 province merged from two old ones


def _districts_of(key: StoreKey, province: str) -> set[str]:
    units = source.units(key)
    return set(units.loc[(units["level"] == "district") & (units["parent_id"] == province), "unit_id"])


def test_visitors_are_refused_everything_below_the_province(store_key: StoreKey) -> None:
    for call in (
        lambda: source.indices(store_key, 2024, "district", scope=PUBLIC),
        lambda: source.indices(store_key, 2024, "commune", scope=PUBLIC),
        lambda: source.indices(store_key, 2024, "province", "sex", scope=PUBLIC),
        lambda: source.ranks(store_key, 2024, "district", within="P63-01", scope=PUBLIC),
        lambda: source.changes(store_key, 2024, 2023, "district", "overall", within="P63-01", scope=PUBLIC),
        lambda: source.children(store_key, "P63-01", scope=PUBLIC),
        lambda: source.drivers(store_key, 2024, "province", "P63-01", 200, scope=PUBLIC),
        lambda: source.drivers(store_key, 2024, "national", "VN", 200, scope=PUBLIC),
        lambda: source.import_history(store_key, scope=PUBLIC),
    ):
        with pytest.raises(AccessDenied):
            call()
    provinces = source.indices(store_key, 2024, "province", scope=PUBLIC)  # the published level
    assert provinces["unit_id"].nunique() == 63


def test_officers_get_their_provinces_rows_only(store_key: StoreKey) -> None:
    everything = source.indices(store_key, 2024, "district", scope=ADMIN)
    mine = source.indices(store_key, 2024, "district", scope=HANOI)
    hanoi = _districts_of(store_key, "P63-01")
    assert set(mine["unit_id"]) == set(everything["unit_id"]) & hanoi and not mine.empty
    communes = source.indices(store_key, 2024, "commune", scope=HANOI)
    assert set(communes["unit_id"].map(source.province_of(store_key))) == {"P63-01"}
    groups = source.indices(store_key, 2024, "province", "sex", scope=HANOI)
    assert set(groups["unit_id"]) == {"P63-01"}
    assert not source.indices(store_key, 2024, "national", "sex", scope=HANOI).empty  # the nation's groups
    with pytest.raises(AccessDenied):
        source.children(store_key, "P63-02", scope=HANOI)
    with pytest.raises(AccessDenied):
        source.ranks(store_key, 2024, "district", within="P63-02", scope=HANOI)
    with pytest.raises(AccessDenied):
        source.drivers(store_key, 2024, "province", "P63-02", 200, scope=HANOI)
    assert source.children(store_key, "P63-01", scope=HANOI) >= hanoi


def test_a_new_province_grant_reads_the_old_provinces_merged_into_it(store_key: StoreKey) -> None:
    walk = source.crosswalk(store_key)
    olds = set(walk.loc[(walk["new_unit_id"] == "P34-08") & walk["old_unit_id"].str.startswith("P63-"),
                        "old_unit_id"])  # fmt: skip
    assert len(olds) == 2 and source.readable(store_key, NEW_PROVINCE) == olds | {"P34-08"}
    districts = source.indices(store_key, 2024, "district", scope=NEW_PROVINCE)
    assert set(districts["unit_id"].map(source.province_of(store_key))) == olds


def test_suppression_holds_for_every_role(store_key: StoreKey) -> None:
    """A suppressed cell (fewer than 30 respondents) carries no value whoever reads it: rights widen what is
    listed, never what a small cell shows."""
    admin = source.indices(store_key, 2024, "province", "service_field", scope=ADMIN)
    suppressed = admin[admin["flags"].fillna("").str.contains("suppressed")]
    assert not suppressed.empty and suppressed["value"].isna().all() and suppressed["ci_low"].isna().all()
    province = str(suppressed["unit_id"].iloc[0])
    officer = source.indices(
        store_key, 2024, "province", "service_field", scope=Scope("officer", frozenset({province}))
    )
    assert set(officer["unit_id"]) == {province}
    mine = officer[officer["flags"].fillna("").str.contains("suppressed")]
    assert not mine.empty and mine["value"].isna().all() and mine["ci_low"].isna().all()
    merged = officer.merge(admin, on=["unit_id", "grp", "index_code"], suffixes=("", "_admin"))
    assert len(merged) == len(officer)
    pd.testing.assert_series_equal(merged["value"], merged["value_admin"], check_names=False)
    with pytest.raises(AccessDenied):
        source.indices(store_key, 2024, "province", "service_field", scope=PUBLIC)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_pages_show_a_visitor_the_published_level_only(store_key: StoreKey, lang: str) -> None:
    visitor = make_filters(lang, 2024, "P63-01", scope=PUBLIC)
    district = sorted(_districts_of(store_key, "P63-01"))[0]
    page = profile.build(store_key, visitor, focus=district)
    assert page.unit_id == "P63-01" and any(n.kind == "warning" for n in page.notes)  # fell back, said why
    assert page.children_table is None and not page.children and not page.agencies
    assert page.children_note is not None and page.indices is not None  # the province itself is shown
    assert map_page.options(store_key, visitor).levels == ("province",)
    assert map_page.options(store_key, visitor).level_note
    assert dimensions.options(store_key, visitor).breakdowns == ()
    dims = dimensions.build(store_key, visitor, breakdown="sex")
    assert dims.groups is None and dims.breakdown_no_data is not None
    assert drivers.build(store_key, visitor).matrix is None
    data = data_catalogue.build(store_key, visitor)
    assert data.import_title is None and data.history is None and data.versions is None
    assert data.audit_title is None and data.access_note is not None


def test_pages_show_an_officer_their_provinces_detail(store_key: StoreKey) -> None:
    own = make_filters("vi", 2024, "P63-01", scope=HANOI)
    other = make_filters("vi", 2024, "P63-02", scope=HANOI)
    assert map_page.options(store_key, own).levels == ("province", "below")
    assert map_page.options(store_key, other).levels == ("province",)
    assert profile.build(store_key, own).children_table is not None
    assert profile.build(store_key, other).children_table is None
    district = sorted(_districts_of(store_key, "P63-02"))[0]
    assert profile.build(store_key, own, focus=district).unit_id == "P63-01"  # another province's district
    assert dimensions.build(store_key, own, breakdown="sex").groups is not None
    data = data_catalogue.build(store_key, own)
    assert data.import_title is not None and data.audit_title is None  # the log is the administrators'
