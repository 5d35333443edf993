"""What a `**mapping` spread into a sink call passes for the argument the sink reads.

`requests.request(method, url, headers=headers, **kwargs)` in a project's HTTP wrapper: the
sink reads its URL at position 1 or as `url=`. The call already gives position 1, so the
mapping cannot also give `url` (Python refuses a second value for one parameter): whatever the
wrapper's callers put in `kwargs` (`json=body`, `params=query`) is no URL. A sink's keywords
name the parameters its positions read (`url` for position 1, `sql`/`query` for a cursor's 0),
so a call giving every position the model reads leaves the spread nothing of the sink's.
A call spreading `*args` gives positions nobody can count, and keeps the spread as before.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from secreview.analysis.models import SinkModel
from secreview.analysis.taint.values import Value


def spread_inputs(spread: Value, sink: SinkModel, node: ast.AST, given: int) -> list[Value]:
    """What `spread` (the `**` of a call `node` with `given` positional arguments) passes for
    `sink`'s keywords: nothing when the call gives every position the sink reads; of a dict
    whose data all sits at known keys (`params = {"method": m}`, `params["data"] = body`, then
    `Request(url, **params)`), only the values of the listed keys it holds, since data put at
    an unknown key (`params.update(kwargs)`) would be on the whole; of any other mapping, the
    whole. A sink reading the spread's keys (`spread`, Django's `Q(**filters)`) gets the mapping
    without its parts, so only data on the whole (keys nobody wrote in the code) counts."""
    if sink.spread:
        return [replace(spread, parts={})] if spread.flows else []
    if not sink.keywords:
        return []
    counted = isinstance(node, ast.Call) and not any(isinstance(a, ast.Starred) for a in node.args)
    if counted and sink.args and all(position < given for position in sink.args):
        return []
    if spread.parts and not spread.flows:
        return [spread.parts[k] for k in sink.keywords if k in spread.parts]
    return [spread]
