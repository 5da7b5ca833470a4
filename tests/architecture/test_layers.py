"""The layer check passes on the repository and fails on deliberately bad code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.architecture.layers import ALLOWED, check_file, violations
from tests.conftest import REPO_ROOT


def test_the_repository_keeps_its_layers() -> None:
    found = violations(REPO_ROOT)
    assert not found, "\n".join(map(str, found))


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    """A copy of the repository's packages (sources only) to break on purpose."""
    for layer in ALLOWED:
        source = REPO_ROOT / (f"{layer}.py" if layer == "app" else layer)
        if source.is_dir():
            shutil.copytree(
                source, tmp_path / layer, ignore=shutil.ignore_patterns("__pycache__", "*.duckdb")
            )
        elif source.exists():
            shutil.copy(source, tmp_path / source.name)
    assert not violations(tmp_path)
    return tmp_path


BAD = [
    ("store/bad.py", "from analysis import engine\n", "layer"),  # the old circle: store -> analysis
    ("ingest/bad.py", "from ui.i18n import t\nfrom ui import components\n", "layer"),  # import -> screen
    ("reference/bad.py", "from store import queries\n", "layer"),
    ("analysis/bad.py", "import streamlit as st\n", "streamlit"),
    ("content/bad.py", "import streamlit as st\n", "streamlit"),
    ("analysis/bad.py", "def f(con):\n    return con.execute('SELECT 1 FROM respondent').df()\n", "sql"),
    ("content/bad.py", "QUERY = '''\n  SELECT year\n  FROM survey_wave\n'''\n", "sql"),
    ("ingest/bad.py", "import duckdb\n", "sql"),
    ("views/bad.py", "import pandas as pd\n", "page"),
    ("views/bad.py", "from analysis.change import year_over_year\n", "layer+page"),
    ("views/bad.py", "from i18n import fmt_pct, t\n", "page"),
    ("views/bad.py", "from store import queries\n", "layer+page"),
]


@pytest.mark.parametrize(("path", "code", "rule"), BAD, ids=[f"{p}:{r}" for p, _, r in BAD])
def test_a_deliberately_bad_file_is_caught(tree: Path, path: str, code: str, rule: str) -> None:
    target = tree / path
    target.write_text(code, encoding="utf-8")
    found = violations(tree)
    assert [v.rule for v in found] and {v.rule for v in found} == set(rule.split("+")), found
    assert all(v.path == path for v in found)


def test_type_hints_and_docstrings_are_not_sql(tree: Path) -> None:
    target = tree / "analysis" / "ok.py"
    target.write_text(
        '"""Reads SELECT value FROM agg_result through store."""\nfrom typing import TYPE_CHECKING\n'
        "if TYPE_CHECKING:\n    import duckdb\n",
        encoding="utf-8",
    )
    assert check_file(target, tree) == []
