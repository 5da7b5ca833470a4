"""The catalogues: same keys in both languages, every key used in code exists, Vietnamese formatting."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from i18n import catalogue, fmt_ci, fmt_number, fmt_pct, fmt_signed
from tests.conftest import REPO_ROOT

KEY_USE = re.compile(r"""\bt\(\s*f?["']([a-z0-9_.{}]+)["']""")


def test_both_languages_have_the_same_keys() -> None:
    assert set(catalogue("vi")) == set(catalogue("en"))


def test_every_literal_key_used_in_code_exists() -> None:
    keys = set(catalogue("vi"))
    missing = []
    for path in [
        REPO_ROOT / "app.py",
        *(p for d in ("views", "ui", "content", "ingest", "charts") for p in REPO_ROOT.glob(f"{d}/*.py")),
    ]:
        for key in KEY_USE.findall(path.read_text(encoding="utf-8")):
            if "{" in key:  # f-string key: check that some key has that prefix
                prefix = key.split("{", 1)[0]
                if not any(k.startswith(prefix) for k in keys):
                    missing.append((path.name, key))
            elif key not in keys:
                missing.append((path.name, key))
    assert not missing


def test_vietnamese_number_formatting() -> None:
    assert fmt_pct(84.5, "vi") == "84,50%"
    assert fmt_pct(84.5, "en") == "84.50%"
    assert fmt_number(36525, "vi", 0) == "36.525"
    assert fmt_number(36525, "en", 0) == "36,525"
    assert fmt_signed(1.3, "vi") == "+1,30"
    assert fmt_signed(-0.4, "vi") == "−0,40"
    assert fmt_ci(82.1, 84.3, "vi") == "82,10–84,30"
    assert fmt_pct(float("nan"), "vi") == "–"


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_vi_and_en_formats_are_the_same_number(value: float) -> None:
    vi = fmt_number(value, "vi", 2).replace(".", "").replace(",", ".")
    en = fmt_number(value, "en", 2).replace(",", "")
    assert vi == en


def test_every_verdict_has_text() -> None:
    from analysis.change import VERDICTS

    for lang in ("vi", "en"):
        assert all(f"verdict.{v}" in catalogue(lang) for v in VERDICTS)


def test_fmt_ci_with_negative_ends_reads_clearly() -> None:
    # issue 12: "-10,33–-1,81" (a hyphen-minus next to the dash) became "−10,33 đến −1,81"
    assert fmt_ci(-10.333, -1.81, "vi") == "−10,33 đến −1,81"
    assert fmt_ci(-10.333, -1.81, "en") == "−10.33 to −1.81"
    assert fmt_ci(-3, 4.5, "vi") == "−3,00 đến 4,50"
    assert fmt_ci(-1234.5, 2, "vi", 1) == "−1.234,5 đến 2,0"
    assert fmt_ci(-0.001, 2.0, "en") == "0.00–2.00"  # rounds to zero: no "−0.00"
    assert fmt_ci(0.5, 2.0, "en") == "0.50–2.00"  # positive intervals keep the en dash
    assert fmt_ci(0.55, 8.65, "vi", worded=True) == "0,55 đến 8,65"  # a column of changes reads alike
    assert fmt_ci(-1.69, 6.46, "en", worded=True) == "−1.69 to 6.46"
    for lang in ("vi", "en"):
        assert "-" not in fmt_ci(-5.2, -0.4, lang)  # never a hyphen-minus
