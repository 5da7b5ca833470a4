"""The access rules, one place for every layer (pure functions of a `Scope`).

- *public* (no sign-in): national and provincial results at the published level (indices of the nation,
  regions and provinces, with their elements and criteria; ranks; trends). No result below the province
  (districts, communes, agencies), no breakdown by respondent group, no driver model, no import history,
  no import.
- *officer*: everything about the granted provinces down to commune and agency (small-cell suppression
  still applies), and the nation's breakdowns and drivers; imports of those provinces' own surveys only.
  A grant of a new (34-province) province covers the old provinces merged into it, for earlier waves.
- *admin*: everything, national imports and restores, accounts, the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable

from access.scope import AccessDenied, Scope

AGGREGATE_LEVELS = frozenset({"national", "region", "province", "province34"})
BELOW_LEVELS = frozenset({"district", "commune", "agency"})
PUBLIC_PAGES = ("overview", "map", "trends", "dimensions", "profile", "compare", "data", "methodology")
SIGNED_IN_PAGES = ("drivers",)
ADMIN_PAGES = ("accounts",)


def pages_for(scope: Scope) -> tuple[str, ...]:
    """The pages (url paths) a scope has: public ones for everyone, drivers once signed in, accounts for
    admins."""
    if scope.is_public:
        return PUBLIC_PAGES
    return PUBLIC_PAGES + SIGNED_IN_PAGES + (ADMIN_PAGES if scope.is_admin else ())


def expand(grants: Iterable[str], predecessors: dict[str, set[str]]) -> frozenset[str]:
    """Provinces whose detail a grant covers: each granted province, plus (for a new province 'P34-xx') the
    old provinces merged into it (`predecessors`: new id -> old ids), so earlier waves stay readable."""
    out: set[str] = set()
    for province in grants:
        out.add(province)
        out |= predecessors.get(province, set())
    return frozenset(out)


def sees_detail(scope: Scope, province: str | None, readable: frozenset[str]) -> bool:
    """Whether `scope` sees results below the province, breakdowns and drivers of `province` (None: the
    nation or a region); `readable` = `expand` of the officer's grants."""
    if scope.is_admin:
        return True
    if scope.is_public:
        return False
    return province is None or province in readable


def require_detail(scope: Scope, province: str | None, readable: frozenset[str], what: str) -> None:
    """Raise `AccessDenied` unless `sees_detail`; `what` names the request ('district', 'breakdown'…)."""
    if not sees_detail(scope, province, readable):
        raise AccessDenied("public_detail" if scope.is_public else "other_province", what=what,
                           unit=province or "VN")  # fmt: skip


def require_signed_in(scope: Scope, what: str) -> None:
    """Raise `AccessDenied` for a visitor without sign-in."""
    if scope.is_public:
        raise AccessDenied("public_detail", what=what, unit="VN")


def require_admin(scope: Scope, what: str) -> None:
    """Raise `AccessDenied` unless the scope is an administrator's."""
    if not scope.is_admin:
        raise AccessDenied("admin_only", what=what)


def check_import(
    scope: Scope,
    kind: str,
    provinces: Iterable[str],
    replaced_provinces: Iterable[str],
    readable: frozenset[str],
) -> None:
    """Raise `AccessDenied` unless `scope` may load a file of `kind` whose respondents are in `provinces` and
    that would replace data of `replaced_provinces`: admins anything; officers microdata of their own
    provinces only, and only where what is replaced is theirs too; visitors nothing."""
    if scope.is_admin:
        return
    if scope.is_public:
        raise AccessDenied("import_public")
    if kind != "microdata":
        raise AccessDenied("import_published")
    outside = sorted(set(provinces) - readable)
    if outside:
        raise AccessDenied("import_province", units=", ".join(outside[:5]))
    replaced = sorted(set(replaced_provinces) - readable)
    if replaced:
        raise AccessDenied("import_replaces_others", units=", ".join(replaced[:5]), n=len(replaced))
