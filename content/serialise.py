"""Content objects as JSON-ready values: what exports, briefings and tests can store or compare.

Dataclasses become dicts (with their type name under "_type"), DataFrames {"columns", "rows"}, plotly
figures their JSON spec without the layout template (styling that plotly fills in lazily, so a copied figure
would otherwise differ from its original), numpy scalars plain numbers, NaN None.
"""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go


def to_jsonable(obj: object) -> object:
    """A JSON-ready copy of a content object."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {"_type": type(obj).__name__}
        for f in dataclasses.fields(obj):
            out[f.name] = to_jsonable(getattr(obj, f.name))
        return out
    if isinstance(obj, go.Figure):
        spec = json.loads(obj.to_json())
        spec.get("layout", {}).pop("template", None)  # styling, materialised lazily by plotly: not content
        return spec
    if isinstance(obj, pd.DataFrame):
        frame = obj.astype(object).where(obj.notna(), None)
        return {
            "columns": [str(c) for c in obj.columns],
            "rows": [[to_jsonable(v) for v in row] for row in frame.itertuples(index=False)],
        }
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        return to_jsonable(obj.item())
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if obj is pd.NA or obj is pd.NaT:
        return None
    if isinstance(obj, pd.Timestamp):
        return obj.isoformat()
    return obj


def to_json(obj: object) -> str:
    """The content object as a JSON document (keys sorted: equal objects give equal text; Vietnamese kept)."""
    return json.dumps(to_jsonable(obj), ensure_ascii=False, default=str, sort_keys=True)
