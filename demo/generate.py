"""Embedded demo database: generated ("mô phỏng") SIPAS microdata for every wave 2017–2025.

Everything written here is marked `is_generated` / `data_kind = 'generated'`; the pages label it
"Dữ liệu mô phỏng". The real published figures are loaded alongside with their sources.

Model (per wave, per respondent r in sampled commune c of province p, item i of element e):
    P(satisfied) = sigmoid(a[p, e] + d[i] + u[r] + v[c] + x[r])
where u ~ N(0, 0.9) is the respondent's disposition, v ~ N(0, 0.35) the commune (PSU) effect, x a small
demographic effect and d a fixed per-item offset. The intercepts a[p, e] are solved (Newton's method) so
that the weighted expected share of satisfied answers equals a target t[p, e]; targets are built from the
published national figures (overall, domains, elements) and published provincial values where they exist.
Satisfied answers become 4 or 5, others 1–3, and a few answers are 9 ("not applicable").

Usage: python -m demo --db PATH [--seed N] [--scale F]
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis.precompute import refresh_wave
from reference.methodology import load_waves
from reference.published import national_rows
from store import db as dbmod
from store import imports, queries
from store.aggregates import refresh_aggregates
from store.db import Connection
from store.reference_tables import load_methodologies, load_published, load_reference

DEFAULT_SEED = 2017
# Respondents per wave: published where known (SIPAS.md §2.4), else a round figure of the same size.
SAMPLE_SIZES = {2017: 33_900, 2018: 35_000, 2019: 35_268, 2020: 35_500, 2021: 36_000,
                2022: 37_000, 2023: 39_700, 2024: 36_525, 2025: 36_500}  # fmt: skip
# National overall targets for years with no published figure (assumptions for the simulation only).
ASSUMED_OVERALL = {2017: 81.0, 2021: 86.2, 2025: 84.6}
ASSUMED_POLICY = {2023: None, 2025: 84.3}
SERVICE_ELEMENT_OFFSETS = {
    "access": 0.3,
    "procedure": 0.0,
    "civil_servant": 0.5,
    "result": 0.2,
    "feedback": -1.0,
}
POLICY_ELEMENT_OFFSETS = {"policy_info": -0.4, "policy_participation": -2.2, "policy_quality": 1.1,
                          "policy_outcome": 1.5}  # fmt: skip
# Known truth for key-driver analysis: the overall-satisfaction answer depends on each element's latent
# quality (standardised logit) with these weights; tests check the driver analysis recovers their order.
DRIVER_TRUTH = {"civil_servant": 1.0, "procedure": 0.8, "result": 0.65, "access": 0.35, "feedback": 0.2,
                "policy_quality": 0.6, "policy_outcome": 0.45, "policy_info": 0.25, "policy_participation": 0.15}  # fmt: skip
ELEMENT_SPECIFIC_SD = 0.6
PERCEPTION_TARGETS = {2023: {"harass": 88.88, "pay": 90.0}, 2024: {"harass": 90.06, "pay": 90.5}}
PSU_PER_DISTRICT = 2
DISTRICTS_PER_PROVINCE = 3
COMMUNES_PER_PROVINCE_2025 = 11
PEOPLE_PER_COMMUNE = 9_000  # population proxy per commune (generated weights only)

SEX = ["male", "female"]
AGE = ["18-29", "30-44", "45-59", "60+"]
EDUCATION = ["primary_or_less", "lower_secondary", "upper_secondary", "tertiary"]
SERVICE_FIELDS = ["land", "civil_status", "authentication", "construction", "business_registration",
                  "labour_social", "social_insurance", "transport", "justice", "tax", "education",
                  "health", "agriculture", "environment", "industry_trade", "other"]  # fmt: skip
CHANNELS = ["in_person", "online", "post"]


@dataclass(frozen=True)
class WaveSpec:
    """What the generator needs to know about one wave."""

    year: int
    methodology_id: str
    geo_version: str


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _item_offset(item_code: str) -> float:
    """Fixed, seed-independent offset of an item (the same item is weaker or stronger every year)."""
    rng = np.random.default_rng(zlib.crc32(item_code.encode()))
    return float(rng.normal(0.0, 0.25))


def national_targets() -> dict[int, dict[str, float]]:
    """Per year: overall, policy and service domain targets (published where known, else assumed)."""
    published: dict[int, dict[str, float]] = {}
    for row in national_rows():
        published.setdefault(row["year"], {})[row["index_code"]] = row["value"]
    elements: dict[int, dict[str, float]] = {}
    from reference.published import element_rows

    for row in element_rows():
        if row["index_code"].startswith("element:"):
            elements.setdefault(row["year"], {})[row["index_code"].split(":", 1)[1]] = row["value"]
    targets: dict[int, dict[str, float]] = {}
    for year in SAMPLE_SIZES:
        pub = published.get(year, {})
        overall = pub.get("overall", ASSUMED_OVERALL.get(year))
        if overall is None:
            raise ValueError(f"no national target for {year}")
        entry = {"overall": overall}
        if year >= 2022:
            policy = pub.get("domain:policy")
            service = pub.get("domain:service")
            if policy is None and service is None and year in elements and len(elements[year]) == 5:
                service = float(np.mean(list(elements[year].values())))
            if policy is None and service is None:
                policy = ASSUMED_POLICY.get(year) or overall - 0.2
            if service is None:
                service = 2 * overall - policy
            if policy is None:
                policy = 2 * overall - service
            entry |= {"policy": policy, "service": service}
        else:
            entry["service"] = overall
        for code, value in elements.get(year, {}).items():
            entry[f"element:{code}"] = value
        targets[year] = entry
    return targets


def element_targets(year: int, element_domains: dict[str, str], nat: dict[str, float]) -> dict[str, float]:
    """National target per element: published where known; other elements of the domain share the rest."""
    result: dict[str, float] = {}
    for domain in sorted(set(element_domains.values())):
        codes = [e for e, d in element_domains.items() if d == domain]
        offsets = SERVICE_ELEMENT_OFFSETS if domain == "service" else POLICY_ELEMENT_OFFSETS
        fixed = {e: nat[f"element:{e}"] for e in codes if f"element:{e}" in nat}
        free = [e for e in codes if e not in fixed]
        domain_target = nat[domain]
        if free:
            # free elements: domain target + centred offsets, shifted so the domain mean hits its target
            base = {e: offsets.get(e, 0.0) for e in free}
            shift = (domain_target * len(codes) - sum(fixed.values()) - sum(base.values())) / len(free)
            result |= {e: shift + base[e] for e in free}
        result |= fixed
    return result


def _province_frame(units: pd.DataFrame, geo_version: str) -> pd.DataFrame:
    provinces = units[(units.level == "province") & (units.geo_version == geo_version)].copy()
    communes = units[(units.level == "commune") & (units.geo_version == geo_version)]
    if geo_version == "pre2025":
        district_parent = units[units.level == "district"].set_index("unit_id")["parent_id"]
        commune_province = communes["parent_id"].map(district_parent)
    else:
        commune_province = communes["parent_id"]
    counts = commune_province.value_counts()
    provinces["population"] = provinces["unit_id"].map(counts).fillna(1).to_numpy() * PEOPLE_PER_COMMUNE
    return provinces.sort_values("unit_id").reset_index(drop=True)


def _children_index(units: pd.DataFrame) -> dict[str, list[tuple[str, str]]]:
    """parent_id -> [(unit_id, type_vi), ...] for districts and communes, sorted by unit_id."""
    lower = units[units.level.isin(["district", "commune"])].sort_values("unit_id")
    index: dict[str, list[tuple[str, str]]] = {}
    for unit_id, parent_id, type_vi in zip(lower.unit_id, lower.parent_id, lower.type_vi, strict=True):
        index.setdefault(parent_id, []).append((unit_id, type_vi))
    return index


def _pick(rng: np.random.Generator, options: list, k: int) -> list:
    k = min(k, len(options))
    return [options[i] for i in np.sort(rng.choice(len(options), size=k, replace=False))]


def _sample_psus(
    rng: np.random.Generator, children: dict[str, list[tuple[str, str]]], province_id: str, geo_version: str
) -> list[tuple[str | None, str, str]]:
    """Sampled (district_id, commune_id, commune_type) triples for one province: pre-2025, a few districts
    and two communes in each; from 2025 (no districts), communes directly."""
    if geo_version == "pre2025":
        districts = [d for d, _ in children.get(province_id, []) if d.startswith("D63-")]
        psus = []
        for district_id in _pick(rng, districts, DISTRICTS_PER_PROVINCE):
            communes = children.get(district_id, [])
            psus += [(district_id, c, kind) for c, kind in _pick(rng, communes, PSU_PER_DISTRICT)]
        return psus
    communes = [(c, kind) for c, kind in children.get(province_id, []) if c.startswith("C34-")]
    return [(None, c, kind) for c, kind in _pick(rng, communes, COMMUNES_PER_PROVINCE_2025)]


def _province_deviation(
    rng_persistent: np.random.Generator, provinces63: pd.DataFrame, crosswalk: pd.DataFrame
) -> dict[str, float]:
    """Persistent province effect (points) for the 63 and, population-weighted, for the 34."""
    dev63 = dict(zip(provinces63.unit_id, rng_persistent.normal(0.0, 2.4, len(provinces63)), strict=True))
    pop63 = dict(zip(provinces63.unit_id, provinces63.population, strict=True))
    dev34: dict[str, float] = {}
    groups = crosswalk[crosswalk.old_unit_id.str.startswith("P63-")].groupby("new_unit_id")["old_unit_id"]
    for new_id, olds in groups:
        weights = np.array([pop63[o] for o in olds])
        dev34[new_id] = float(np.average([dev63[o] for o in olds], weights=weights))
    return dev63 | dev34


def _outcome_answers(
    rng: np.random.Generator, latent: dict[str, np.ndarray], target: float, weight: np.ndarray
) -> np.ndarray:
    """Overall-satisfaction answers: P(satisfied) = sigmoid(c + Σ_e β_e · std(latent_e)), β = DRIVER_TRUTH,
    with c solved so the weighted share satisfied equals the national overall target."""
    score = sum(
        DRIVER_TRUTH.get(e, 0.3) * (values - values.mean()) / values.std() for e, values in latent.items()
    )
    t = target / 100.0
    c = np.log(t / (1 - t))
    for _ in range(8):
        p = _sigmoid(c + score)
        c -= (np.average(p, weights=weight) - t) / np.average(p * (1 - p), weights=weight)
    satisfied = rng.random(len(score)) < _sigmoid(c + score)
    low = np.where(rng.random(len(score)) < 0.7, 3, 2)
    return np.where(satisfied, np.where(rng.random(len(score)) < 0.35, 5, 4), low).astype(np.int8)


def generate_wave(
    spec: WaveSpec,
    units: pd.DataFrame,
    items: pd.DataFrame,
    components: pd.DataFrame,
    nat: dict[str, float],
    persistent_dev: dict[str, float],
    published_province: dict[str, float],
    seed: int,
    scale: float = 1.0,
) -> tuple[pd.DataFrame, pa.Table]:
    """Respondent rows and the long answer table (year, resp_no, item_code, value) for one wave."""
    rng = np.random.default_rng([seed, spec.year])
    provinces = _province_frame(units, spec.geo_version)
    total = max(int(SAMPLE_SIZES[spec.year] * scale), 30 * len(provinces))
    root = np.sqrt(provinces.population.to_numpy())
    n_prov = np.maximum(np.round(total * root / root.sum()).astype(int), 30)

    # ---- sample: provinces -> communes (PSUs) -> respondents
    children = _children_index(units)
    cols: dict[str, list] = {k: [] for k in ("province_id", "district_id", "commune_id", "urban_psu",
                                             "region_id", "n_p", "population")}  # fmt: skip
    for prov, n_p in zip(provinces.itertuples(), n_prov, strict=True):
        psus = _sample_psus(rng, children, prov.unit_id, spec.geo_version)
        per = np.full(len(psus), n_p // len(psus))
        per[: n_p % len(psus)] += 1
        for (district_id, commune_id, commune_type), n_c in zip(psus, per, strict=True):
            for key, value in (
                ("province_id", prov.unit_id),
                ("district_id", district_id),
                ("commune_id", commune_id),
                ("urban_psu", commune_type in ("Phường", "Thị trấn")),
                ("region_id", prov.region_id),
                ("n_p", n_p),
                ("population", prov.population),
            ):
                cols[key].extend([value] * int(n_c))  # fmt: skip
    resp = pd.DataFrame(cols)
    n = len(resp)
    resp["year"] = spec.year
    resp["resp_no"] = np.arange(1, n + 1, dtype=np.int32)
    resp["respondent_id"] = [f"DEMO-{spec.year}-{k:06d}" for k in range(1, n + 1)]
    resp["stratum_id"] = resp["province_id"]
    resp["psu_id"] = resp["commune_id"]
    resp["agency_id"] = None
    resp["weight"] = resp["population"] / resp["n_p"] * rng.lognormal(0.0, 0.25, n)

    # ---- demographics (codes; labels come from the i18n catalogue)
    resp["sex"] = np.where(rng.random(n) < 0.52, "female", "male")
    resp["age_group"] = np.array(AGE)[rng.choice(4, n, p=[0.22, 0.32, 0.28, 0.18])]
    minority_p = resp["region_id"].map({"R-1": 0.55, "R-4": 0.35, "R-6": 0.08}).fillna(0.05).to_numpy()
    resp["ethnicity"] = np.where(rng.random(n) < minority_p, "minority", "kinh")
    urban = resp["urban_psu"].to_numpy()
    edu_draw = rng.random(n) + np.where(urban, 0.15, 0.0)
    resp["education"] = np.array(EDUCATION)[np.digitize(edu_draw, [0.25, 0.55, 0.85])]
    resp["area"] = np.where(urban, "urban", "rural")
    resp["service_field"] = np.array(SERVICE_FIELDS)[rng.integers(0, len(SERVICE_FIELDS), n)]
    online_share = 0.05 if spec.year < 2022 else (0.22 if spec.year < 2025 else 0.30)
    resp["channel"] = np.array(CHANNELS)[rng.choice(3, n, p=[0.95 - online_share, online_share, 0.05])]
    resp["is_generated"] = True

    # ---- latent structure
    psu_codes, psu_index = np.unique(resp["psu_id"].to_numpy(), return_inverse=True)
    psu_effect = rng.normal(0.0, 0.35, len(psu_codes))[psu_index]
    disposition = rng.normal(0.0, 0.9, n)
    demo_effect = (
        0.15 * (resp["age_group"] == "60+").to_numpy()
        - 0.10 * (resp["age_group"] == "18-29").to_numpy()
        - 0.12 * (resp["education"] == "tertiary").to_numpy()
        + 0.10 * (resp["channel"] == "online").to_numpy()
        + 0.05 * (resp["ethnicity"] == "minority").to_numpy()
    )
    z = disposition + psu_effect + demo_effect
    weight = resp["weight"].to_numpy()
    prov_codes, prov_index = np.unique(resp["province_id"].to_numpy(), return_inverse=True)
    prov_weight = np.bincount(prov_index, weights=weight)

    # ---- province deviations: persistent + yearly noise; published values fixed; others recentred
    dev = np.array([persistent_dev.get(p, 0.0) for p in prov_codes]) + rng.normal(0.0, 1.0, len(prov_codes))
    fixed = np.array([p in published_province for p in prov_codes])
    for k, p in enumerate(prov_codes):
        if fixed[k]:
            dev[k] = published_province[p] - nat["overall"]
    free = ~fixed
    dev[free] -= (prov_weight @ dev) / prov_weight[free].sum()

    element_domain = dict(
        components[components.level == "element"][["component_code", "parent_code"]].itertuples(index=False)
    )
    elem_nat = element_targets(spec.year, element_domain, nat)
    chunks = []
    latent: dict[str, np.ndarray] = {}
    sat_items = items[items.kind == "satisfaction"]
    for element, group in sat_items.groupby("element_code", sort=True):
        ze = z + rng.normal(0.0, ELEMENT_SPECIFIC_SD, n)  # respondent's view of this element
        offsets = np.array([_item_offset(code) for code in group.item_code])
        offsets -= offsets.mean()
        target = elem_nat[element] + dev + rng.normal(0.0, 0.7, len(prov_codes))
        target = np.clip(target, 40.0, 98.5) / 100.0
        # Newton's method for a[p]: weighted mean over respondents in p and items of sigmoid(a + d + z) = t
        a = np.log(target / (1 - target)) - 0.3
        for _ in range(8):
            p_mat = _sigmoid(a[prov_index][:, None] + offsets[None, :] + ze[:, None])
            mean_p = np.bincount(prov_index, weights=weight * p_mat.mean(axis=1)) / prov_weight
            slope = np.bincount(prov_index, weights=weight * (p_mat * (1 - p_mat)).mean(axis=1)) / prov_weight
            a -= (mean_p - target) / slope
        p_mat = _sigmoid(a[prov_index][:, None] + offsets[None, :] + ze[:, None])
        satisfied = rng.random(p_mat.shape) < p_mat
        high = rng.random(p_mat.shape) < (0.25 + 0.25 * _sigmoid(disposition))[:, None]
        low = np.select([rng.random(p_mat.shape) < 0.65, rng.random(p_mat.shape) < 0.77], [3, 2], default=1)
        value = np.where(satisfied, np.where(high, 5, 4), low)
        na_rate = 0.12 if element == "feedback" else 0.02
        value = np.where(rng.random(p_mat.shape) < na_rate, 9, value)
        chunks.append((group.item_code.to_list(), value.astype(np.int8)))
        latent[element] = a[prov_index] + ze

    for row in items[items.kind == "outcome"].itertuples():
        chunks.append(([row.item_code], _outcome_answers(rng, latent, nat["overall"], weight)[:, None]))

    perception = PERCEPTION_TARGETS.get(spec.year, {"harass": 87.5 + 0.3 * (spec.year - 2017), "pay": 89.0})
    for kind in ("perception", "expectation"):
        for row in items[items.kind == kind].itertuples():
            if kind == "perception":
                base = (
                    perception["pay"]
                    if ("pay" in row.item_code or "money" in row.item_code)
                    else perception["harass"]
                )
                p_pos = np.clip((base + dev[prov_index] * 0.5) / 100.0, 0.5, 0.995)
                other = np.where(rng.random(n) < 0.9, row.positive_max + 1, row.scale_max)
            else:
                # expectation items: about 85% want the improvement (2023 published: 85.03–85.12%)
                p_pos = float(np.clip((85.0 + 4 * _item_offset(row.item_code)) / 100, 0.5, 0.99))
                other = rng.integers(row.scale_min, row.positive_min, n)
            positive = rng.random(n) < p_pos
            top = rng.integers(row.positive_min, row.positive_max + 1, n)
            chunks.append(([row.item_code], np.where(positive, top, other).astype(np.int8)[:, None]))

    codes = [code for names, _ in chunks for code in names]
    values = np.concatenate([v for _, v in chunks], axis=1)  # respondents x items
    item_col = pa.DictionaryArray.from_arrays(
        pa.array(np.tile(np.arange(len(codes), dtype=np.int32), n)), pa.array(codes, pa.string())
    )
    answers = pa.table(
        {
            "year": pa.array(np.full(n * len(codes), spec.year, dtype=np.int32)),
            "resp_no": pa.array(np.repeat(resp["resp_no"].to_numpy(), len(codes))),
            "item_code": item_col,
            "value": pa.array(values.reshape(-1)),
        }
    )
    columns = ["year", "respondent_id", "resp_no", "province_id", "district_id", "commune_id", "agency_id",
               "stratum_id", "psu_id", "weight", "sex", "age_group", "ethnicity", "education", "area",
               "service_field", "channel", "is_generated"]  # fmt: skip
    return resp[columns], answers


def _values_for_ranks(published: pd.DataFrame, targets: dict[int, dict[str, float]]) -> pd.DataFrame:
    """Targets for provinces known only by a published rank: the value at that rank's quantile of the
    province spread, value = national + 2.4 · Φ⁻¹(1 − (rank − ½)/63), so the demo agrees with published ranks."""
    from scipy.stats import norm

    out = published.copy()
    rank_only = out["value"].isna() & out["rank"].notna()
    quantile = 1 - (out.loc[rank_only, "rank"].astype(float) - 0.5) / 63
    national = out.loc[rank_only, "year"].map(lambda y: targets[int(y)]["overall"])
    out.loc[rank_only, "value"] = national + 2.4 * norm.ppf(quantile)
    return out[["year", "unit_id", "value"]]


def populate(
    con: Connection, seed: int = DEFAULT_SEED, scale: float = 1.0, store_results: bool = True
) -> dict[str, int]:
    """Fill an empty store (schema already created) with reference data, published figures and the demo;
    `store_results=False` leaves out the stored results (pages then estimate; for quick test builds)."""
    counts: dict[str, int] = {}
    import_id = imports.next_import_id(con)
    counts |= {f"reference_{k}": v for k, v in load_reference(con).items()}
    load_methodologies(con)
    waves = load_waves()
    counts["published"] = load_published(con, import_id)

    units = queries.units(con)
    crosswalk = queries.crosswalk(con)
    provinces63 = _province_frame(units, "pre2025")
    persistent = _province_deviation(np.random.default_rng([seed, 0]), provinces63, crosswalk)
    published = queries.published_province_overall(con, "MoHA SIPAS")
    published = _values_for_ranks(published, national_targets())
    targets = national_targets()
    respondents = 0
    for year, wave in sorted(waves.items()):
        spec = WaveSpec(year, wave.methodology, wave.geo_version)
        components, items = queries.methodology_tree(con, spec.methodology_id)
        pub_year = dict(published[published.year == year][["unit_id", "value"]].itertuples(index=False))
        resp, answers = generate_wave(
            spec, units, items, components, targets[year], persistent, pub_year, seed, scale
        )
        resp["import_id"] = import_id
        imports.insert_frame(con, "respondent", resp)
        imports.insert_frame(con, "answer", answers)
        imports.insert_survey_wave(
            con, year, spec.methodology_id, spec.geo_version, wave.fieldwork_start, wave.fieldwork_end,
            "generated", wave.notes_en,
        )  # fmt: skip
        if store_results:
            refresh_wave(con, year)
        else:
            refresh_aggregates(con, year)
        respondents += len(resp)
    counts["respondents"] = respondents
    imports.insert_import_log(
        con,
        import_id,
        "demo",
        respondents,
        getpass.getuser(),
        note=json.dumps({"seed": seed, "scale": scale}),
    )
    return counts


def build_demo(
    path: Path | str, seed: int = DEFAULT_SEED, scale: float = 1.0, store_results: bool = True
) -> dict[str, int]:
    """(Re)build the demo database at `path` atomically: built beside it, then moved into place."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.with_name(target.name + ".building")
    for leftover in (building, Path(str(building) + ".wal")):
        leftover.unlink(missing_ok=True)
    con = dbmod.connect_write(building)
    try:
        con.begin()
        counts = populate(con, seed=seed, scale=scale, store_results=store_results)
        con.commit()
        dbmod.checkpoint(con)
    finally:
        con.close()
    os.replace(building, target)
    return counts


def main(argv: list[str] | None = None) -> int:
    """Command line: build the demo database."""
    parser = argparse.ArgumentParser(description="Build the SIPAS demo database (generated data).")
    parser.add_argument("--db", type=Path, default=dbmod.db_path())
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the real sample sizes")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = build_demo(args.db, seed=args.seed, scale=args.scale)
    counts_out = {"db": str(args.db), "seconds": round(time.perf_counter() - started, 1)} | counts
    print(json.dumps(counts_out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
