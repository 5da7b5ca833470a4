"""The provinces an officer's grants cover in a survey database (`rules.expand` with its crosswalk)."""

from __future__ import annotations

from access import rules
from access.scope import Scope
from store import queries
from store.db import Connection


def readable_provinces(con: Connection, scope: Scope) -> frozenset[str]:
    """Provinces whose detail `scope` sees: the grants, plus the old provinces merged into a granted new
    one (empty for visitors; administrators are not limited and need no list)."""
    if not scope.provinces:
        return frozenset()
    walk = queries.crosswalk(con)
    walk = walk[walk["old_unit_id"].str.startswith("P63-") & walk["new_unit_id"].str.startswith("P34-")]
    predecessors: dict[str, set[str]] = {}
    for old, new in zip(walk["old_unit_id"], walk["new_unit_id"], strict=True):
        predecessors.setdefault(new, set()).add(old)
    return rules.expand(scope.provinces, predecessors)
