"""Plotly's own words (toolbar tooltips, notices) in the chosen language, passed to the browser as a locale in
the chart's config (`config={"locale": lang, "locales": {lang: plotly_locale(lang)}}`), so nothing has to be
registered or fetched. The texts come from the catalogue (`plotly.*` in `i18n/locales/<lang>/plotly.toml`);
plotly.js looks them up by its English source string.

    format   decimal and thousands separators of the language (vi: 84,5 and 36.525)
"""

from __future__ import annotations

from functools import cache

from i18n import t

# plotly.js English source string -> catalogue key (the strings a user can see with our toolbar and charts)
SOURCE_STRINGS = {
    "Autoscale": "plotly.autoscale",
    "Box Select": "plotly.box_select",
    "Lasso Select": "plotly.lasso_select",
    "Compare data on hover": "plotly.compare_hover",
    "Show closest data on hover": "plotly.closest_hover",
    "Toggle Spike Lines": "plotly.spikelines",
    "Toggle show closest data on hover": "plotly.closest_hover",
    "Download plot as a PNG": "plotly.download_png",
    "Download plot as a png": "plotly.download_png",
    "Download plot": "plotly.download",
    "Pan": "plotly.pan",
    "Reset axes": "plotly.reset_axes",
    "Reset view": "plotly.reset",
    "Reset views": "plotly.reset",
    "Reset": "plotly.reset",
    "Zoom": "plotly.zoom",
    "Zoom in": "plotly.zoom_in",
    "Zoom out": "plotly.zoom_out",
    "Double-click on legend to isolate one trace": "plotly.legend_isolate",
    "Double-click to zoom back out": "plotly.zoom_back",
    "Preparing image - this may take a few seconds": "plotly.preparing",
    "Image download succeeded": "plotly.downloaded",
    "Taking snapshot - this may take a few seconds": "plotly.preparing",
    "Snapshot succeeded": "plotly.downloaded",
    "Sorry, there was a problem downloading your snapshot!": "plotly.download_failed",
    "trace": "plotly.trace",
}


@cache
def plotly_locale(lang: str) -> dict:
    """The plotly.js locale object for `lang`: {"dictionary": {source: text}, "format": {...}}."""
    decimal, thousands = (",", ".") if lang == "vi" else (".", ",")
    return {
        "dictionary": {source: t(key, lang) for source, key in SOURCE_STRINGS.items()},
        "format": {"decimal": decimal, "thousands": thousands},
    }
