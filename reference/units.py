"""Name and code matching for administrative units: every unit name entering the system goes through here.

Matching order in :meth:`UnitMatcher.resolve` (first hit wins):

1. unit id ('P63-01', 'c34-4' is padded to 'C34-00004');
2. bare GSO code ('1', '01', '001' -> zero-padded to 2/3/5 digits for province/district/commune);
3. full name, with or without type, in any spelling that folds the same ('Hoà Bình' = 'Hòa Bình' =
   'hoa binh' = 'HOABINH'), or the English name ('Bac Kan Province');
4. hard-coded aliases (:data:`PROVINCE_ALIASES`, :data:`REGION_ALIASES`);
5. abolished units: 'Hà Tây' (merged into Hà Nội on 2008-08-01) and, for geo_version '2025', the old
   provinces merged on 2025-07-01: no unit id, a vi/en note and the successor as first suggestion;
6. otherwise no unit id and up to five fuzzy suggestions (difflib ratio on folded names).

Names that differ only by type (Huyện vs Thị xã Cai Lậy, Thị trấn vs Xã Yên Viên) are compared with the
type kept; if the input has no type they stay ambiguous: no unit id, both as suggestions, an 'ambiguous'
note. Names that fold alike but differ in diacritics (Xã Văn Lang / Xã Văn Lăng in one province) are told
apart when the input carries diacritics (tone-mark placement ignored: 'Hoà' = 'Hòa'); ASCII input stays
ambiguous. ``parent_id`` restricts district/commune candidates to a parent or grandparent (a pre-2025 commune
can be scoped by its district or its province).
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import pandas as pd

LEVELS = ("nation", "region", "province", "district", "commune", "agency")
GEO_VERSIONS = ("pre2025", "2025", "any")
CODE_WIDTH = {"province": 2, "district": 3, "commune": 5}
ID_PREFIX_WIDTH = {"P": 2, "D": 3, "C": 5}
MAX_SUGGESTIONS = 5
MIN_SCORE = 0.5

# Leading unit-type words after folding, longest first; abbreviations map to their canonical word.
UNIT_TYPE_WORDS: dict[str, str] = {
    "thanh pho": "thanh pho",
    "thi tran": "thi tran",
    "dac khu": "dac khu",
    "thi xa": "thi xa",
    "phuong": "phuong",
    "huyen": "huyen",
    "quan": "quan",
    "tinh": "tinh",
    "xa": "xa",
    "tp": "thanh pho",
    "tx": "thi xa",
    "tt": "thi tran",
}

# Province aliases (folded, spaces ignored) -> GSO code in the 63-province list. In geo_version '2025'
# an alias resolves to the 2025 province with that code if it is the same province (Hà Nội, Huế, TP.HCM);
# otherwise it is handled as an abolished province (e.g. 'Vũng Tàu' -> now part of TP.HCM).
# Natural Earth's wrong names ('Đông Nam Bộ' for Đồng Nai etc.) are deliberately NOT aliases.
PROVINCE_ALIASES: dict[str, str] = {
    # Huế (GSO 46): Thừa Thiên Huế became the centrally-run Thành phố Huế on 2025-01-01.
    "thua thien hue": "46",
    "thua thien": "46",
    "tt hue": "46",
    "hue": "46",
    # TP Hồ Chí Minh (79)
    "tp hcm": "79",
    "tphcm": "79",
    "hcm": "79",
    "hcmc": "79",
    "sai gon": "79",
    "ho chi minh": "79",
    "ho chi minh city": "79",
    "thanh pho ho chi minh": "79",
    # Hà Nội (01)
    "hanoi": "01",
    "hn": "01",
    # Bà Rịa - Vũng Tàu (77, pre-2025 only)
    "br vt": "77",
    "ba ria vung tau": "77",
    "vung tau": "77",
    # ASCII / old spellings
    "dac lac": "66",
    "dak lak": "66",
    "dac nong": "67",
    "bac can": "06",
    "kontum": "62",
}
REGION_ALIASES: dict[str, str] = {
    "tdmnpb": "R-1",
    "trung du mien nui phia bac": "R-1",
    "dbsh": "R-2",
    "bac trung bo va duyen hai mien trung": "R-3",
    "btb dhmt": "R-3",
    "tn": "R-4",
    "dnb": "R-5",
    "dbscl": "R-6",
    "mekong delta": "R-6",
}
# Units abolished before the 63-province map: folded name -> (successor GSO code, note_vi, note_en).
ABOLISHED_BEFORE_2008: dict[str, tuple[str, str, str]] = {
    "ha tay": (
        "01",
        "Tỉnh Hà Tây đã hợp nhất vào Thành phố Hà Nội từ ngày 01/08/2008.",
        "Ha Tay Province was merged into Hanoi on 1 August 2008.",
    ),
}


@functools.lru_cache(maxsize=131072)
def fold(text: str) -> str:
    """Matching key: NFC, lowercase, no diacritics (Đ/đ -> d), runs of non-alphanumerics -> one space."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFC", str(text)))
    text = text.lower().replace("đ", "d").replace("ð", "d")  # ð: eth, a frequent mistyping of đ
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _split_folded_type(folded: str) -> tuple[str | None, str]:
    """('canonical type word' or None, rest) of a folded name; the rest is never empty."""
    for word, canonical in UNIT_TYPE_WORDS.items():
        if folded.startswith(word + " ") and folded[len(word) + 1 :].strip():
            return canonical, folded[len(word) + 1 :].strip()
    return None, folded


