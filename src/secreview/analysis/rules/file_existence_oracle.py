"""CWE-203 by data flow: untrusted input names the path an existence check probes
(`file-existence-oracle`).

`os.path.exists(os.path.join(BASE, name))` with `name` from a request answers, for any path on the
server, whether it exists, through whatever the handler does differently on each answer (a 404
or a 200, an error message, a redirect). The sinks are `path` sinks modelled with the note
`PROBE_NOTE`, so every path sanitiser and containment check applies to them as to `open`; this
rule reports those, `path-traversal` the others.
"""

from __future__ import annotations

from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.analysis.taint import AnalysisContext
from secreview.analysis.taint.results import SinkEvent
from secreview.findings import Confidence, Severity

PROBE_NOTE = "path probed for existence"
"""The note of the existence-check sink models (`stdlib.toml`), which tells them apart."""


def is_probe(event: SinkEvent, _context: AnalysisContext) -> bool:
    """Whether a path event is an existence check rather than a use of the file."""
    return event.note.startswith(PROBE_NOTE)


file_existence_oracle = taint_rule(
    TaintSpec(
        "path",
        "`../` or an absolute path lets the requester learn whether any file on the server "
        "exists, from how the answer differs.",
        reports=is_probe,
    ),
    id="file-existence-oracle",
    name="File existence oracle: untrusted input names the path an existence check probes",
    cwe=203,
    # 0 of 2 findings on mature code true or defensible (noise.py: Pyramid's static view, whose
    # own `_secure_path` rejects `..` before the probe, which the engine cannot see).
    default_enabled=False,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    summary="Whether a file exists is checked at a path built from untrusted input.",
    fix="Reduce the input to a file name (`os.path.basename`, `secure_filename`) and join it "
    "to a fixed directory, or check the resolved path stays inside it before probing.",
    what_it_does="Follows request data to existence checks of a path (`os.path.exists`, "
    "`isfile`, `isdir`, `islink`, `lexists`, `getsize`, `os.access`, `Path.exists`, "
    "`is_file`, `is_dir`, `is_symlink`), with the sanitisers and containment checks of "
    "`path-traversal`. Opening, serving or changing the file is `path-traversal`.",
    why_bad="The handler answers differently when the file exists: a requester maps the "
    "server's files (installed software, users' home folders, keys) one probe at a time "
    "(CWE-203).",
    example="if os.path.exists(os.path.join(AVATARS, request.args['name'])):\n"
    "    return 'taken', 409",
    use_instead="name = secure_filename(request.args['name'])\n"
    "if os.path.exists(os.path.join(AVATARS, name)):\n    return 'taken', 409",
    references=(
        "https://cwe.mitre.org/data/definitions/203.html",
        "https://owasp.org/www-community/attacks/Path_Traversal",
    ),
)
