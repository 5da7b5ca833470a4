"""One briefing pack as a file: content → slides → chart images → PPTX or PDF bytes (no Streamlit)."""

from __future__ import annotations

import datetime as dt
import io

from briefing import images, pack
from briefing.pack import Pack, Progress
from content.filters import Filters
from content.source import StoreKey
from i18n import t

FORMATS = ("pptx", "pdf")
MIME = {"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pdf": "application/pdf"}  # fmt: skip


def chart_images(built: Pack, progress: Progress | None = None) -> dict[str, tuple[bytes, int, int]]:
    """Every chart of the pack as a stamped 2× PNG: chart key -> (bytes, pixel width, pixel height)."""
    from PIL import Image  # noqa: PLC0415

    report = progress or (lambda fraction, text: None)
    charts = built.charts()
    out = {}
    for done, chart in enumerate(charts, start=1):
        report(0.2 + 0.7 * (done - 1) / max(len(charts), 1),
               t("briefing.step_charts", built.lang, done=done, total=len(charts)))  # fmt: skip
        data = images.export(chart, "png", built.stamp)
        with Image.open(io.BytesIO(data)) as picture:
            out[chart.key] = (data, picture.width, picture.height)
    return out


def make(key: StoreKey, filters: Filters, fmt: str, progress: Progress | None = None,
         today: dt.date | None = None) -> tuple[bytes, Pack]:  # fmt: skip
    """The briefing pack of the filters' unit and year as `fmt` ('pptx' or 'pdf') bytes, and its slides."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown briefing format {fmt!r}; expected one of {FORMATS}")
    report = progress or (lambda fraction, text: None)
    built = pack.build(key, filters, report, today)
    pictures = chart_images(built, report)
    report(0.92, t("briefing.step_file", filters.lang))
    if fmt == "pptx":
        from briefing import pptx_file  # noqa: PLC0415

        data = pptx_file.write(built, pictures)
    else:
        from briefing import pdf_file  # noqa: PLC0415

        data = pdf_file.write(built, pictures)
    report(1.0, t("briefing.step_file", filters.lang))
    return data, built
