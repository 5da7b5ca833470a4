"""The Accounts page (administrators): every account with its role, provinces and lock state, and the
choices of the management form. Changes go through `access.accounts` (checked and audited there)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from access import accounts
from access.scope import Scope
from content import units
from content.model import Note, Table
from content.source import StoreKey
from i18n import t

ACTIONS = ("add", "grant", "revoke", "reset", "unlock", "disable", "enable", "remove")


@dataclass
class AccountsContent:
    """The account table and what the form offers."""

    title: str
    intro: Note
    table: Table | None
    empty: Note | None
    users: tuple[str, ...]
    provinces: tuple[str, ...]
    province_labels: dict[str, str]
    actions: tuple[str, ...] = ACTIONS
    action_labels: dict[str, str] = field(default_factory=dict)
    facts: dict = field(default_factory=dict)


def build(key: StoreKey, scope: Scope, lang: str) -> AccountsContent:
    """The accounts (administrators only: `access.accounts.listing` refuses anyone else)."""
    frame = accounts.listing(scope)
    names = units.unit_names(key, lang)
    provinces = tuple(sorted(u for u in names if u.startswith(("P34-", "P63-"))))
    labels = {p: t("accounts.province_label", lang, name=names[p], id=p,
                   map=t("filters.geo_34" if p.startswith("P34-") else "filters.geo_63", lang)) for p in provinces}  # fmt: skip
    short = {p: f"{names[p]} ({p})" for p in provinces}  # in the table: the id says the map
    table = None
    if not frame.empty:
        locked = frame["locked_until"].map(lambda v: "" if v is None or pd.isna(v) else str(v)[:16])
        table = Table("accounts-table", pd.DataFrame({
            t("accounts.col_user", lang): frame["username"],
            t("accounts.col_name", lang): frame["display_name"].fillna(""),
            t("accounts.col_role", lang): frame["role"].map(lambda r: t(f"access.role.{r}", lang)),
            t("accounts.col_provinces", lang): frame["provinces"].map(
                lambda ps: ", ".join(short.get(p.strip(), p.strip()) for p in ps.split(",") if p.strip())),
            t("accounts.col_signin", lang): frame["has_password"].map(
                lambda has: t("accounts.by_password" if has else "accounts.by_provider", lang)),
            t("accounts.col_state", lang): [t("accounts.state_disabled", lang) if d else
                                            (t("accounts.state_locked", lang, until=lk) if lk else
                                             t("accounts.state_active", lang))
                                            for d, lk in zip(frame["disabled"], locked, strict=True)],
            t("accounts.col_created", lang): frame["created_at"].astype(str).str[:16],
        }))  # fmt: skip
    return AccountsContent(
        title=t("accounts.title", lang),
        intro=Note("caption", t("accounts.intro", lang)),
        table=table,
        empty=Note("caption", t("accounts.empty", lang)) if frame.empty else None,
        users=tuple(frame["username"]) if not frame.empty else (),
        provinces=provinces,
        province_labels=labels,
        action_labels={a: t(f"accounts.action.{a}", lang) for a in ACTIONS},
        facts={"accounts": len(frame)},
    )
