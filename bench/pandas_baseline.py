"""The straightforward way: load a wave's answers and respondents into pandas on every request and groupby.
Same outputs as the engine's point estimates (shares satisfied per item → element → domain → overall), but
no confidence intervals, so the baseline does less work than the engine it is compared with."""

from __future__ import annotations

import itertools

import duckdb
import numpy as np
import pandas as pd

from analysis import drivers as kd

LEVEL_COLUMN = {
    "province": "province_id",
    "district": "district_id",
    "commune": "commune_id",
    "national": None,
}


class PandasBaseline:
    """Per-request pandas implementation of the pages' computations."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.waves = con.execute(
            "SELECT year, methodology_id, geo_version FROM survey_wave ORDER BY year"
        ).df()
        self.items = con.execute("SELECT * FROM methodology_item").df()
        self.components = con.execute("SELECT * FROM methodology_component").df()

    def load(self, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
        """All answers and respondents of a wave as DataFrames."""
        answers = self.con.execute("SELECT * FROM answer WHERE year = ?", [year]).df()
        respondents = self.con.execute("SELECT * FROM respondent WHERE year = ?", [year]).df()
        return answers, respondents

    def indices(
        self, year: int, level: str = "province", breakdown: str | None = None, data=None
    ) -> pd.DataFrame:
        """Element, domain and overall shares per unit (and group) from the loaded frames."""
        answers, respondents = data if data is not None else self.load(year)
        mid = self.waves.set_index("year").loc[year, "methodology_id"]
        items = self.items[(self.items.methodology_id == mid) & self.items.element_code.notna()]
        keys = [c for c in (LEVEL_COLUMN[level], breakdown) if c]
        merged = answers.merge(respondents[["resp_no", "weight", *keys]], on="resp_no").merge(
            items[["item_code", "element_code", "scale_min", "scale_max", "positive_min", "positive_max"]],
            on="item_code",
        )
        valid = merged[merged.value.between(merged.scale_min, merged.scale_max)]
        valid = valid.assign(pos=valid.weight * valid.value.between(valid.positive_min, valid.positive_max))
        by_item = valid.groupby([*keys, "element_code", "item_code"], observed=True)[["weight", "pos"]].sum()
        by_item["share"] = 100 * by_item.pos / by_item.weight
        element = (
            by_item.groupby([*keys, "element_code"], observed=True).share.mean().rename("value").reset_index()
        )
        comps = self.components[self.components.methodology_id == mid].set_index("component_code")
        element["domain"] = element.element_code.map(comps.parent_code)
        domain = element.groupby([*keys, "domain"], observed=True).value.mean().reset_index()
        top = domain if (comps.level == "domain").any() else element
        overall = (
            top.groupby(keys, observed=True).value.mean().reset_index() if keys else top[["value"]].mean()
        )
        return pd.concat([element.assign(index_code="element:" + element.element_code),
                          domain.assign(index_code="domain:" + domain.domain),
                          pd.DataFrame(overall).assign(index_code="overall")], ignore_index=True)  # fmt: skip

    def previous(self, year: int) -> int | None:
        earlier = self.waves[self.waves.year < year].year
        return int(earlier.iloc[-1]) if len(earlier) else None

    def overview(self, f) -> object:
        data = self.load(f.year)
        now = self.indices(f.year, data=data)
        self.indices(f.year, "national", data=data)
        prev = self.previous(f.year)
        return (now, self.indices(prev)) if prev else now

    def map_page(self, f) -> object:
        data = self.load(f.year)
        geo = self.waves.set_index("year").loc[f.year, "geo_version"]
        return self.indices(f.year, data=data), self.indices(
            f.year, "district" if geo == "pre2025" else "commune", data=data
        )

    def trends(self, f) -> object:
        return {int(y): self.indices(int(y)) for y in self.waves.year}

    def dimensions(self, f) -> object:
        data = self.load(f.year)
        return self.indices(f.year, data=data), self.indices(f.year, breakdown="sex", data=data)

    profile = map_page

    def compare(self, f) -> object:
        frame = self.indices(f.year)
        overall = frame[frame.index_code == "overall"].set_index("province_id").value
        return [
            overall.get(a, np.nan) - overall.get(b, np.nan) for a, b in itertools.combinations(f.peers, 2)
        ]

    def drivers(self, f) -> object:
        answers, respondents = self.load(f.year)
        mid = self.waves.set_index("year").loc[f.year, "methodology_id"]
        items = self.items[
            (self.items.methodology_id == mid) & self.items.kind.isin(["satisfaction", "outcome"])
        ]
        mine = respondents[respondents.province_id == f.unit_id][
            ["resp_no", "weight", "psu_id", "stratum_id"]
        ]
        merged = answers.merge(mine, on="resp_no").merge(items, on="item_code")
        merged = merged[merged.value.between(merged.scale_min, merged.scale_max)]
        merged["part"] = merged.element_code.fillna(merged.item_code)
        merged["score"] = 100.0 * merged.value.between(merged.positive_min, merged.positive_max)
        wide = merged.pivot_table(
            index=["resp_no", "weight", "psu_id", "stratum_id"], columns="part", values="score"
        )
        wide = wide.reset_index().rename(columns={"psu_id": "psu", "stratum_id": "stratum"})
        outcome_code = items[items.kind == "outcome"].item_code
        wide["outcome"] = wide[outcome_code.iloc[0]] / 100.0 if len(outcome_code) else np.nan
        columns = [c for c in items.element_code.dropna().unique() if c in wide.columns]
        return kd.key_drivers(wide, columns)
