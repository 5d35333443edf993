"""Sinks: where tainted data reaching a dangerous call becomes a `SinkEvent`.

A sink model applies when the call meets its conditions (keyword values, receiver, argument
patterns, flags left unset); each flow of the arguments it names that is still dangerous for the
sink's kind, and of an origin the sink accepts, is recorded with the evidence so far. Separate
because this is the one place findings are born; everything else only moves flows.
"""

from __future__ import annotations

import ast
import re
from dataclasses import replace

from secreview.analysis.models import SinkModel
from secreview.analysis.taint import media_types as media
from secreview.analysis.taint.configured_urls import configuring_flows
from secreview.analysis.taint.container_types import built_by_library, library_object
from secreview.analysis.taint.default_parsers import default_parser_safe
from secreview.analysis.taint.frame_state import FrameState
from secreview.analysis.taint.guard_shapes import FILE_OBJECTS, FILE_OPENERS, JOINS, OPENS_A_FILE
from secreview.analysis.taint.log_arguments import logged_arguments
from secreview.analysis.taint.markers import LAST_ENTRY, SINGLE_NAME
from secreview.analysis.taint.media_formatters import typed_by_formatter
from secreview.analysis.taint.module_names import IMPORTERS, fixes_package
from secreview.analysis.taint.results import SinkEvent, record_reaching
from secreview.analysis.taint.safe_subclasses import derives_from_safe
from secreview.analysis.taint.semantics import (
    HOST_SENSITIVE,
    WRITTEN,
    fixes_host,
    program_of,
    shell_command_of,
    truthy,
)
from secreview.analysis.taint.spread_keywords import spread_inputs
from secreview.analysis.taint.values import CLEAN, Flow, Value
from secreview.analysis.taint.view_pages import (
    declares_other_type,
    rendered_templates,
    returns_another_view,
    returns_html_page,
    retyped_after,
    speaks_own_protocol,
)
from secreview.text import first_line

_JINJA_COMPILERS = frozenset(
    {"jinja2.Template", "jinja2.Environment.from_string", "jinja2.SandboxedEnvironment.from_string"}
    | {"jinja2.AutoescapeEnvironment.from_string"}
    | {"jinja2.AutoescapeSandboxedEnvironment.from_string"}
)
"""Calls that only compile a Jinja2 template: compiling runs none of the template's code and
renders nothing, so a template compiled and thrown away (`env.from_string(text)` as a statement,
a syntax check before saving it) is neither code run nor markup sent."""


def _thrown_away(node: ast.AST, parent: ast.AST | None) -> bool:
    """Whether the call is a statement of its own, its result unused."""
    return isinstance(parent, ast.Expr) and parent.value is node


def _given(key: str, args: list[Value], kwargs: dict[str, Value]) -> Value | None:
    """The argument a model names by keyword or by position (a digit), if the call passes it."""
    if key.isdigit():
        return args[int(key)] if int(key) < len(args) else None
    return kwargs.get(key)


def _unless_value(key: str, args: list[Value], kwargs: dict[str, Value]) -> Value | None:
    """The value an `unless` key names: an argument, or with `keyword.Header-Name` the value of
    that header in a headers dict passed there (`headers={"Content-Type": "application/json"}`,
    how a response is often declared JSON)."""
    key, _, header = key.partition(".")
    given = _given(key, args, kwargs)
    if given is None or not header:
        return given
    found = header_values(given, f"(?i){re.escape(header)}")
    return found[0] if len(found) == 1 else None


def _sink_inputs(
    sink: SinkModel,
    node: ast.AST,
    receiver: Value | None,
    args: list[Value],
    kwargs: dict[str, Value],
) -> list[Value]:
    """The values a sink model consumes at `node`: its receiver, its arguments, or argv[0]."""
    values: list[Value] = []
    if sink.receiver and receiver is not None:
        values.append(receiver)
    if sink.all_args:
        values.extend(args)
        values.extend(kwargs.values())
    else:
        values.extend(args[i] for i in sink.args if i < len(args))
        values.extend(kwargs[k] for k in sink.keywords if k in kwargs)
        if "**" in kwargs:
            values.extend(spread_inputs(kwargs["**"], sink, node, len(args)))
    if sink.argv0:
        values = [program_of(v) for v in values]
    if sink.argv_from:  # `os.execl(path, "sh", "-c", text)`: the rest of the call is the vector
        rest = args[sink.argv_from :]
        vector = Value(parts=dict(enumerate(rest)), exact=True, shape="list")
        values = [vector] if rest else []
    if sink.shell_argv:
        values = [shell_command_of(v) for v in values]
    if sink.kind == "path":  # a buffer handed as the file: what it holds names no file
        values = [_unwritten(v) for v in values if v.type not in FILE_OBJECTS]
    if sink.headers:
        values = [h for v in values for h in header_values(v, sink.headers)]
    return values


