"""The fast paths of the microdata import give the same plan whichever way the file was read (column-wise
CSV, row-wise quoted CSV, XLSX), and the unit matcher cached on disk is used safely."""

from __future__ import annotations

import os

import duckdb
import numpy as np
import pandas as pd
import pytest

from ingest import microdata
from tests.ingest.builders import microdata_frame


@pytest.fixture()
def con(db):
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


def faulty_frame() -> pd.DataFrame:
    """A 2024 table with one of most faults: bad answers, duplicate id, unknown category, misspelled and
    abolished provinces, bad weights, untidy spacing (which must not be a fault)."""
    frame = microdata_frame(2024, per_psu=30).astype(object)
    items = [c for c in frame.columns if c not in ("respondent_id", "province", "district", "commune", "weight",
                                                   "sex", "age_group")]  # fmt: skip
    frame.loc[3, items[0]] = "x"
    frame.loc[5, items[1]] = 4.5
    frame.loc[7, items[2]] = 12
    frame.loc[9, items[2]] = None
    frame.loc[11, "respondent_id"] = frame.loc[10, "respondent_id"]
    frame.loc[13, "sex"] = "không rõ"
    frame.loc[15, "province"] = "Hà Tây"
    frame.loc[17, "province"] = "Atlantis"
    frame.loc[19, "weight"] = -1
    frame.loc[21, "weight"] = None
    frame.loc[23, "commune"] = "  Phường   Phúc Xá "
    return frame


def plans(con, frame: pd.DataFrame, tmp_path) -> dict[str, object]:
    plain, quoted, xlsx = tmp_path / "plain.csv", tmp_path / "quoted.csv", tmp_path / "book.xlsx"
    frame.to_csv(plain, index=False)
    frame.to_csv(quoted, index=False, quoting=1)  # every cell quoted: read row by row
    frame.to_excel(xlsx, index=False)
    return {
        p.suffix + p.stem: microdata.prepare(con, p, 2024, replace=True, partial=True)
        for p in (plain, quoted, xlsx)
    }


def comparable(plan) -> dict:
    out = {"status": plan.status, "problems": plan.problems.as_json(),
           "summary": {k: v for k, v in plan.summary.items() if k not in ("sheet", "encoding")}}  # fmt: skip
    if plan.payload:
        out["respondent"] = plan.payload["respondent"].astype(object).to_numpy().tolist()
        out["answer"] = plan.payload["answer"].to_pydict()
    return out


@pytest.mark.parametrize("faulty", [False, True])
def test_same_plan_whichever_reader(con, tmp_path, faulty):
    frame = faulty_frame() if faulty else microdata_frame(2024, per_psu=30)
    found = plans(con, frame, tmp_path)
    plain = found[".csvplain"]
    assert plain.status == ("invalid" if faulty else "ready")
    for name in (".csvquoted", ".xlsxbook"):
        assert comparable(found[name]) == comparable(plain), name
    if faulty:
        codes = {p.code for p in plain.problems.errors()}
        assert codes >= {"answer_not_integer", "answer_out_of_range", "respondent_duplicate", "category_unknown",
                         "unit_abolished", "unit_not_found", "weight_invalid"}  # fmt: skip
        assert not [p for p in plain.problems.errors() if p.column == "commune"]


def test_matcher_cached_on_disk(con, tmp_path, monkeypatch):
    monkeypatch.setenv("SIPAS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(microdata, "_MATCHERS", {})
    built = microdata.matcher_for(con)
    files = list((tmp_path / "cache").glob("unit_matcher-*.pickle"))
    assert len(files) == 1 and (files[0].stat().st_mode & 0o077) == 0

    def no_build(_con):
        raise AssertionError("built again")

    monkeypatch.setattr(microdata, "_MATCHERS", {})
    monkeypatch.setattr(microdata.queries, "unit_matcher", no_build)
    loaded = microdata.matcher_for(con)
    assert loaded is not built
    for name in ("Hà Nội", "Hà Tây", "TP.HCM"):
        assert loaded.resolve(name, level="province", geo_version="pre2025") == built.resolve(
            name, level="province", geo_version="pre2025"
        )


def test_broken_or_unsafe_cache_is_not_used(con, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("SIPAS_CACHE_DIR", str(cache))
    monkeypatch.setattr(microdata, "_MATCHERS", {})
    microdata.matcher_for(con)
    (path,) = cache.glob("unit_matcher-*.pickle")
    path.write_bytes(b"not a pickle")
    monkeypatch.setattr(microdata, "_MATCHERS", {})
    assert microdata.matcher_for(con).resolve("Hà Nội", level="province", geo_version="pre2025").unit_id
    assert path.read_bytes() != b"not a pickle"  # rebuilt and saved again

    os.chmod(cache, 0o777)  # a folder others may write to: neither read nor written
    path.write_bytes(b"not a pickle")
    monkeypatch.setattr(microdata, "_MATCHERS", {})
    assert microdata.matcher_for(con).resolve("Hà Nội", level="province", geo_version="pre2025").unit_id
    assert path.read_bytes() == b"not a pickle"


def test_many_errors_are_counted_beyond_the_list(con, tmp_path):
    frame = microdata_frame(2024, per_psu=300).astype(object)
    item = [c for c in frame.columns if c.startswith(("policy", "access"))][0]
    frame[item] = "x"
    path = tmp_path / "bad.csv"
    frame.to_csv(path, index=False)
    plan = microdata.prepare(con, path, 2024, replace=True)
    body = plan.problems.as_json()
    assert body["counts"]["answer_not_integer:error"] == len(frame)
    assert len(body["errors"]) == 1000 and body["not_listed"] == len(frame) - 1000
    assert [e["row"] for e in body["errors"][:3]] == [2, 3, 4]
    assert np.all(np.diff([e["row"] for e in body["errors"]]) > 0)