def strip_unit_type(folded: str) -> str:
    """Drop one leading unit-type word ('tinh', 'thanh pho', 'tp', 'huyen', 'thi xa', 'xa', ...)."""
    return _split_folded_type(fold(folded))[1]


def _compact(folded: str) -> str:
    return folded.replace(" ", "")


TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng


@functools.lru_cache(maxsize=131072)
def _vi_tokens(text: str) -> tuple[str, ...]:
    """Words with diacritics kept but tone-mark placement normalised ('Hoà' and 'Hòa' agree).

    Tokenises like :func:`fold`, so token i here is word i of the folded text. Used only to tell apart
    names that fold alike (Xã Văn Lang / Xã Văn Lăng, Cẩm Giang / Cẩm Giàng in one province).
    """
    words: list[str] = []
    current: list[str] = []
    for ch in unicodedata.normalize("NFC", str(text)).lower().replace("ð", "đ"):
        if fold(ch) and " " not in fold(ch):
            current.append(ch)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    out = []
    for word in words:
        decomposed = unicodedata.normalize("NFD", word)
        tones = "".join(sorted(c for c in decomposed if c in TONE_MARKS))
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
        out.append(base + tones)
    return tuple(out)


@dataclasses.dataclass(frozen=True)
class Suggestion:
    """A candidate unit with a similarity score in [0, 1]."""

    unit_id: str
    name_vi: str
    score: float
    parent_name_vi: str | None = None


@dataclasses.dataclass(frozen=True)
class MatchResult:
    """Outcome of :meth:`UnitMatcher.resolve`.

    ``issue`` is None on success, else 'ambiguous', 'abolished', 'wrong_scope' or 'not_found'.
    """

    unit_id: str | None
    matched_by: str  # 'id' | 'code' | 'name' | 'alias' | 'none'
    suggestions: list[Suggestion] = dataclasses.field(default_factory=list)
    note_vi: str | None = None
    note_en: str | None = None
    issue: str | None = None


@dataclasses.dataclass(frozen=True)
class _Unit:
    unit_id: str
    gso_code: str | None
    level: str
    geo_version: str
    name_vi: str
    short_vi: str
    name_en: str
    type_key: str | None  # canonical folded type word
    parent_id: str | None
    ancestors: frozenset[str]
    full_fold: str
    short_fold: str
    en_fold: str
    vkeys: frozenset[str]  # diacritic-preserving keys of the full and the short name