def _unwritten(value: Value) -> Value:
    """A file or buffer object without what was written into it (`io.BytesIO()` then `write`)."""
    if WRITTEN not in value.parts:
        return value
    return replace(value, parts={k: p for k, p in value.parts.items() if k != WRITTEN})


def header_values(headers: Value, pattern: str) -> list[Value]:
    """The values of the headers named by `pattern` in a set of response headers: a dict
    (`{"Location": url}`) or a list of `(name, value)` pairs (WSGI's `start_response`). A header
    added under a name the code does not spell out cannot be told apart, so it is not counted."""
    found: list[Value] = []
    for key, part in headers.parts.items():
        name = key if isinstance(key, str) else part.part(0).const
        if not isinstance(name, str) or not re.fullmatch(pattern, name):
            continue
        found.append(part if isinstance(key, str) else part.part(1))
    return found


def arguments_match(patterns: tuple[tuple[int, str], ...], args: list[Value]) -> bool:
    """Whether each positional argument a model's `arg_patterns` names has constant text (or a
    known prefix, or each of the constants it may be) the pattern finds: `|safe` in a
    template's source."""
    for index, pattern in patterns:
        given = args[index] if index < len(args) else CLEAN
        shown = given.const if isinstance(given.const, str) else given.prefix
        if re.search(pattern, shown):
            continue
        texts = [c for c in given.choices if isinstance(c, str)]  # one of several constants
        if not texts or len(texts) < len(given.choices):
            return False
        if not all(re.search(pattern, text) for text in texts):
            return False
    return True


