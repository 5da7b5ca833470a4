"""Data (Dữ liệu): what is loaded (waves with their source, published figures), the import history and the
stored database versions. The import form and the template downloads are interactive and stay on screen
(`ui.import_panel`); this object holds their headings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from content import common, source
from content.filters import Filters
from content.model import Note, PageHeader, Table
from content.source import StoreKey
from i18n import fmt_number, t
from store import db, versions

LOG_KINDS = ("demo", "reference", "microdata", "published")
WAVE_COLUMNS = [
    "year",
    "methodology_id",
    "geo_version",
    "data_kind",
    "source",
    "respondents",
    "provinces",
    "psus",
]
RESTORE_COMMAND = "python -m ingest restore NAME"


@dataclass
class DataContent:
    """Everything the Data page shows apart from the import form and the template downloads."""

    header: PageHeader
    waves_title: str
    waves: Table
    published_title: str
    published: Table
    published_note: Note
    import_title: str | None = None  # None: this viewer may not import (visitors), and sees no import section
    template_title: str | None = None
    template_intro: Note | None = None
    history_title: str | None = None
    access_note: Note | None = None  # what a visitor does not see here and why
    audit_title: str | None = None  # administrators: the audit log section (its rows: `content.audit_log`)
    history: Table | None = None
    history_empty: Note | None = None
    versions_title: Note | None = None
    versions: Table | None = None
    versions_none: Note | None = None
    restore_note: Note | None = None
    versions_rule: Note | None = None  # which versions pruning keeps
    manage_title: str | None = None  # administrators: pin or restore a version (`ui.versions_panel`)
    version_names: list[str] = field(default_factory=list)  # newest first
    version_pinned: dict[str, bool] = field(default_factory=dict)
    version_current: str | None = None
    facts: dict = field(default_factory=dict)


def when_text(value: object, lang: str) -> str:
    """A timestamp as 'dd/mm/yyyy HH:MM' (vi) or 'yyyy-mm-dd HH:MM' (en); '–' when missing."""
    if value is None or value in ("", "None") or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return str(value)
    return stamp.strftime("%d/%m/%Y %H:%M" if lang == "vi" else "%Y-%m-%d %H:%M")


def source_text(row: pd.Series, lang: str) -> str:
    """Where a wave's data came from: 'generated', or the imported file and when it was loaded."""
    if row["kind"] == "demo":
        return t("data.source_generated", lang)
    if isinstance(row["file_name"], str) and row["file_name"]:
        return t("data.source_file", lang, file=row["file_name"], when=when_text(row["imported_at"], lang))
    if row["kind"] == "reference":
        return t("data.source_reference", lang)
    return t("data.source_unknown", lang)


