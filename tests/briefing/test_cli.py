"""`python -m briefing`: units as officers write them, clear errors in both languages, and a batch that
resumes after an interruption and says what it built."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pptx import Presentation

from briefing import batch
from content.selection import SelectionError, resolve_unit
from content.source import StoreKey
from tests.e2e.helpers import REPO_ROOT


@pytest.mark.parametrize(
    ("text", "year", "unit"),
    [("01", 2024, "P63-01"), ("P63-01", 2024, "P63-01"), ("Hà Nội", 2024, "P63-01"), ("ha noi", 2024, "P63-01"),
     ("TP Hồ Chí Minh", 2023, "P63-79"), ("79", 2025, "P34-79"), ("Hà Nội", 2025, "P34-01"), ("VN", 2024, "VN"),
     ("Toàn quốc", 2025, "VN")],
)  # fmt: skip
def test_units_as_officers_write_them(store_key: StoreKey, text: str, year: int, unit: str) -> None:
    assert resolve_unit(store_key, text, year).unit_id == unit


def test_an_old_province_is_carried_to_its_successor_with_a_note(store_key: StoreKey) -> None:
    resolved = resolve_unit(store_key, "Đắk Nông", 2025)
    assert resolved.unit_id == "P34-68" and "Lâm Đồng" in (resolved.note_vi or "")


def test_unknown_unit_and_year_are_refused(store_key: StoreKey) -> None:
    with pytest.raises(SelectionError) as unknown:
        resolve_unit(store_key, "Hanoi xyz", 2024)
    assert "Hà Nội" in unknown.value.message_vi and "No province" in unknown.value.message_en
    with pytest.raises(SelectionError) as no_wave:
        resolve_unit(store_key, "01", 2030)
    assert "2030" in no_wave.value.message_vi and "2030" in no_wave.value.message_en


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = os.environ | {"PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run([sys.executable, "-m", "briefing", "--db", str(db), *args], capture_output=True,
                          text=True, timeout=300, env=env, cwd=REPO_ROOT)  # fmt: skip


def test_cli_builds_a_pack_from_a_gso_code(demo_db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "hn.pptx"
    done = _cli(demo_db_path, "--unit", "01", "--year", "2024", "--format", "pptx", "--lang", "en",
                "--out", str(out))  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "administrator" in done.stdout and "100/100" in done.stdout
    deck = Presentation(io.BytesIO(out.read_bytes()))
    first = " ".join(s.text_frame.text for s in deck.slides[0].shapes if s.has_text_frame)
    assert "SIPAS 2024: Hanoi" in first
    assert not list(tmp_path.glob("*.part"))


def test_cli_bad_unit_exits_2_in_both_languages(demo_db_path: Path, tmp_path: Path) -> None:
    done = _cli(demo_db_path, "--unit", "Atlantis", "--year", "2024", "--out", str(tmp_path / "x.pptx"))
    assert done.returncode == 2
    assert "Không tìm thấy" in done.stdout and "No province" in done.stdout
    assert not (tmp_path / "x.pptx").exists()


class _Stop(Exception):
    pass


def test_batch_resumes_after_an_interruption(
    store_key: StoreKey, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import content.units as units

    subset = ("P34-01", "P34-79", "P34-48")
    monkeypatch.setattr(units, "province_ids", lambda key, geo: subset)

    def interrupt(done: int, total: int, outcome: batch.Outcome) -> None:
        if done == 1:
            raise _Stop  # killed after the first pack

    (tmp_path / "sipas-briefing-2025-p34-79-vi.pdf.part").write_bytes(b"half a file")
    with pytest.raises(_Stop):
        batch.run(store_key, 2025, "pdf", tmp_path, progress=interrupt)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sipas-briefing-2025-p34-01-vi.pdf"]
    summary = batch.run(store_key, 2025, "pdf", tmp_path)
    assert [o.status for o in summary.outcomes] == ["skipped", "built", "built"]
    assert summary.count("built") == 2 and summary.rate > 0
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["built"] == 2 and manifest["skipped"] == 1 and manifest["failed"] == 0
    assert all((tmp_path / o.file).read_bytes().startswith(b"%PDF") for o in summary.outcomes)