class SinkRules(FrameState):
    """Sink checks: which flows reach a modelled sink, recorded as `SinkEvent`s."""

    def sink_call(
        self,
        name: str,
        node: ast.AST,
        receiver: Value | None,
        args: list[Value],
        kwargs: dict[str, Value],
    ) -> None:
        """Record every sink model of `name` that this call's tainted arguments reach."""
        if name in _JINJA_COMPILERS and _thrown_away(node, self.context.parent(node)):
            return  # a template compiled and thrown away (`_JINJA_COMPILERS`)
        for sink in self.models.sinks.get(name, ()):
            if not self._sink_applies(sink, node, args, kwargs):
                continue
            if sink.kind == "sql" and name.startswith("*.") and self._built_by_library(node):
                continue  # `exiftool.ExifTool().execute(...)`: no database's object
            if sink.kind == "nosql" and library_object(node, self.qualified, self.analysis):
                continue  # `cache.delete_many(keys)`: Django's cache, no MongoDB collection
            if sink.kind == "log":
                apart = self.context.project_logs_keywords_apart  # `project_log_library`
                args = [self.analysis.text_form(a, node) for a in args]  # written as reprs?
                args, kwargs = logged_arguments(args, kwargs, node, self.qualified, receiver, apart)
            # What reaches *any* argument, not only the modelled one: pattern rules ask whether
            # a call is harmless as a whole (`["sh", "-c", cmd]` is more than its argv[0]).
            reaching = record_reaching(self.sinks_seen, node, sink.kind, args, kwargs)
            if sink.kind == "path" and name in FILE_OPENERS and self._one_entry(node):
                continue
            named = self._naming_argument(sink, args, kwargs)
            keys = [key for key, _ in sink.unless] if sink.kind == "html" else []
            script = media.serves_script(_unless_value(key, args, kwargs) for key in keys)
            for value in _sink_inputs(sink, node, receiver, args, kwargs):
                if sink.kind in HOST_SENSITIVE and fixes_host(value.prefix, sink.kind == "ssrf"):
                    value = configuring_flows(value)  # the operator's, past a configured base
                    if not value.flows:
                        continue
                if name in IMPORTERS and fixes_package(value.prefix):
                    continue  # `import_module(f"app.plugins.{kind}")`: a module of the project
                if named:
                    value = self.labelled(value, named, node)
                shown = self._sink_display(name, node)
                opens_a_file = sink.kind == "path" and name in OPENS_A_FILE
                for flow in value.all_flows():
                    if (opens_a_file and LAST_ENTRY in flow.safe_for) or (
                        script and media.JSON_TEXT in flow.safe_for
                    ):  # `open(FOLDER / name)` built elsewhere; JSON in a JavaScript reply
                        continue
                    if flow.reaches(sink.kind) and self.accepts(sink.origins, flow):
                        reaching.add(flow.origin)
                        self.events.append(
                            SinkEvent(
                                sink.kind,
                                node,
                                shown,
                                sink.note,
                                flow,
                                value.prefix,
                                sink.origins,
                                typed=sink.unless_typed,
                            )
                        )

    def _one_entry(self, node: ast.AST) -> bool:
        """Whether a file is opened at `os.path.join(BASE, name)` (or `BASE / name`), held or
        written inline, with BASE fixed and `name` checked to hold no path separator: the only
        way out of BASE is then `..`, which names a folder, and opening a folder as a file fails."""
        if not isinstance(node, ast.Call) or not node.args:
            return False
        path = node.args[0]
        if isinstance(path, ast.Name):
            path = self.defined_as(path.id) or path
        if isinstance(path, ast.BinOp) and isinstance(path.op, ast.Div):
            bases, name = [path.left], path.right
        elif (
            isinstance(path, ast.Call) and self.qualified(path.func) in JOINS and not path.keywords
        ):
            bases, name = path.args[:-1], path.args[-1]
        else:
            return False
        parts = [*bases, name]
        if (
            not bases
            or any(isinstance(p, ast.Call | ast.Starred) for p in parts)
            or (isinstance(path, ast.Call) and path.keywords)
        ):
            return False  # evaluating a call again would repeat its sinks
        if any(self.expr(base).all_flows() for base in bases):
            return False
        flows = self.expr(name).all_flows()
        return bool(flows) and all(SINGLE_NAME in flow.safe_for for flow in flows)

    def accepts(self, origins: frozenset[str], flow: Flow) -> bool:
        """Whether a sink limited to `origins` (empty: every origin but the dedicated ones)
        reports `flow`; parameter flows are kept until a call site gives them a real origin."""
        if flow.parameter is not None:
            return True
        if origins:
            return flow.origin in origins
        return flow.origin not in self.models.dedicated_origins

    def _naming_argument(self, sink: SinkModel, args: list[Value], kwargs: dict[str, Value]) -> str:
        """The constant name a sink gives its value (a cookie's or a header's name), or ''."""
        for key in sink.named_by:
            given = _given(key, args, kwargs)
            if given is not None and isinstance(given.const, str):
                return given.const
        return ""

    def _sink_display(self, name: str, node: ast.AST) -> str:
        """How the evidence names a sink: the code for methods and stores, else the API name."""
        if isinstance(node, ast.Return):
            return "view return value"
        typed_method = (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and self.qualified(node.func) is None
        )  # `resp.set_cookie`, not the model's `web.Response.set_cookie`
        if name.endswith(".__setitem__") or name.startswith("*") or typed_method:
            code = self.analysis.shown(node.func if isinstance(node, ast.Call) else node)
            return first_line(code) if code else name.removeprefix("*.")
        return name

    def _built_by_library(self, node: ast.AST) -> bool:
        """Whether the call's receiver is a local this function fills only with objects of a
        library class that is no database driver (`built_by_library`)."""
        func = node.func if isinstance(node, ast.Call) else None
        owner = func.value if isinstance(func, ast.Attribute) else None
        if not isinstance(owner, ast.Name):
            return False
        return built_by_library(self.node, owner.id, self.qualified, self.analysis.module_name)

    def _sink_applies(
        self, sink: SinkModel, node: ast.AST, args: list[Value], kwargs: dict[str, Value]
    ) -> bool:
        """Whether the call meets the model's conditions (keyword values, receiver, arguments)."""
        if sink.receivers:
            func = node.func if isinstance(node, ast.Call) else None
            owner = func.value if isinstance(func, ast.Attribute) else None
            text = self.analysis.shown(owner).rsplit(".", 1)[-1] if owner is not None else ""
            if not any(re.fullmatch(pattern, text) for pattern in sink.receivers):
                return False
        if not arguments_match(sink.arg_patterns, args):
            return False
        for key, expected in sink.when:
            if kwargs.get(key, CLEAN).const != expected:
                return False
        for key, safe in sink.unless:
            given = _unless_value(key, args, kwargs)
            if given is not None and (
                given.type in safe
                or media.bare_type(given.const) in safe
                or (media.INERT_MEDIA in safe and media.is_inert(given.const))
                or f"({given.shape})" in safe  # `(dict)`: a dict the call serialises as JSON
                or derives_from_safe(self.context, node, key, safe)
            ):
                return False
            if key in ("mimetype", "content_type") and retyped_after(self.node, node, self.context):
                return False  # `r = make_response(text)`, then `r.mimetype = "text/plain"`
        if sink.kind == "html" and sink.unless and typed_by_formatter(self.analysis, node):
            return False  # the body of a formatter chosen for the type declared
        if sink.unless_typed and (
            declares_other_type(
                self.node,
                self.analysis.classes.get(self.class_name or ""),
                getattr(node, "lineno", 0),
                self.context,
            )
            or speaks_own_protocol(
                self.class_name or "", self.analysis.classes, self.analysis.external_bases
            )
        ):
            return False  # a download, a JSON API or another protocol: not the HTML assumed
        if sink.kind == "xxe" and sink.unless and self._safe_default(sink, args, kwargs):
            return False  # no parser given, and the project made lxml's default refuse entities
        if sink.unset and "**" in kwargs:
            return False  # `**options` may turn the flag on
        for key in sink.unset:
            given = _given(key, args, kwargs)
            if given is not None and (not given.is_constant or truthy(given.const)):
                return False  # turned on, or decided elsewhere (`secure=request.is_secure`)
        return True

    def _safe_default(self, sink: SinkModel, args: list[Value], kwargs: dict[str, Value]) -> bool:
        """Whether the call names no parser and the default it gets refuses entities."""
        if any(_unless_value(key, args, kwargs) is not None for key, _ in sink.unless):
            return False
        analysis = self.analysis
        return default_parser_safe(self.context, analysis.module_name, analysis.project)

    def _known_template(self, template: ast.expr) -> bool:
        """A template object the models can judge: one of a type they give, or made by a library
        call they name (`jinja2.Template(source)`, `env.get_template(name)`)."""
        if isinstance(template, ast.Call):
            if self.qualified(template.func) is not None:
                return True
            if isinstance(template.func, ast.Attribute):  # `env.get_template(name)`
                return bool(self.expr(template.func.value).type)
        return bool(self.expr(template).type)

    def check_view_return(self, node: ast.Return, value: Value) -> None:
        """A view's return value is the response body: the pseudo-call `web.View.return` for the
        models, and HTML where the framework serves a returned string as a page (`view_pages`:
        Flask, Bottle, a FastAPI route with an HTML response class); the headers of a returned
        tuple are the pseudo-call `web.View.headers`."""
        if not self.is_view or node.value is None:
            return
        body = value.part(0) if value.shape == "tuple" else value
        if value.shape == "tuple":  # `(body, status, headers)` or `(body, headers)`
            for index in (1, 2):
                self.sink_call("web.View.headers", node, None, [value.part(index)], {})
        if (body.type or "").startswith("web.Response"):
            return  # a response object: its constructor was the sink
        self.sink_call("web.View.return", node, None, [body], {})
        if body.shape in ("dict", "list") or not returns_html_page(self.node, self.context):
            return
        relayed = _relayed_headers(node.value)
        if relayed is not None and not (self.expr(relayed).type or "").startswith("web.Request"):
            return  # `resp.content, resp.status_code, resp.headers.items()`: their Content-Type
        routes = self.models.route_decorators
        if returns_another_view(node.value, self.analysis.all_functions, routes):
            return
        templates = rendered_templates(node.value, self.node)
        if templates and not any(self._known_template(t) for t in templates):
            return  # templates the models do not know: their own escaping decides
        for flow in body.all_flows():
            if flow.reaches("html") and self.accepts(frozenset(), flow):
                self.events.append(
                    SinkEvent("html", node, "view return value", "HTML response body", flow)
                )


def _relayed_headers(returned: ast.expr) -> ast.expr | None:
    """The response whose headers a view returns in its tuple (`resp` of `return resp.content,
    resp.status_code, resp.headers.items()`, a proxy relaying an API's reply): the body goes
    out with that response's Content-Type, not as the framework's HTML page. None otherwise."""
    if not isinstance(returned, ast.Tuple) or len(returned.elts) < 2:
        return None
    headers = returned.elts[-1]
    if isinstance(headers, ast.Call) and isinstance(headers.func, ast.Attribute):
        headers = headers.func.value  # `.items()`
    if isinstance(headers, ast.Attribute) and headers.attr == "headers":
        return headers.value
    return None
