"""The access rules as pure functions: pages per role, grants over the reorganisation, imports."""

from __future__ import annotations

import pytest

from access import rules
from access.scope import ADMIN, PUBLIC, AccessDenied, Scope

OFFICER = Scope("officer", frozenset({"P34-05"}))
PREDECESSORS = {"P34-05": {"P63-10", "P63-11"}}


def test_pages_per_role() -> None:
    assert "drivers" not in rules.pages_for(PUBLIC) and "accounts" not in rules.pages_for(PUBLIC)
    assert "data" in rules.pages_for(PUBLIC)  # the catalogue of what is loaded: no import section
    assert "drivers" in rules.pages_for(OFFICER) and "accounts" not in rules.pages_for(OFFICER)
    assert set(rules.pages_for(ADMIN)) >= {"drivers", "accounts", "data"}


def test_a_new_province_covers_the_old_ones_merged_into_it() -> None:
    assert rules.expand({"P34-05"}, PREDECESSORS) == {"P34-05", "P63-10", "P63-11"}
    assert rules.expand({"P63-10"}, PREDECESSORS) == {"P63-10"}  # an old one does not cover its successor


@pytest.mark.parametrize(
    ("scope", "province", "expected"),
    [
        (PUBLIC, None, False),
        (PUBLIC, "P63-10", False),
        (OFFICER, None, True),  # the nation's breakdowns and drivers
        (OFFICER, "P63-10", True),
        (OFFICER, "P63-01", False),
        (ADMIN, "P63-01", True),
    ],
)
def test_sees_detail(scope: Scope, province: str | None, expected: bool) -> None:
    readable = rules.expand(scope.provinces, PREDECESSORS)
    assert rules.sees_detail(scope, province, readable) is expected


def test_scope_values() -> None:
    assert Scope("admin", frozenset({"P63-01"})).provinces == frozenset()  # only officers hold provinces
    with pytest.raises(ValueError):
        Scope("root")


def test_import_rules() -> None:
    readable = rules.expand(OFFICER.provinces, PREDECESSORS)
    rules.check_import(ADMIN, "published", [], [], frozenset())
    rules.check_import(OFFICER, "microdata", ["P63-10"], ["P63-10", "P63-11"], readable)
    refusals = {
        "import_public": (PUBLIC, "microdata", ["P63-10"], []),
        "import_published": (OFFICER, "published", [], []),
        "import_province": (OFFICER, "microdata", ["P63-10", "P63-01"], []),
        "import_replaces_others": (OFFICER, "microdata", ["P63-10"], ["P63-10", "P63-01", "P63-02"]),
    }
    for reason, (scope, kind, provinces, replaced) in refusals.items():
        with pytest.raises(AccessDenied) as caught:
            rules.check_import(scope, kind, provinces, replaced, readable)
        assert caught.value.reason == reason
        assert caught.value.message_vi != caught.value.message_en  # both languages, from the catalogue
