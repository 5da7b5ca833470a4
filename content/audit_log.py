"""The audit log section of the Data page (administrators): the rows, translated, newest first, with a check
of the hash chain. Not cached with the page: it changes with every audited action. `access.audit.read`
refuses anyone else."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import pandas as pd

from access import audit
from access.scope import Scope
from content.model import Note, Table
from i18n import has, t

PERIODS = (1, 7, 30, 365)  # days shown
ACTIONS = audit.ACTIONS
MAX_ROWS = 5000


@dataclass
class AuditContent:
    """What the audit section shows: the rows of the chosen period and action, and the chain check."""

    intro: Note
    actions: tuple[str, ...]
    action_labels: dict[str, str]
    periods: tuple[int, ...]
    period_labels: dict[int, str]
    chain: Note
    table: Table | None = None
    empty: Note | None = None
    facts: dict = field(default_factory=dict)


def _word(kind: str, text: str, lang: str) -> str:
    """`text` (a detail key or value) in `lang` when the catalogue has `data.audit.<kind>.<text>`."""
    key = f"data.audit.{kind}.{text}"
    return t(key, lang) if has(key, lang) else text


def detail_text(value: object, lang: str = "en") -> str:
    """A row's detail as 'key: value · key: value' (stored as JSON; keys and known values in `lang`), else
    the text as it is."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    try:
        parsed = json.loads(str(value))
    except ValueError:
        return str(value)
    if not isinstance(parsed, dict):
        return str(value)
    return " · ".join(
        f"{_word('key', str(k), lang)}: {', '.join(map(str, v)) if isinstance(v, list) else _word('value', str(v), lang)}"
        for k, v in parsed.items()
        if v not in (None, "", [])
    )


def _frame(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The log rows with translated headers, actions, roles and outcomes (detail kept as text)."""
    return pd.DataFrame(
        {
            t("data.audit.col_when", lang): rows["occurred_at"].astype(str),
            t("data.audit.col_who", lang): rows["actor"].astype(str),
            t("data.audit.col_role", lang): rows["role"].map(lambda r: t(f"access.role.{r}", lang)),
            t("data.audit.col_action", lang): rows["action"].map(lambda a: t(f"data.audit.action.{a}", lang)),
            t("data.audit.col_unit", lang): rows["unit_id"].fillna("").astype(str),
            t("data.audit.col_year", lang): rows["year"].map(lambda y: "" if pd.isna(y) else str(int(y))),
            t("data.audit.col_outcome", lang): rows["outcome"].map(
                lambda o: t(f"data.audit.outcome.{o}", lang)
            ),
            t("data.audit.col_detail", lang): rows["detail"].map(lambda v: detail_text(v, lang)),
        }
    )


def build(scope: Scope, lang: str, days: int = 7, action: str | None = None) -> AuditContent:
    """The log of the last `days` days (of one `action`, or all), at most 5,000 rows, for an administrator."""
    days = days if days in PERIODS else 7
    action = action if action in audit.ACTIONS else None
    since = audit.utc_now() - dt.timedelta(days=days)
    rows = audit.read(scope, since=since, action=action, limit=MAX_ROWS)
    checked, broken = audit.verify(scope)
    chain = (Note("caption", t("data.audit.chain_ok", lang, n=checked)) if broken is None
             else Note("error", t("data.audit.chain_broken", lang, id=broken, n=checked)))  # fmt: skip
    out = AuditContent(
        intro=Note("caption", t("data.audit.intro", lang)),
        actions=("", *audit.ACTIONS),
        action_labels={"": t("data.audit.all_actions", lang)}
        | {a: t(f"data.audit.action.{a}", lang) for a in audit.ACTIONS},  # fmt: skip
        periods=PERIODS,
        period_labels={d: t("data.audit.period", lang, days=d) for d in PERIODS},
        chain=chain,
        facts={"rows": len(rows), "days": days, "action": action},
    )
    if rows.empty:
        out.empty = Note("caption", t("data.audit.empty", lang))
    else:
        out.table = Table("data-audit", _frame(rows, lang).reset_index(drop=True))
    return out
