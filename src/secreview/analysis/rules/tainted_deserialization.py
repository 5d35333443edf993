"""CWE-502 by data flow: untrusted bytes unpickled or fully YAML-loaded (`tainted-deserialization`).

Its pattern twins, which judge the loading call alone, are in `deserialization.py`.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.opt_in_flags import runs_only_when_opted_in
from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.analysis.rules._support.verified_data import runs_after_digest_check
from secreview.analysis.taint import AnalysisContext
from secreview.analysis.taint.context import LIBRARY_ORIGIN
from secreview.analysis.taint.results import SinkEvent
from secreview.findings import Confidence, Severity


def _unverified(event: SinkEvent, context: AnalysisContext) -> bool:
    """Whether the load may run on data whose HMAC was not checked: a load behind
    `if not compare_digest(received, hmac.new(key, buf, ...).digest()): continue` unpickles only
    what the holder of the key signed, as the pattern rule also judges. A public function's
    argument loaded only where the caller opted in (`if allow_pickle:`, `opt_in_flags`) is the
    caller's decision, as it is for `numpy.load`."""
    call = event.node
    if not isinstance(call, ast.Call) or not call.args:
        return True
    if event.flow.origin == LIBRARY_ORIGIN and runs_only_when_opted_in(context, call):
        return False  # the caller's data, loaded where the caller passed `allow_pickle=True`
    return not runs_after_digest_check(context, call, call.args[0])


tainted_deserialization = taint_rule(
    TaintSpec(
        "deserialization",
        "unpickling (or full YAML loading) attacker data runs their code.",
        reports=_unverified,
    ),
    id="tainted-deserialization",
    name="Deserialisation of untrusted data",
    cwe=502,
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    summary="Untrusted bytes reach pickle, marshal, jsonpickle or a full YAML loader.",
    fix="Exchange data as JSON (`json.loads`) or load YAML with `yaml.safe_load`; never unpickle "
    "data that crossed a trust boundary.",
    what_it_does="Follows untrusted data to `pickle.loads`, `marshal.loads`, `jsonpickle.decode`, "
    "`yaml.load` without a safe loader, `yaml.unsafe_load` and similar.",
    why_bad="A pickle can name any callable to run while loading (`__reduce__`), so loading it is "
    "running the sender's code (CWE-502).",
    example="obj = pickle.loads(request.data)",
    use_instead="obj = json.loads(request.data)",
    references=(
        "https://docs.python.org/3/library/pickle.html",
        "https://pyyaml.org/wiki/PyYAMLDocumentation",
        "https://cwe.mitre.org/data/definitions/502.html",
    ),
)
