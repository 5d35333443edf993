"""CWE-502 by data flow: untrusted bytes unpickled or fully YAML-loaded (`tainted-deserialization`).

Its pattern twins, which judge the loading call alone, are in `deserialization.py`.
"""

from __future__ import annotations

from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.findings import Confidence, Severity

tainted_deserialization = taint_rule(
    TaintSpec(
        "deserialization", "unpickling (or full YAML loading) attacker data runs their code."
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
