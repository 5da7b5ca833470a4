"""Valid, real-shaped import files for tests (and the generator of the bad-file corpus)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reference.methodology import load_all, load_waves

# Real units (GSO names), spelled as officers type them.
PSUS_PRE2025 = [
    ("TP. Hà Nội", "Quận Ba Đình", "Phường Phúc Xá"),
    ("TP. Hà Nội", "Quận Ba Đình", "Phường Trúc Bạch"),
    ("Thành phố Hồ Chí Minh", "Quận 1", "Phường Tân Định"),
    ("TP.HCM", "Quận 1", "Phường Đa Kao"),
]
PSUS_2025 = [
    ("Thành phố Hà Nội", None, "Phường Ba Đình"),
    ("Hà Nội", None, "Phường Ngọc Hà"),
    ("Thành phố Hồ Chí Minh", None, "Phường Sài Gòn"),
    ("TP. Hồ Chí Minh", None, "Phường Tân Định"),
]


def item_codes(year: int) -> list[str]:
    """Item codes of the methodology of `year`, in questionnaire order."""
    methodology = load_all()[load_waves()[year].methodology]
    return [item.code for item in methodology.items]


def microdata_frame(year: int = 2024, per_psu: int = 12, seed: int = 1, prefix: str = "Q") -> pd.DataFrame:
    """A valid microdata table for `year`: 4 PSUs in 2 provinces, answers 1–5 with some 9 (no answer)."""
    rng = np.random.default_rng(seed)
    psus = PSUS_2025 if load_waves()[year].geo_version == "2025" else PSUS_PRE2025
    rows = []
    k = 0
    methodology = load_all()[load_waves()[year].methodology]
    for province, district, commune in psus:
        for _ in range(per_psu):
            k += 1
            row = {"respondent_id": f"{prefix}{year}-{k:05d}", "province": province}
            if district is not None:
                row["district"] = district
            row |= {
                "commune": commune,
                "weight": round(float(rng.uniform(50, 400)), 2),
                "sex": ["Nam", "Nữ", "male", "female"][k % 4],
                "age_group": ["18-29", "30-44", "45-59", "60+"][k % 4],
            }
            for item in methodology.items:
                scale = item.scale
                value = int(rng.integers(scale.min, scale.max + 1))
                if rng.random() < 0.04 and scale.missing_codes:
                    value = scale.missing_codes[0]
                row[item.code] = value
            rows.append(row)
    return pd.DataFrame(rows)


def published_rows_2023() -> list[tuple[str, str, str, str, str]]:
    """(unit as typed, SIPAS, policy, service, rank) — shaped like a MoHA report table (decimal commas)."""
    return [
        ("Quảng Ninh", "89,96%", "88,10", "91,20", "1"),
        ("TP. Hồ Chí Minh", "85,10%", "84,00", "86,20", "2"),
        ("Thừa Thiên - Huế", "84,50%", "83,00", "86,00", "3"),
        ("Hoà Bình", "83,20%", "82,00", "84,40", "4"),
        ("Bà Rịa – Vũng Tàu", "82,00%", "81,00", "83,00", "5"),
        ("Đắk Lắk", "79,90%", "78,80", "81,00", "6"),
    ]


def cp1258_bytes(text: str) -> bytes:
    """Text as Windows-1258 writes it: letters with circumflex/breve/horn precomposed, tone marks combining."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            import unicodedata

            decomposed = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in tones))
            out.append(base.encode("cp1258") + "".join(m for m in decomposed if m in tones).encode("cp1258"))
    return b"".join(out)
