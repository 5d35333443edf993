"""Binding a function's parameters: symbolic flows for summaries, request data for views.

Each parameter starts as the symbolic flow `param:N`, so a function's summary says what it does
with whatever a caller passes; a view's arguments (a route's URL parts, a Django view's keyword
arguments) are also request data, unless the framework validated them (converters, annotations,
enums, dependencies). Separate from the statements because this runs once, before them, and reads
the `def` line (decorators, annotations, defaults) rather than the body.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from dataclasses import replace

from secreview.analysis.models.entries import EntryModel
from secreview.analysis.taint.caller_objects import type_by_name
from secreview.analysis.taint.caller_urls import NO_URL, fixed_url_parameters
from secreview.analysis.taint.declared_types import annotated_class, declared, view_annotation
from secreview.analysis.taint.decorator_names import (
    decorator_name,
    filled_parameters,
    patches_for_tests,
    registered_name,
)
from secreview.analysis.taint.hooks import HookRules
from secreview.analysis.taint.pattern_types import declared_kinds
from secreview.analysis.taint.route_kinds import (
    by_parameter,
    decorator_converters,
    framework_route,
    kwargs_defaults,
)
from secreview.analysis.taint.semantics import SHELL_CALL, SHELL_DEFAULT_CALL
from secreview.analysis.taint.values import PARAMETER_ORIGIN, Flow, Value, merge_flows
from secreview.index.context import ModuleContext
from secreview.index.request_handoffs import REQUEST_NAMES


def is_static_method(
    function: ast.FunctionDef | ast.AsyncFunctionDef, context: ModuleContext
) -> bool:
    """Whether `function`, a method, takes no `self`: decorated `@staticmethod`, or rebound in
    its class body the older way (`normpath = staticmethod(normpath)`), after which its first
    parameter is an ordinary argument. Asked at every method call, so the rebound methods of
    the module are collected once (`ModuleContext.derived`)."""
    if "staticmethod" in {decorator_name(d) for d in function.decorator_list}:
        return True
    return id(function) in context.derived(_static_by_assignment)


def closure_read(flow: Flow, function: ast.AST) -> bool:
    """Whether a parameter flow in `function`'s summary starts at a parameter of an enclosing
    function, read through the closure (`self` of the method a `matches_ignore(typ)` is nested
    in), not at one of `function`'s own: its index is the enclosing function's, so mapping it
    to the call's arguments would make `typ` the method's `self`."""
    start = flow.steps[0][0] if flow.steps else None
    if not isinstance(start, ast.arg) or not isinstance(
        function, ast.FunctionDef | ast.AsyncFunctionDef
    ):
        return False
    arguments = function.args
    own = (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)
    extra = (arguments.vararg, arguments.kwarg)
    return not any(start is a for a in (*own, *extra))


def _static_by_assignment(context: ModuleContext) -> frozenset[int]:
    """The ids of the methods of this module's classes rebound by `f = staticmethod(f)`."""
    found: set[int] = set()
    for owner in context.nodes:
        if not isinstance(owner, ast.ClassDef):
            continue
        methods = {
            item.name: item
            for item in owner.body
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        for item in owner.body:
            if (
                isinstance(item, ast.Assign)
                and isinstance(item.value, ast.Call)
                and decorator_name(item.value.func) == "staticmethod"
            ):
                names = (t.id for t in item.targets if isinstance(t, ast.Name))
                found.update(id(methods[n]) for n in names if n in methods)
    return frozenset(found)


def shell_call(
    function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | None,
    bound: bool,
    args: Sequence[Value],
    kwargs: Mapping[str, Value],
) -> str | None:
    """The pseudo-call the models describe a call under when it hands its command to a shell:
    `SHELL_CALL` when it says `shell=True` (or gives a function of this module, `function`, True
    for its `shell` parameter by position), `SHELL_DEFAULT_CALL` when it leaves that function's
    `shell` to a default of True (`def run(cmd, shell=True)` called as `run(cmd)`); else None.

    Why: such a call runs a shell as surely as one that writes `shell=True`, while the
    function's own summary, made once for every caller, cannot tell (its `shell` is whatever a
    caller passes)."""
    if "shell" in kwargs:
        return SHELL_CALL if kwargs["shell"].const is True else None
    if function is None or "**" in kwargs:
        return None
    arguments = function.args
    ordered = [p.arg for p in (*arguments.posonlyargs, *arguments.args)]
    if "shell" in ordered:
        index = ordered.index("shell") - bound
        if 0 <= index < len(args):
            return SHELL_CALL if args[index].const is True else None
        first_default = len(ordered) - len(arguments.defaults)
        position = index + bound - first_default
        default = arguments.defaults[position] if position >= 0 else None
    elif "shell" in (keyword_only := [p.arg for p in arguments.kwonlyargs]):
        default = arguments.kw_defaults[keyword_only.index("shell")]
    else:
        return None
    if isinstance(default, ast.Constant) and default.value is True:
        return SHELL_DEFAULT_CALL
    return None


class ParameterRules(HookRules):
    """The parameters of a function, bound before its body runs."""

    def bind_parameters(self) -> tuple[tuple[str, ...], bool]:
        """Give each parameter its symbolic flow (plus source flows for view arguments)."""
        assert isinstance(self.node, ast.FunctionDef | ast.AsyncFunctionDef)
        arguments = self.node.args
        ordered = [*arguments.posonlyargs, *arguments.args]
        if arguments.vararg:
            ordered.append(arguments.vararg)
        ordered.extend(arguments.kwonlyargs)
        if arguments.kwarg:
            ordered.append(arguments.kwarg)
        decorators = {decorator_name(d) for d in self.node.decorator_list}
        analysis = self.analysis
        static = is_static_method(self.node, analysis.context)
        is_method = self.class_name is not None and not static
        view_kind = self._view_kind(ordered, is_method)
        entry = self._entry_point(ordered, is_method)
        self.is_view = view_kind == "route" or (entry is not None and entry.page)
        filled = filled_parameters(self.node.decorator_list, entry.filled_by) if entry else set()
        if view_kind is not None or entry is not None:
            self.analysis.network_input = True
            filled |= self.analysis.filled_by_decorators(self.node.decorator_list, ordered)
        defaults = self._defaults()
        caller_urls = self.context.derived(fixed_url_parameters).get(id(self.node), {})
        route_converters = decorator_converters(self.node, self.context)
        routed = {**kwargs_defaults(self.node, view_kind), **self._routed_kinds()}
        patterns = self.models.pattern_types
        assert self.env is not None
        for index, parameter in enumerate(ordered):
            name = parameter.arg
            flows: set[Flow] = {
                Flow(f"{PARAMETER_ORIGIN}{index}", ((parameter, f"parameter `{name}`"),))
            }
            value_type: str | None = None
            annotation = ast.unparse(parameter.annotation) if parameter.annotation else ""
            by_name = None if annotation else self._parameter_type_by_name(name, decorators)
            resolved = (
                self.qualified(declared(parameter.annotation)) if parameter.annotation else None
            )
            if is_method and index == 0:
                value_type = f"class:{self.class_name}"
            elif resolved in self.models.parameter_types:
                value_type = self.models.parameter_types[resolved]  # imported: unambiguous
            elif (self.analysis.is_web or self._named_anywhere(name)) and (
                self.models.parameter_types.get(annotation) or by_name
            ):
                value_type = self.models.parameter_types.get(annotation) or by_name
            elif (
                view_kind
                and name not in filled
                and not self.analysis.fills_from_dependency(
                    parameter.annotation, defaults.get(name)
                )
                and self._is_view_argument(
                    name,
                    (view_annotation(parameter.annotation), resolved),
                    route_converters,
                    view_kind,
                    index,
                    is_method,
                )
            ):
                note = f"view argument `{name}` comes from the request (remote)"
                checked = declared_kinds(  # a pattern the framework checked (FastAPI's)
                    parameter.annotation, defaults.get(name), resolved, self.context, patterns
                ) + routed.get(name, ())  # a pattern the project's URLconf gives (Django's)
                flows.add(Flow("remote", ((parameter, note),)).sanitised(checked))
            elif (
                entry is not None
                and entry.is_remote(index - is_method)
                and annotation not in self.models.clean_annotations
                and name not in filled
            ):
                flows.add(Flow("remote", ((parameter, f"`{name}`: {entry.note} (remote)"),)))
                value_type = entry.type_at(index - is_method)
            self.analysis.met_object(value_type)
            if value_type is None:
                value_type = self._callable_default(defaults.get(name)) or annotated_class(
                    parameter.annotation, analysis.classes, self.qualified, analysis.project.classes
                )
            default = defaults.get(name)
            classes = self._class_default(default) if default is not None else frozenset()
            fields = self.analysis.validated_parts(parameter.annotation, resolved, flows)
            url = caller_urls.get(name, NO_URL)  # every caller's fixed-host URL
            value = Value(merge_flows(flows), parts=fields, type=value_type, classes=classes)
            if url is not NO_URL:
                value = replace(value, prefix=url.prefix, choices=url.choices)
            self.env[name] = self.labelled(value, name, parameter)
        self.bind_hook_state(ordered, view_kind, is_method)  # what `prepare`... left on `self`
        return tuple(p.arg for p in ordered), is_method

    def _callable_default(self, default: ast.expr | None) -> str | None:
        """`redirect_class=HTTPSeeOther`: a parameter whose default is an imported callable the
        models know holds that callable unless a caller says otherwise, so its calls are judged
        as calls of the default (the usual way frameworks let a view choose its redirect); a
        sanitiser default likewise (`dumps=pickle.dumps`)."""
        if not isinstance(default, ast.Name | ast.Attribute):
            return None
        name = self.qualified(default)
        models = self.models
        if name is not None and (
            name in models.sinks or name in models.returns or name in models.sanitizers
        ):
            return name
        return None

    def _class_default(self, default: ast.expr) -> frozenset[str]:
        """`store_class=FileStore`: a parameter whose default is a class of the project may be
        that class, so calling it constructs one (as `store_class or FileStore` does)."""
        if isinstance(default, ast.Name) and default.id in self.analysis.classes:
            return frozenset({default.id})
        if isinstance(default, ast.Name | ast.Attribute):
            name = self.qualified(default)
            if name is not None and name in self.analysis.project.classes:
                return frozenset({name})
        return frozenset()

    def _init_takes(self, class_name: str, names: tuple[str, ...]) -> bool:
        """Whether the class's own `__init__` takes `names` first after `self`."""
        cls = self.analysis.classes.get(class_name)
        for item in cls.body if cls is not None else ():
            if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                leading = tuple(a.arg for a in [*item.args.posonlyargs, *item.args.args][1:])
                return leading[: len(names)] == names
        return False

    def _parameter_type_by_name(self, name: str, decorators: set[str]) -> str | None:
        """The type a parameter's name gives it, where the models let the name decide."""
        scope = self.models.parameter_scopes.get(name)
        assert isinstance(self.node, ast.FunctionDef | ast.AsyncFunctionDef)
        if scope is not None and not (
            self._named_anywhere(name) or scope & decorators or self.node.name in scope
        ):
            return None
        return type_by_name(self.context, self.node, name, self.models.parameter_types)

    def _named_anywhere(self, name: str) -> bool:
        """Whether a parameter name is unambiguous in any module (`within = ["*"]`), not only
        where a web framework is imported: `start_response` is WSGI's in a bare application."""
        return "*" in self.models.parameter_scopes.get(name, ())

    def _entry_point(self, ordered: list[ast.arg], is_method: bool) -> EntryModel | None:
        """The entry model describing this function, if a framework calls it with client data."""
        node = self.node
        assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        decorators = {self._decorator_name(d) for d in node.decorator_list}
        leading = tuple(a.arg for a in ordered[int(is_method) :])
        owner = str(self.class_name) if is_method else node.name
        for entry in self.models.entries:
            if (
                not (entry.names_function(node.name) and entry.publishes(node))
                or (entry.decorators and not entry.decorators & decorators)
                or leading[: len(entry.parameters)] != entry.parameters
                or (entry.imports and not any(map(self.context.imports_module, entry.imports)))
                or (
                    entry.bases
                    and not (is_method and self.analysis.derives_from(owner, entry.bases))
                )
            ):
                continue
            if entry.init_parameters and not (
                is_method and self._init_takes(owner, entry.init_parameters)
            ):
                continue
            if entry.registered_by and (
                node.name.startswith("_")
                or owner not in self.analysis.registered_remotely(entry.registered_by)
            ):
                continue
            if entry.marked_by and node.name not in self.analysis.marked_true(entry.marked_by):
                continue
            return entry
        return None

    def _decorator_name(self, decorator: ast.expr) -> str | None:
        """The qualified name of a decorator (`decorator_names.py`: also a module-level
        instance's method, `@register.filter`, and a chat bot's subcommand)."""
        cls = self.analysis.classes.get(self.class_name) if self.class_name else None
        scope = cls.body if cls is not None else self.context.tree.body
        constants = self.context.module_constants
        return registered_name(decorator, self.qualified, self.analysis.qualified, constants, scope)

    def _view_kind(self, ordered: list[ast.arg], is_method: bool) -> str | None:
        """'route' for a decorated view, 'request-first' for a Django-style view, else None."""
        assert isinstance(self.node, ast.FunctionDef | ast.AsyncFunctionDef)
        for decorator in self.node.decorator_list:
            if (
                isinstance(decorator, ast.Call)
                and isinstance(decorator.func, ast.Attribute)
                and decorator.func.attr in self.models.route_decorators
                and not patches_for_tests(self.qualified(decorator.func))
            ) or framework_route(decorator, self.qualified, self.models):
                return "route"
        first = ordered[1] if is_method and len(ordered) > 1 else (ordered[0] if ordered else None)
        if is_method and self.is_request_first_hook(first):
            return "request-first"  # `setup(self, request, *args)`, not `dispatch(self, *args)`
        if first is None or first.arg not in REQUEST_NAMES or not self.analysis.is_django:
            return None  # URL keyword arguments are a Django (and DRF) convention
        if is_method:
            handlers = self.models.view_methods
            return "request-first" if self.node.name in handlers else None
        if self.analysis.is_called(self.node.name) or self._is_request_helper():
            return None  # called with the request: a helper that happens to take it
        return "request-first"

    def _is_request_helper(self) -> bool:
        """Whether another module of the project calls this module-level function with the
        request first and no route names it (`ProjectIndex.request_helpers`)."""
        helpers = self.analysis.project.request_helpers
        module = self.analysis.module_name
        if not helpers or not module or self.context.parent(self.node) is not self.context.tree:
            return False
        return f"{module}.{self.node.name}" in helpers

    def _defaults(self) -> dict[str, ast.expr]:
        """Parameter name -> its default expression (positional and keyword-only)."""
        assert isinstance(self.node, ast.FunctionDef | ast.AsyncFunctionDef)
        arguments = self.node.args
        positional = [*arguments.posonlyargs, *arguments.args]
        found = {
            p.arg: d
            for p, d in zip(
                positional[len(positional) - len(arguments.defaults) :],
                arguments.defaults,
                strict=False,
            )
        }
        for parameter, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=False):
            if default is not None:
                found[parameter.arg] = default
        return found

    def _routed_kinds(self) -> Mapping[str, tuple[str, ...]]:
        """What the project's Django routes let each argument of this view hold (`route_kinds`),
        for a module-level function or a module-level class's method (`SomeView.as_view()`)."""
        assert isinstance(self.node, ast.FunctionDef | ast.AsyncFunctionDef)
        routes = self.analysis.project.routes
        module = self.analysis.module_name
        if not routes or not module:
            return {}
        if self.class_name is not None:
            return by_parameter(routes.get(f"{module}.{self.class_name}", {}), self.node, True)
        at_top = self.context.parent(self.node) is self.context.tree
        found = routes.get(f"{module}.{self.node.name}", {}) if at_top else {}
        return by_parameter(found, self.node, False)

    def _is_view_argument(
        self,
        name: str,
        annotation_and_type: tuple[str, str | None],
        converters: dict[str, str],
        view_kind: str,
        index: int,
        is_method: bool,
    ) -> bool:
        """Whether a view parameter carries request data the framework did not validate
        (`annotation_and_type`: its annotation as written and its qualified name)."""
        annotation, resolved = annotation_and_type
        if view_kind == "request-first":
            return index > (1 if is_method else 0)
        if is_method and index == 0:
            return False
        if name in REQUEST_NAMES and index == is_method and not annotation:
            return False  # the framework's request object (Cornice's, Sanic's), not a URL value
        if converters.get(name) in ("int", "float", "uuid", "number"):
            return False
        clean = self.models.clean_annotations  # as written, or a library type by its name
        if {annotation, resolved} & clean or self.analysis.is_choice_type(annotation, resolved):
            return False
        return annotation not in self.models.framework_annotations