def history_frame(log: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The import log, newest first, with readable columns (nothing identifying is in the log)."""

    def replaced(text: object) -> str:
        if not isinstance(text, str) or not text:
            return ""
        try:
            info = json.loads(text)
        except ValueError:
            return t("data.log.replaced_other", lang)
        if "respondents" in info:
            kind = info.get("data_kind")
            source_name = info.get("file_name") or (
                t("data.source_generated", lang) if kind == "generated" else "–"
            )
            return t(
                "data.log.replaced_microdata",
                lang,
                n=fmt_number(info["respondents"], lang, 0),
                source=source_name,
            )
        if "rows" in info:
            return t("data.log.replaced_published", lang, n=fmt_number(info["rows"], lang, 0))
        return t("data.log.replaced_other", lang)

    def kind(k: str) -> str:
        return t(f"data.log.kind_{k}", lang) if k in LOG_KINDS else str(k)

    def covered(note: object) -> str:
        """'2/63 … (partial import, confirmed)' from the log note's summary (`ingest.coverage`)."""
        try:
            summary = json.loads(note).get("summary") or {} if isinstance(note, str) else {}
        except (ValueError, AttributeError):
            return ""
        c = summary.get("coverage") if isinstance(summary, dict) else None
        if not isinstance(c, dict) or not c.get("design_provinces"):
            return ""
        text = t("common.coverage", lang, k=c.get("provinces"), n=c.get("design_provinces"))
        return f"{text} ({t('data.log.partial', lang)})" if summary.get("partial") else text

    frame = log.sort_values("imported_at", ascending=False)
    out = pd.DataFrame(
        {
            t("data.log.when", lang): frame["imported_at"].map(lambda v: when_text(v, lang)),
            t("data.log.kind", lang): frame["kind"].map(kind),
            t("data.log.year", lang): frame["year"].map(lambda y: "" if pd.isna(y) else str(int(y))),
            t("data.log.file", lang): frame["file_name"].fillna(""),
            t("data.log.rows", lang): frame["rows_loaded"].astype("Int64"),
            t("data.log.who", lang): frame["imported_by"],
            t("data.log.replaced", lang): frame["replaced"].map(replaced),
            t("data.log.coverage", lang): (
                frame["note"] if "note" in frame else pd.Series("", frame.index)
            ).map(covered),
        }
    )
    return out.reset_index(drop=True)


def kept_reasons(stored: list[versions.Version], lang: str) -> dict[Path, str]:
    """Why each stored version survives pruning (`store.versions.protected`, plus the most recent ones)."""
    first = stored[0].path if stored else None
    newest = {v.label: v.path for v in stored}
    protected = versions.protected(stored)
    recent = [v.path for v in stored if v.path not in protected][-versions.keep_versions() :]
    out = {}
    for v in stored:
        why = [
            key
            for key, hit in (
                ("kept_current", v.current),
                ("kept_first", v.path == first),
                ("kept_last", newest.get(v.label) == v.path),
                ("kept_pinned", v.pinned),
            )
            if hit
        ]
        text = [t(f"data.versions.{k}", lang) for k in why]
        if v.path in recent:
            text.append(t("data.versions.kept_recent", lang, n=versions.keep_versions()))
        out[v.path] = "; ".join(text)
    return out


def versions_frame(stored: list[versions.Version], lang: str) -> pd.DataFrame:
    """Stored database versions (`store.versions.list_versions`, oldest first) shown newest first; size in MB
    = bytes / 10⁶, one decimal; why each one is kept."""
    kept = kept_reasons(stored, lang)
    rows = [
        {
            t("data.versions.name", lang): v.path.name,
            t("data.versions.created", lang): v.created.strftime(
                "%d/%m/%Y %H:%M:%S" if lang == "vi" else "%Y-%m-%d %H:%M:%S"
            ),
            t("data.versions.label", lang): v.label,
            t("data.versions.size", lang): round(v.size_bytes / 1e6, 1),
            t("data.versions.current", lang): v.current,
            t("data.versions.kept", lang): kept[v.path],
        }
        for v in reversed(stored)
    ]
    return pd.DataFrame(rows)


def database_path(key: StoreKey) -> Path:
    """The database path whose versions are listed: the configured path (`store.db.db_path`, a symlink to
    the current version) when it points at the version `key` reads, else the file of `key` itself."""
    configured = db.db_path()
    if configured.exists() and str(configured.resolve()) == key[0]:
        return configured
    return Path(key[0])


def _short_name(name: str) -> str:
    """'SIPAS 2017–2021: đo lường …' -> 'SIPAS 2017–2021' (the methodology's short name)."""
    return name.split(":", 1)[0].strip()


def _waves(key: StoreKey, lang: str) -> pd.DataFrame:
    """Every wave with its methodology, geography, data kind, source and counts; names, not codes, and
    translated headers."""
    catalogue = source.wave_catalogue(key).merge(source.wave_sources(key), on="year", how="left")
    catalogue["source"] = [source_text(row, lang) for _, row in catalogue.iterrows()]
    catalogue["data_kind"] = catalogue["data_kind"].map(lambda k: t(f"data.kind_{k}", lang))
    methods = source.methodologies(key).set_index("methodology_id")[f"name_{'vi' if lang == 'vi' else 'en'}"]
    catalogue["methodology_id"] = catalogue["methodology_id"].map(
        lambda m: _short_name(str(methods.get(m, m)))
    )
    catalogue["geo_version"] = catalogue["geo_version"].map(
        lambda g: t("filters.geo_34" if g == "2025" else "filters.geo_63", lang)
    )
    for column in ("respondents", "provinces", "psus"):
        catalogue[column] = catalogue[column].astype("Int64")
    catalogue = catalogue[WAVE_COLUMNS]
    return catalogue.rename(columns={c: t(f"data.col_{c}", lang) for c in catalogue.columns})


def _published(key: StoreKey, filters: Filters) -> pd.DataFrame:
    """Every published figure (names, value as published, value, published rank, who measured it, source)
    with a link to the unit's profile and to its source; translated headers. The source comes from the
    imported file: a link only when it is an http(s) URL, else text (`content.common.source_columns`)."""
    lang = filters.lang
    published = source.published(key)
    name_col = "name_vi" if lang == "vi" else "name_en"
    measured = {"MoHA SIPAS": t("data.measured_moha", lang)}
    texts, links = common.source_columns(published["source"])
    return pd.DataFrame(
        {
            t("data.col_year", lang): published["year"].astype("Int64"),
            t("table.name", lang): published[name_col],
            "profile": [common.profile_url(u, filters) for u in published["unit_id"]],
            t("data.pub.index", lang): [
                common.published_index_name(key, int(y), str(c), lang)
                for y, c in zip(published["year"], published["index_code"], strict=True)
            ],
            t("data.pub.as_published", lang): published["value_as_published"],
            t("table.value", lang): published["value"].round(2),
            t("data.pub.rank", lang): published["rank"].astype("Int64"),
            t("data.pub.measured_by", lang): published["measured_by"].map(lambda m: measured.get(m, m)),
            t("table.source", lang): texts,
            t("table.source_link", lang): links,
        }
    ).reset_index(drop=True)


def build(key: StoreKey, filters: Filters, stored: tuple = ()) -> DataContent:
    """The Data page: loaded waves, published figures, import history and stored versions. `stored` is the
    state of the versions folder (`ui.versions_panel.token`): a cache key only, read again here."""
    lang = filters.lang
    published = _published(key, filters)
    links = {"profile": t("table.open_profile", lang), t("table.source_link", lang): ""}
    out = DataContent(
        header=common.header(filters, "data.title", breaks=False),
        waves_title=t("data.waves", lang),
        waves=Table("data-waves", _waves(key, lang)),
        published_title=t("data.published", lang),
        published=Table("data-published", published, links=links),
        published_note=Note("caption", t("data.published_note", lang, n=len(published))),
        facts={"published": len(published)},
    )
    if filters.scope.is_public:  # the catalogue only: no import, templates, history or versions
        out.access_note = Note("info", t("data.public_note", lang))
        return out
    out.import_title = t("data.import.title", lang)
    out.template_title = t("data.template.title", lang)
    out.template_intro = Note("caption", t("data.template.intro", lang))
    out.history_title = t("data.history", lang)
    out.versions_title = Note("markdown", f"**{t('data.versions.title', lang)}**")
    out.restore_note = Note("caption", t("data.versions.restore_note", lang, command=RESTORE_COMMAND))
    if filters.scope.is_admin:
        out.audit_title = t("data.audit.title", lang)
    history = history_frame(source.import_history(key, scope=filters.scope), lang)
    if history.empty:
        out.history_empty = Note("caption", t("data.log.empty", lang))
    else:
        out.history = Table("data-history", history)
    listed = versions.list_versions(database_path(key))
    stored = versions_frame(listed, lang)
    if stored.empty:
        out.versions_none = Note("caption", t("data.versions.none", lang))
    else:
        out.versions = Table("data-versions", stored)
        out.versions_rule = Note("caption", t("data.versions.keep_rule", lang, n=versions.keep_versions()))
        if filters.scope.is_admin:
            out.manage_title = t("data.versions.manage", lang)
            out.version_names = [v.path.name for v in reversed(listed)]
            out.version_pinned = {v.path.name: v.pinned for v in listed}
            out.version_current = next((v.path.name for v in listed if v.current), None)
    out.facts |= {"imports": len(history), "versions": len(stored)}
    return out
