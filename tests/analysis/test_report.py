"""`python -m analysis.report` as an officer runs it: a real process against the demo store."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pandas as pd
import pytest

from analysis.report import COLUMNS
from tests.conftest import REPO_ROOT


def run(db, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analysis.report", "--db", str(db), *args],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_province_csv(demo_db_path) -> None:
    done = run(demo_db_path, "--year", "2024", "--level", "province", "--breakdown", "element")
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(io.StringIO(done.stdout))
    assert list(table.columns) == COLUMNS
    assert table["unit_code"].nunique() == 63
    assert table["index_code"].str.startswith("element:").all()
    assert table["value"].between(0, 100).all()
    assert (table["rank_low"] <= table["rank"]).all() and (table["rank"] <= table["rank_high"]).all()
    assert table["change_vs_prev"].notna().all()
    assert table["flags"].str.contains("generated").all()


def test_json_national_and_published(demo_db_path) -> None:
    done = run(
        demo_db_path, "--year", "2023", "--level", "national", "--format", "json", "--breakdown", "domain"
    )
    rows = json.loads(done.stdout)
    assert {r["index_code"] for r in rows} == {"domain:policy", "domain:service"}
    done = run(
        demo_db_path, "--year", "2023", "--level", "province", "--source", "published", "--format", "json"
    )
    rows = json.loads(done.stdout)
    quang_ninh = next(r for r in rows if r["unit_code"] == "P63-22")
    assert (
        quang_ninh["value"] == 90.61 and quang_ninh["ci_low"] is None and quang_ninh["flags"] == "published"
    )


def test_2024_on_the_34_provinces_is_reaggregated(demo_db_path) -> None:
    done = run(demo_db_path, "--year", "2024", "--level", "province", "--geography", "2025")
    table = pd.read_csv(io.StringIO(done.stdout))
    assert table["unit_code"].str.startswith("P34-").all() and len(table) == 34
    assert table["flags"].str.contains("reaggregated").all()


def test_across_the_methodology_break_no_significance(demo_db_path) -> None:
    done = run(demo_db_path, "--year", "2022", "--level", "province")
    table = pd.read_csv(io.StringIO(done.stdout))
    assert table["change_significant"].isna().all()
    assert table["flags"].str.contains("break_since_prev").all()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("--year", "2025", "--level", "province", "--geography", "2024"), "34"),
        (("--year", "2025", "--level", "district"), "1/7/2025"),
        (("--year", "1999", "--level", "province"), "1999"),
    ],
)
def test_bad_requests_exit_2_with_both_languages(demo_db_path, args, fragment) -> None:
    done = run(demo_db_path, *args)
    assert done.returncode == 2
    error = json.loads(done.stdout)["error"]
    assert fragment in error["vi"] and error["en"]