def _text(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return unicodedata.normalize("NFC", str(value))


class UnitMatcher:
    """Resolves names, codes and ids to ``admin_unit`` ids (see the module docstring for the rules)."""

    def __init__(self, units: pd.DataFrame, crosswalk: pd.DataFrame | None = None) -> None:
        self._units: dict[str, _Unit] = {}
        columns = ["unit_id", "gso_code", "level", "geo_version", "name_vi", "short_vi", "type_vi", "name_en"]
        frame = units.reindex(columns=[*columns, "parent_id"])
        # Column-wise conversion to Python objects: row iteration over Arrow-backed strings is slow.
        arrays = {c: frame[c].to_numpy(dtype=object, na_value=None) for c in frame.columns}
        records = [dict(zip(arrays, values, strict=True)) for values in zip(*arrays.values(), strict=True)]
        parents = {r["unit_id"]: r["parent_id"] for r in records}
        for row in records:
            unit_id = str(row["unit_id"])
            name_vi = _text(row["name_vi"]) or unit_id
            short_vi = _text(row.get("short_vi")) or name_vi
            type_vi = _text(row.get("type_vi"))
            parent = _text(row.get("parent_id"))
            grandparent = _text(parents.get(parent)) if parent else None
            type_key = UNIT_TYPE_WORDS.get(fold(type_vi)) if type_vi else None
            self._units[unit_id] = _Unit(
                unit_id=unit_id,
                gso_code=_text(row.get("gso_code")),
                level=str(row["level"]),
                geo_version=str(row["geo_version"]),
                name_vi=name_vi,
                short_vi=short_vi,
                name_en=_text(row.get("name_en")) or "",
                type_key=type_key,
                parent_id=parent,
                ancestors=frozenset(p for p in (parent, grandparent) if p),
                full_fold=fold(name_vi),
                short_fold=fold(short_vi),
                en_fold=fold(_text(row.get("name_en")) or ""),
                vkeys=frozenset({"".join(_vi_tokens(name_vi)), "".join(_vi_tokens(short_vi))}),
            )
        # (level, geo_version) -> key -> unit ids
        self._by_full: dict[tuple[str, str], dict[str, list[str]]] = {}
        self._by_short: dict[tuple[str, str], dict[str, list[str]]] = {}
        self._by_code: dict[tuple[str, str], dict[str, str]] = {}
        self._scope: dict[tuple[str, str], list[str]] = {}
        for u in self._units.values():
            key = (u.level, u.geo_version)
            self._scope.setdefault(key, []).append(u.unit_id)
            full = self._by_full.setdefault(key, {})
            for k in {_compact(u.full_fold), _compact(u.en_fold)} - {""}:
                full.setdefault(k, []).append(u.unit_id)
            self._by_short.setdefault(key, {}).setdefault(_compact(u.short_fold), []).append(u.unit_id)
            if u.gso_code:
                self._by_code.setdefault(key, {})[u.gso_code] = u.unit_id
        self._crosswalk = crosswalk
        self._successors: dict[str, str] | None = None
        self._cache: dict[tuple[str, str, str, str | None], MatchResult] = {}

    # construction -----------------------------------------------------------------------------------
    @classmethod
    def from_frame(cls, units: pd.DataFrame, crosswalk: pd.DataFrame | None = None) -> UnitMatcher:
        """Matcher over an ``admin_unit``-shaped frame; ``crosswalk`` (``unit_crosswalk``-shaped) gives
        the 2025 successors of old provinces and defaults to :func:`reference.geography.build_crosswalk`.
        A store's tables give one through :func:`store.queries.unit_matcher`."""
        return cls(units, crosswalk)

    def _province_successors(self) -> dict[str, str]:
        if self._successors is None:
            xw = self._crosswalk
            if xw is None:
                from reference.geography import build_crosswalk

                xw = build_crosswalk()
            old = xw["old_unit_id"].astype(str)
            new = xw["new_unit_id"].astype(str)
            mask = old.str.startswith("P63-") & new.str.startswith("P34-")
            self._successors = dict(zip(old[mask], new[mask], strict=True))
        return self._successors

    # helpers ----------------------------------------------------------------------------------------
    def _in_scope(self, unit_id: str, parent_id: str | None) -> bool:
        return parent_id is None or parent_id in self._units[unit_id].ancestors

    def _versions(self, geo_version: str) -> tuple[str, ...]:
        return GEO_VERSIONS if geo_version == "any" else (geo_version, "any")

    def _lookup(
        self, table: dict[tuple[str, str], dict[str, list[str]]], key: str, level: str, geo_version: str,
        parent_id: str | None,
    ) -> list[str]:  # fmt: skip
        out: list[str] = []
        for version in self._versions(geo_version):
            out.extend(
                u for u in table.get((level, version), {}).get(key, []) if self._in_scope(u, parent_id)
            )
        return out

    def _suggestion(self, unit_id: str, score: float) -> Suggestion:
        u = self._units[unit_id]
        parent = self._units.get(u.parent_id) if u.parent_id else None
        parent_name = parent.name_vi if parent is not None and parent.level != "region" else None
        return Suggestion(unit_id, u.name_vi, round(float(score), 4), parent_name)

    def _fuzzy(self, folded: str, level: str, geo_version: str, parent_id: str | None) -> list[Suggestion]:
        type_key, stripped = _split_folded_type(folded)
        best: list[tuple[float, str]] = []
        matcher_full = difflib.SequenceMatcher(autojunk=False)
        matcher_full.set_seq2(folded)
        matcher_short = difflib.SequenceMatcher(autojunk=False)
        matcher_short.set_seq2(stripped)
        for version in self._versions(geo_version):
            for unit_id in self._scope.get((level, version), []):
                if not self._in_scope(unit_id, parent_id):
                    continue
                u = self._units[unit_id]
                floor = best[-1][0] if len(best) >= MAX_SUGGESTIONS else MIN_SCORE
                score = 0.0
                # the full name only when the input has a type word: shared 'thanh pho' prefixes mislead
                pairs = [(matcher_short, u.short_fold), (matcher_full, u.en_fold)]
                if type_key is not None:
                    pairs.append((matcher_full, u.full_fold))
                for m, target in pairs:
                    m.set_seq1(target)
                    if m.real_quick_ratio() >= floor and m.quick_ratio() >= floor:
                        score = max(score, m.ratio())
                if score >= floor and score >= MIN_SCORE:
                    best.append((score, unit_id))
                    best.sort(key=lambda t: (-t[0], t[1]))
                    del best[MAX_SUGGESTIONS:]
        return [self._suggestion(unit_id, score) for score, unit_id in best]

    def _pick(
        self, candidates: list[str], type_key: str | None, vkeys: frozenset[str]
    ) -> tuple[str | None, list[str]]:
        """Single candidate, or narrow several by exact diacritics, then by unit type.

        Returns (unit_id or None, remaining candidates)."""
        candidates = list(dict.fromkeys(candidates))
        if len(candidates) == 1:
            return candidates[0], candidates
        exact = [c for c in candidates if self._units[c].vkeys & vkeys]
        if len(exact) == 1:
            return exact[0], exact
        if exact:
            candidates = exact
        if type_key is not None:
            typed = [c for c in candidates if self._units[c].type_key == type_key]
            if len(typed) == 1:
                return typed[0], typed
            if typed:
                candidates = typed
        return None, candidates

    def _ambiguous(self, text: str, candidates: list[str]) -> MatchResult:
        ranked = sorted(candidates)[:MAX_SUGGESTIONS]
        return MatchResult(
            None,
            "none",
            [self._suggestion(c, 1.0) for c in ranked],
            f"Tên '{text}' khớp với nhiều đơn vị ({len(candidates)}); cần ghi rõ loại đơn vị "
            "(ví dụ Huyện/Thị xã), đơn vị cấp trên hoặc mã.",
            f"Ambiguous: '{text}' matches {len(candidates)} units; give the unit type "
            "(e.g. Huyện/Thị xã), the parent unit or the code.",
            "ambiguous",
        )

    def _match_name(
        self, text: str, level: str, geo_version: str, parent_id: str | None
    ) -> tuple[str | None, str, list[str]]:
        """Exact name/alias lookup: (unit_id or None, matched_by, ambiguous candidates)."""
        folded = fold(text)
        compact = _compact(folded)
        type_key, rest = _split_folded_type(folded)
        # diacritics tell apart names that fold alike, but only if the input is written with them
        vkeys: set[str] = set()
        if not text.isascii():
            tokens = _vi_tokens(text)
            vkeys.add("".join(tokens))
            n_type_words = len(folded.split()) - len(rest.split())
            if n_type_words and len(tokens) == len(folded.split()):
                vkeys.add("".join(tokens[n_type_words:]))
        steps: list[tuple[dict[tuple[str, str], dict[str, list[str]]], str, str | None]] = [
            (self._by_full, compact, type_key),  # full name, Vietnamese or English
            (self._by_short, compact, None),  # short name as given ('Quan Hoa' is a name, not a type)
        ]
        if type_key is not None:
            steps.append((self._by_short, _compact(rest), type_key))  # type word + short name
        for table, key, tkey in steps:
            candidates = self._lookup(table, key, level, geo_version, parent_id)
            if candidates:
                unit_id, remaining = self._pick(candidates, tkey, frozenset(vkeys))
                return unit_id, "name", ([] if unit_id else remaining)
        alias = self._alias(folded, level, geo_version, parent_id)
        if alias is not None:
            return alias, "alias", []
        return None, "none", []

    def _alias(self, folded: str, level: str, geo_version: str, parent_id: str | None) -> str | None:
        keys = {_compact(folded), _compact(strip_unit_type(folded))}
        if level == "region":
            aliases = {_compact(k): v for k, v in REGION_ALIASES.items()}
            hits = [aliases[k] for k in keys if k in aliases]
            return hits[0] if hits and self._in_scope(hits[0], parent_id) else None
        if level != "province" or geo_version not in ("pre2025", "2025"):
            return None
        aliases = _compact_aliases()
        codes = [aliases[k] for k in keys if k in aliases]
        if not codes:
            return None
        old_id = f"P63-{codes[0]}"
        if geo_version == "pre2025":
            return old_id if old_id in self._units and self._in_scope(old_id, parent_id) else None
        new_id = f"P34-{codes[0]}"
        old, new = self._units.get(old_id), self._units.get(new_id)
        if old is not None and new is not None and old.short_fold == new.short_fold:
            return new_id if self._in_scope(new_id, parent_id) else None
        return None

    def _abolished(self, text: str, folded: str, level: str, geo_version: str) -> MatchResult | None:
        if level != "province":
            return None
        stripped = strip_unit_type(folded)
        for key in (folded, stripped):
            if key in ABOLISHED_BEFORE_2008:
                code, note_vi, note_en = ABOLISHED_BEFORE_2008[key]
                target = f"P34-{code}" if geo_version == "2025" else f"P63-{code}"
                suggestions = [self._suggestion(target, 1.0)] if target in self._units else []
                return MatchResult(None, "none", suggestions, note_vi, note_en, "abolished")
        if geo_version != "2025":
            return None
        old_id, _, _ = self._match_name(text, "province", "pre2025", None)
        if old_id is None:
            return None
        return self._successor_result(old_id)

    def _successor_result(self, old_id: str) -> MatchResult:
        old = self._units[old_id]
        new_id = self._province_successors().get(old_id)
        if new_id is None or new_id not in self._units:
            return MatchResult(
                None,
                "none",
                [],
                f"{old.name_vi} không còn là đơn vị hành chính từ ngày 01/07/2025.",
                f"{old.name_en} no longer exists from 1 July 2025.",
                "abolished",
            )
        new = self._units[new_id]
        return MatchResult(
            None,
            "none",
            [self._suggestion(new_id, 1.0)],
            f"{old.name_vi} không còn là đơn vị hành chính từ ngày 01/07/2025; nay thuộc {new.name_vi} "
            f"({new_id}).",
            f"{old.name_en} no longer exists from 1 July 2025; it is now part of {new.name_en} ({new_id}).",
            "abolished",
        )

    def _resolve_id(self, unit_id: str, level: str, geo_version: str, parent_id: str | None) -> MatchResult:
        u = self._units[unit_id]
        if (
            u.level == level
            and u.geo_version in self._versions(geo_version)
            and self._in_scope(unit_id, parent_id)
        ):
            return MatchResult(unit_id, "id")
        if u.level == "province" == level and u.geo_version == "pre2025" and geo_version == "2025":
            new_id = self._province_successors().get(unit_id)
            new = self._units.get(new_id) if new_id else None
            if new is None or new.short_fold != u.short_fold or new.gso_code != u.gso_code:
                return self._successor_result(unit_id)  # merged into another province
            return MatchResult(
                None,
                "none",
                [self._suggestion(new.unit_id, 1.0)],
                f"{unit_id} là mã trước 01/07/2025; {u.name_vi} từ 01/07/2025 có mã {new.unit_id}.",
                f"{unit_id} is the pre-2025 unit; from 1 July 2025 {u.name_en} is {new.unit_id}.",
                "wrong_scope",
            )
        return MatchResult(
            None,
            "none",
            [self._suggestion(unit_id, 1.0)],
            f"Mã {unit_id} ({u.name_vi}) thuộc cấp '{u.level}', phiên bản địa giới '{u.geo_version}'; "
            f"không khớp yêu cầu cấp '{level}', phiên bản '{geo_version}'"
            + (f", đơn vị cấp trên {parent_id}." if parent_id else "."),
            f"Unit {unit_id} ({u.name_en}) is a {u.level} of geo_version '{u.geo_version}', not a {level} "
            f"of '{geo_version}'" + (f" under {parent_id}." if parent_id else "."),
            "wrong_scope",
        )

    # public API ---------------------------------------------------------------------------------------
    def resolve(
        self,
        text: str,
        *,
        level: str = "province",
        geo_version: str = "pre2025",
        parent_id: str | None = None,
    ) -> MatchResult:
        """Resolve a unit id, GSO code or name (any spelling) to a unit id of ``level``/``geo_version``."""
        if level not in LEVELS:
            raise ValueError(f"unknown level {level!r}; expected one of {LEVELS}")
        if geo_version not in GEO_VERSIONS:
            raise ValueError(f"unknown geo_version {geo_version!r}; expected one of {GEO_VERSIONS}")
        key = (str(text), level, geo_version, parent_id)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._resolve(str(text), level, geo_version, parent_id)
            if len(self._cache) > 200_000:
                self._cache.clear()
            self._cache[key] = cached
        return cached

    def resolve_many(self, texts: Iterable[str], **kw: Any) -> list[MatchResult]:
        """:meth:`resolve` for each text (results cached per distinct text and options)."""
        return [self.resolve(t, **kw) for t in texts]

    def _resolve(self, text: str, level: str, geo_version: str, parent_id: str | None) -> MatchResult:
        raw = unicodedata.normalize("NFC", text).strip()
        if not raw:
            return MatchResult(None, "none", [], "Tên đơn vị trống.", "Empty unit name.", "not_found")
        # 1. unit id
        m = re.fullmatch(r"([PDC])(63|34)-(\d+)", raw, flags=re.IGNORECASE)
        candidate_id = raw.upper()
        if m:
            width = ID_PREFIX_WIDTH[m.group(1).upper()]
            digits = m.group(3).lstrip("0") or "0"
            candidate_id = f"{m.group(1).upper()}{m.group(2)}-{digits.zfill(width)}"
        if candidate_id in self._units and (m or re.fullmatch(r"VN|R-\d+", candidate_id)):
            return self._resolve_id(candidate_id, level, geo_version, parent_id)
        if raw in self._units:  # any other exact id, e.g. an agency 'A-P63-01-...'
            return self._resolve_id(raw, level, geo_version, parent_id)
        # 2. bare GSO code
        if raw.isdigit() and raw.isascii() and level in CODE_WIDTH:
            width = CODE_WIDTH[level]
            code = (raw.lstrip("0") or "0").zfill(width)
            for version in self._versions(geo_version):
                unit_id = self._by_code.get((level, version), {}).get(code)
                if unit_id is not None:
                    if self._in_scope(unit_id, parent_id):
                        return MatchResult(unit_id, "code")
                    return self._resolve_id(unit_id, level, geo_version, parent_id)
            return MatchResult(
                None,
                "none",
                [],
                f"Không có mã {level} '{code}' trong phiên bản địa giới '{geo_version}'.",
                f"No {level} with GSO code '{code}' in geo_version '{geo_version}'.",
                "not_found",
            )
        # 3-4. names and aliases; a trailing '(type)' as in 'Cai Lậy (Thị xã)' counts as a leading type
        paren = re.fullmatch(r"(.*?)\s*\(([^()]*)\)", raw)
        name_text = raw
        if paren and fold(paren.group(2)) in UNIT_TYPE_WORDS:
            name_text = f"{paren.group(2)} {paren.group(1)}"
        folded = fold(name_text)
        unit_id, matched_by, ambiguous = self._match_name(name_text, level, geo_version, parent_id)
        if unit_id is not None:
            return MatchResult(unit_id, matched_by)
        if ambiguous:
            return self._ambiguous(raw, ambiguous)
        # 5. abolished units
        abolished = self._abolished(name_text, folded, level, geo_version)
        if abolished is not None:
            return abolished
        # 6. fuzzy suggestions
        suggestions = self._fuzzy(folded, level, geo_version, parent_id)
        if level == "district" and geo_version == "2025":
            note_vi = "Từ ngày 01/07/2025 không còn cấp huyện."
            note_en = "Districts were abolished on 1 July 2025."
        else:
            note_vi = f"Không tìm thấy đơn vị '{raw}'."
            note_en = f"No unit found for '{raw}'."
        return MatchResult(None, "none", suggestions, note_vi, note_en, "not_found")


@functools.lru_cache(maxsize=1)
def _compact_aliases() -> dict[str, str]:
    return {_compact(fold(k)): v for k, v in PROVINCE_ALIASES.items()}
