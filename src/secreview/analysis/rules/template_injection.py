"""CWE-1336 by data flow: untrusted input compiled as a template (`template-injection`).

A template engine's source is a program: Jinja2 and Django expressions reach Python objects
(`{{ ''.__class__.__mro__[1].__subclasses__() }}`), Mako and Tornado run any `${...}`. So text
spliced into a template's source (`render_template_string(page + "&mode=" + mode)`), or a
template taken whole from a request, runs on the server, while the same text handed to the
template as a value (`render_template_string(page, mode=mode)`) is only data. The same flow is
also reported as `xss` when the template renders a page; this rule names the graver defect.
Sandboxed environments (`jinja2.sandbox.SandboxedEnvironment`) are not sinks.
"""

from __future__ import annotations

from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.findings import Confidence, Severity

template_injection = taint_rule(
    TaintSpec("template", "the requester writes template code this process compiles and runs."),
    id="template-injection",
    name="Template injection: untrusted input in a template's source",
    cwe=1336,
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    summary="Untrusted input becomes part of the source of a Jinja2, Django, Mako, Tornado or "
    "Chameleon template.",
    fix="Keep the template fixed and pass the input as a value "
    "(`render_template_string(PAGE, mode=mode)`, `{{ mode }}` in the template); when users "
    "must write templates, compile them in `jinja2.sandbox.SandboxedEnvironment`.",
    what_it_does="Follows untrusted data to the source argument of `render_template_string`, "
    "`jinja2.Template`, `Environment.from_string`, `mako.template.Template`, "
    "`django.template.Template`/`Engine.from_string`, `tornado.template.Template` and "
    "Chameleon's `PageTemplate`. Values passed to the template as keyword arguments are not "
    "followed there: they are data. HTML escaping does not clean a value for this sink "
    "(`{{` has no markup character).",
    why_bad="Template expressions reach Python internals: `{{ cycler.__init__.__globals__.os"
    ".popen('id').read() }}` runs a command as the server (CWE-1336, CWE-94).",
    example="return render_template_string(PAGE.replace('MODE', request.args['mode']))",
    use_instead="return render_template_string(PAGE, mode=request.args['mode'])",
    references=(
        "https://cwe.mitre.org/data/definitions/1336.html",
        "https://jinja.palletsprojects.com/en/stable/sandbox/",
        "https://portswigger.net/web-security/server-side-template-injection",
    ),
)
