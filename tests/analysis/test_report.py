"""`python -m analysis.report` as an officer runs it: a real process against the demo store."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import pandas as pd
import pytest

from analysis.report import COLUMNS
from tests.conftest import REPO_ROOT


def run(db, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analysis.report", "--db", str(db), *args],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


PROVINCE_CSV = ("--year", "2024", "--level", "province", "--breakdown", "element")
NATIONAL_JSON = ("--year", "2023", "--level", "national", "--format", "json", "--breakdown", "domain")
PUBLISHED_JSON = ("--year", "2023", "--level", "province", "--source", "published", "--format", "json")
REAGGREGATED = ("--year", "2024", "--level", "province", "--geography", "2025")
ACROSS_BREAK = ("--year", "2022", "--level", "province")
BAD_REQUESTS = [
    (("--year", "2025", "--level", "province", "--geography", "2024"), "34"),
    (("--year", "2025", "--level", "district"), "1/7/2025"),
    (("--year", "1999", "--level", "province"), "1999"),
]


# what each test runs, so that all of them can be started at once (anything else is run when asked for)
COMMANDS = {
    "test_province_csv": [PROVINCE_CSV],
    "test_json_national_and_published": [NATIONAL_JSON, PUBLISHED_JSON],
    "test_2024_on_the_34_provinces_is_reaggregated": [REAGGREGATED],
    "test_across_the_methodology_break_no_significance": [ACROSS_BREAK],
    "test_bad_requests_exit_2_with_both_languages": [],  # its parameter `args`
}


class Reports(dict):
    """args -> Future of `run(db, *args)`; a command line not started in advance is started on first use."""

    def __init__(self, pool: ThreadPoolExecutor, db) -> None:
        super().__init__()
        self.pool, self.db = pool, db

    def __missing__(self, args: tuple[str, ...]) -> Future[subprocess.CompletedProcess]:
        self[args] = self.pool.submit(run, self.db, *args)
        return self[args]


@pytest.fixture(scope="module")
def reports(demo_db_path, request) -> Iterator[Reports]:
    """The command lines of this module's selected tests, each a separate process as before, all started
    when the first of these tests runs: they are independent, so two cores run two at once."""
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1)) as pool:
        started = Reports(pool, demo_db_path)
        for item in request.session.items:
            if item.module is request.module:
                params = getattr(item, "callspec", None)
                extra = [params.params["args"]] if params and "args" in params.params else []
                for args in COMMANDS.get(item.originalname, []) + extra:
                    if args not in started:
                        started[args] = pool.submit(run, demo_db_path, *args)
        yield started


def test_province_csv(reports) -> None:
    done = reports[PROVINCE_CSV].result()
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(io.StringIO(done.stdout))
    assert list(table.columns) == COLUMNS
    assert table["unit_code"].nunique() == 63
    assert table["index_code"].str.startswith("element:").all()
    assert table["value"].between(0, 100).all()
    assert (table["rank_low"] <= table["rank"]).all() and (table["rank"] <= table["rank_high"]).all()
    assert table["change_vs_prev"].notna().all()
    assert table["flags"].str.contains("generated").all()


def test_json_national_and_published(reports) -> None:
    done = reports[NATIONAL_JSON].result()
    rows = json.loads(done.stdout)
    assert {r["index_code"] for r in rows} == {"domain:policy", "domain:service"}
    done = reports[PUBLISHED_JSON].result()
    rows = json.loads(done.stdout)
    quang_ninh = next(r for r in rows if r["unit_code"] == "P63-22")
    assert (
        quang_ninh["value"] == 90.61 and quang_ninh["ci_low"] is None and quang_ninh["flags"] == "published"
    )


def test_2024_on_the_34_provinces_is_reaggregated(reports) -> None:
    done = reports[REAGGREGATED].result()
    table = pd.read_csv(io.StringIO(done.stdout))
    assert table["unit_code"].str.startswith("P34-").all() and len(table) == 34
    assert table["flags"].str.contains("reaggregated").all()


def test_across_the_methodology_break_no_significance(reports) -> None:
    done = reports[ACROSS_BREAK].result()
    table = pd.read_csv(io.StringIO(done.stdout))
    assert table["change_significant"].isna().all()
    assert table["flags"].str.contains("break_since_prev").all()


@pytest.mark.parametrize(("args", "fragment"), BAD_REQUESTS)
def test_bad_requests_exit_2_with_both_languages(reports, args, fragment) -> None:
    done = reports[args].result()
    assert done.returncode == 2
    error = json.loads(done.stdout)["error"]
    assert fragment in error["vi"] and error["en"]
