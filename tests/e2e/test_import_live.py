"""An import from the command line while the dashboard serves pages: every page load succeeds and shows the
old wave or the new one, never a mix (the Data page's wave row and its source come from one version)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import Page

from i18n import t
from tests.e2e.helpers import REPO_ROOT, app_exceptions, open_app, start_streamlit
from tests.e2e.test_data_upload import CELL, KNOWN_DEEP_LINK_PROBE, table
from tests.ingest.builders import microdata_frame


def wave_2024(page: Page) -> tuple[str, str]:
    """(respondents, source) of the 2024 row of the waves table."""
    rows = (
        table(page, "SIPAS 2017–2021")
        .locator("tr")
        .filter(has=page.locator(CELL, has_text=re.compile("^2024$")))
    )
    rows.first.wait_for(state="attached", timeout=30_000)  # the table may still be a loading placeholder
    cells = rows.first.locator(CELL).all_inner_texts()
    assert cells[0] == "2024", cells
    return cells[5], cells[4]


def test_pages_keep_working_during_an_import(page: Page, demo_db_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "sipas.duckdb"
    shutil.copyfile(demo_db_path, db)
    new_file = tmp_path / "song_song_2024.csv"
    microdata_frame(2024).to_csv(new_file, index=False)
    server = start_streamlit(
        REPO_ROOT / "app.py", tmp_path / "server.log", env={**os.environ, "SIPAS_DB": str(db)}
    )
    try:
        url = f"{server.url}/data?lang=vi&year=2024"
        open_app(page, url, timeout=60)
        old = wave_2024(page)
        assert old[1] == t("data.source_generated", "vi")
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
        proc = subprocess.Popen(
            [sys.executable, "-m", "ingest", "microdata", str(new_file), "--year", "2024", "--db", str(db),
             "--replace", "--partial"], cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        seen = []
        while True:
            running = proc.poll() is None
            open_app(page, url, timeout=60)
            assert not app_exceptions(page)
            seen.append(wave_2024(page))
            if not running:
                break
        out, err = proc.communicate()
        assert proc.returncode == 0, err.decode()[-2000:]
        new = seen[-1]
        assert new[0] == "48" and new[1].startswith(new_file.name)
        assert set(seen) <= {old, new}, seen  # never respondents of one version with the source of another
        assert len(seen) >= 2
        errors = [e for e in page.console_errors if not KNOWN_DEEP_LINK_PROBE.search(e)]
        assert not errors, errors
    finally:
        server.stop()
