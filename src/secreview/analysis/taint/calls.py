"""Calls: resolve the callee, evaluate the arguments, apply what the callee does.

A call's target is a function or class of this module (its summary is applied at the call site:
parameter flows become the arguments' flows, sink events inside it become events here), a function
of another module of the project (its `ExternalSummary`, applied by `external_calls.py`), a lambda
(run inline) or a library API, which `library.py` answers from the models. Every call is first
checked against the sink models. Classes, instances and partial functions as callees are
`objects.py`'s.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from secreview.analysis.taint.argument_reads import ArgumentReads
from secreview.analysis.taint.callbacks import CallbackRules
from secreview.analysis.taint.callee_reads import CalleeReads
from secreview.analysis.taint.configured_urls import caller_fixes_host
from secreview.analysis.taint.container_types import dumped
from secreview.analysis.taint.event_paths import SPLICES_PER_STEP
from secreview.analysis.taint.external_calls import ExternalCallRules
from secreview.analysis.taint.formats import formatted_whole
from secreview.analysis.taint.guard_shapes import hands_file_object, past_library_call
from secreview.analysis.taint.identity_lookups import queryset_names
from secreview.analysis.taint.library_imports import in_own_package
from secreview.analysis.taint.objects import PARTIAL
from secreview.analysis.taint.parameters import closure_read, is_static_method, shell_call
from secreview.analysis.taint.results import MAX_CALL_DEPTH, FunctionNode, FunctionResult
from secreview.analysis.taint.semantics import (
    BUILTINS,
    KEYED_READS,
    PartReader,
    splice,
)
from secreview.analysis.taint.stubs import overridable_stub
from secreview.analysis.taint.substitution import substitute
from secreview.analysis.taint.type_unions import type_alternatives
from secreview.analysis.taint.values import CLEAN, FunctionRef, Value, join, merge_flows
from secreview.analysis.taint.written_reads import new_read_tables


class CallRules(ExternalCallRules, CallbackRules):
    """Calls to code the engine can read: this module's functions and classes, project summaries."""

    def call(self, node: ast.Call) -> Value:
        """A call: sinks are checked, then the result comes from a model, a summary or the args."""
        func = node.func
        if (
            isinstance(func, ast.Name | ast.Attribute)
            and (func.id if isinstance(func, ast.Name) else func.attr) == "partial"
            and self.qualified(func) == PARTIAL
        ):
            return past_library_call(self.partial(node))
        receiver: Value | None = None
        method: str | None = None
        qualified: str | None = None
        callee = CLEAN
        if isinstance(func, ast.Attribute):
            qualified = self.qualified(func)
            if qualified is not None and not self._modelled(qualified):
                qualified = None
            if qualified is None:
                if (
                    isinstance(func.value, ast.Call)
                    and isinstance(func.value.func, ast.Name)
                    and (func.value.func.id == "super")
                ):
                    receiver = self.lookup(ast.Name(id="self", ctx=ast.Load()))
                    receiver = replace(receiver, type=f"super:{self.class_name}")
                else:
                    receiver = self.expr(func.value)
                method = func.attr
                if f".{method}" in receiver.parts:
                    callee = receiver.parts[f".{method}"]
        elif isinstance(func, ast.Name):
            callee = self.lookup(func)
            if (
                callee.function is None
                and not (callee.type or "").startswith("class:")
                and not self.is_project_instance(callee)
            ):
                # An alias (`run = os.system`) carries the aliased name as its type.
                qualified = self.qualified(func) or callee.type
        else:
            callee = self.expr(func)
        args = [self.expr(a) for a in node.args]
        kwargs: dict[str, Value] = {}
        for keyword in node.keywords:
            value = self.expr(keyword.value)
            if keyword.arg is None:
                kwargs["**"] = join(kwargs.get("**"), value)
            else:
                kwargs[keyword.arg] = self.labelled(value, keyword.arg, keyword.value)
        local = (
            self._local_method(receiver.type, method)
            if receiver is not None and method is not None and receiver.type
            else None
        )
        names = self._model_names(qualified, receiver, method, inherited=local is None, func=func)
        names = queryset_names(node, names)  # `event.talks.filter(slug__iexact=s)`: a query
        function, bound = (callee.function.node, False) if callee.function else local or (None, 0)
        shell = shell_call(function, bool(bound), args, kwargs)
        shell_wrapper = shell if shell and not self._runs_commands(names) else None
        for name in names:
            if not (shell_wrapper and name.startswith("*.")):  # no DB cursor takes shell=True
                self.sink_call(name, node, receiver, args, kwargs)
        if shell_wrapper is not None:
            # A project's own wrapper (`utils.execute(cmd, shell=True)`) hands its command to a
            # shell as surely as `subprocess` does; its name cannot say otherwise.
            self.sink_call(shell_wrapper, node, receiver, args, kwargs)
        elif callee.function is None and local is None:
            self.guess_sink(node, receiver, method, args, kwargs)
        self.run_callbacks(names, node, receiver, method, args, kwargs)
        if callee.function is None and callee.flows:
            self.note_parameter_call(callee, node, args, kwargs)
        if callee.function is not None:
            return self.apply_function(callee.function, node, None, args, kwargs)
        if receiver is not None and method is not None and receiver.type:
            if local is not None:
                function, bound = local
                return self.apply_function(
                    FunctionRef(function),
                    node,
                    receiver if bound else None,
                    args,
                    kwargs,
                    func.value if bound else None,  # type: ignore[union-attr]
                )
            external = self.analysis.method_summary(receiver.type, method)
            if external is not None:
                bound_args = [receiver, *args] if external.is_method else args
                if external.overridable:  # a stub no project subclass implements
                    return past_library_call(self.default_result(bound_args, kwargs, node))
                self.keep_fields(external, node, receiver, args, kwargs)  # `obj.load(data)`
                return self.apply_external(external, node, bound_args, kwargs)
            if callee is CLEAN and receiver.type.startswith("class:"):
                callee = self.held_by(receiver, method) or CLEAN  # `self.store_class(sid)`
        called = self.call_value(callee, node, args, kwargs)
        if called is not None:
            return past_library_call(called)
        external = self.analysis.project_summary(qualified)
        if external is not None:  # `Base.run(a)` of a classmethod: `cls` is the class
            bound = [CLEAN] * external.binds_class + args
            return self.apply_external(external, node, bound, kwargs)
        if qualified is not None and qualified in self.analysis.project.classes:
            return self.construct_external(qualified, node, args, kwargs)
        if qualified not in BUILTINS and not any(name in self.models.sinks for name in names):
            # Builtins (`isinstance`, `print`) and sinks take data, not something to call.
            self.hand_over(node, [*args, *kwargs.values()])
        result = self.modelled_result(node, names, receiver, method, args, kwargs)
        joining = qualified or (self.qualified(func) if len(args) > 1 else None)  # a path join?
        result = past_library_call(result, node, joining, args)
        result = dumped(result, method, args) if receiver is not None else result
        if method in KEYED_READS and args and isinstance(args[0].const, str):
            if receiver is not None:
                result = self.as_read_from(receiver, args[0].const, result)
            result = self.labelled(result, args[0].const, node)  # `form.get("password")`
        return result

    def _modelled(self, name: str) -> bool:
        """Whether models or the project index (a summary, a class: `db.Conn()`) describe `name`."""
        models = self.models
        return (
            name in models.sinks
            or name in models.sanitizers
            or name in models.source_calls
            or name in models.returns
            or self.analysis.project_summary(name) is not None
            or name in self.analysis.project.classes
        )

    def _runs_commands(self, names: list[str]) -> bool:
        """Whether a model already treats one of `names` as running a command."""
        return any(
            sink.kind == "command" for name in names for sink in self.models.sinks.get(name, ())
        )

    def _model_names(
        self,
        qualified: str | None,
        receiver: Value | None,
        method: str | None,
        inherited: bool,
        func: ast.expr | None = None,
    ) -> list[str]:
        """Names under which the models may describe this call, most specific first;
        `inherited`: the receiver's class does not define `method` itself. A receiver read as an
        attribute (`objects` of `Ticket.objects.get(...)`, `func`) is also matched as
        `*.objects.get` before `*.get` (a Django model's manager, whatever the model). A method a
        class of this module defines is read as code (its sinks are found inside), never matched
        by its name: `self.execute(app, action)` of a worker class is no database cursor's; nor is
        `connector.execute(body)` of a project class another module defines (its summary)."""
        if qualified is not None:
            return type_alternatives(qualified)  # an alias bound on two paths is either name
        if receiver is None or method is None:
            return []
        names = []
        if receiver.type and not receiver.type.startswith(("class:", "super:")):
            names.extend(f"{kind}.{method}" for kind in type_alternatives(receiver.type))
            if self.analysis.method_summary(receiver.type, method) is not None:
                return names  # a project class's own method, read as code as a local one is
        elif receiver.type and inherited:
            # A method the class inherits from a library: `self.redirect(...)` in a handler.
            owner = receiver.type.split(":", 1)[1]
            names.extend(f"{base}.{method}" for base in self.analysis.external_bases(owner))
        elif receiver.type:
            return names
        if receiver.type and self._own_package_name(receiver.type):
            return names  # `nodes.raw(...)` of the project's `nodes` module: no cursor's `*.raw`
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute):
            names.append(f"*.{func.value.attr}.{method}")
        names.append(f"*.{method}")
        return names

    def _own_package_name(self, qualified: str) -> bool:
        """`in_own_package`, under the `library` threat model only: in an application such a
        name is as often the package's connection (`from app import conn; conn.execute(sql)`),
        which `*.execute` must match."""
        setup = getattr(self.analysis.context, "taint_setup", None)
        library = setup is not None and setup.public_parameters
        return library and in_own_package(qualified, self.analysis.module_name)

    def _local_method(self, type_name: str, method: str) -> tuple[FunctionNode, bool] | None:
        """A method of a class of this module: (function, whether the receiver binds to self)."""
        if type_name.startswith("super:"):
            found = self.analysis.find_method(
                type_name.removeprefix("super:"), method, skip_self=True
            )
            return (found, True) if found is not None else None
        if not type_name.startswith("class:"):
            return None
        found = self.analysis.find_method(type_name.removeprefix("class:"), method)
        if found is None:
            return None
        return found, not is_static_method(found, self.analysis.context)

    def apply_function(
        self,
        ref: FunctionRef,
        node: ast.Call,
        receiver: Value | None,
        args: list[Value],
        kwargs: dict[str, Value],
        owner: ast.expr | None = None,
    ) -> Value:
        """Apply what a function of this module does: its summary, or its lambda body.
        `owner` is where the receiver was read from (`items` of `items.append(x)`), which takes
        what the method stores on `self`."""
        args = [*ref.bound, *args]  # `functools.partial` arguments come first
        if ref.bound_keywords:
            kwargs = {**dict(ref.bound_keywords), **kwargs}
        bound_args = [receiver, *args] if receiver is not None else list(args)
        if isinstance(ref.node, ast.Lambda):
            return self._apply_lambda(ref, bound_args, kwargs)
        if overridable_stub(ref.node, receiver):
            return self.through_stub(ref, node, receiver, args, kwargs, owner)
        result = self.analysis.result_of(ref.node)
        if result is None or result.gave_up:
            return self.default_result(bound_args, kwargs, node)
        mapping = self.parameter_values(result.parameters, bound_args, kwargs, ref.node)
        name = ref.node.name
        known = self.context.derived(new_read_tables)
        reads = CalleeReads(ref.node, tuple(result.parameters), self.analysis.shown, known)
        read = self.reader(node)
        argument_reads = ArgumentReads(mapping, read)
        spliced = 0
        for event in result.events:
            parameter = event.flow.parameter
            if parameter not in mapping or closure_read(event.flow, ref.node):
                continue
            if event.typed and self.declared_type_before(node):
                continue
            argument = mapping[parameter]
            if caller_fixes_host(event.kind, event.prefix, argument) or hands_file_object(
                event.kind, event.flow.within, argument
            ):
                continue
            flows = argument_reads.flows(parameter, event.flow)
            inner = event.flow
            for flow in formatted_whole(argument, inner.safe_for, inner.within, flows):
                spliced += 1
                combined = splice(flow, event.flow, node, name, reads)
                if combined.reaches(event.kind) and self.accepts(event.origins, combined):
                    self.events.append(event.with_flow(combined))
        self.tick(spliced // SPLICES_PER_STEP)  # a callee's events cost the caller's budget
        if result.parameter_calls:  # it may run code storing what a later read reads: read anew
            self.apply_parameter_calls(result, mapping, node, name)
            argument_reads = ArgumentReads(mapping, read)
        if receiver is not None and result.is_method and owner is not None:
            self._update_receiver(owner, receiver, result, mapping, node, name)
        return substitute(
            result.returns,
            mapping,
            node,
            name,
            read,
            result.passed,
            result.reads,
            reads,
            argument_reads,
        )

    def _update_receiver(
        self,
        owner: ast.expr,
        receiver: Value,
        result: FunctionResult,
        mapping: dict[int, Value],
        node: ast.Call,
        name: str,
    ) -> None:
        """What a method stored on `self` (`self.parts.append(x)`) is now on the caller's object."""
        if result.passed and result.receiver_after is result.passed[0]:
            return  # `self` unchanged
        after = substitute(result.receiver_after, mapping, node, name, self.reader(node))
        if not after.parts:
            return
        updated = receiver
        for key, value in after.parts.items():
            updated = updated.with_part(key, join(receiver.part(key), value))
        if isinstance(owner, ast.Call):  # `super().method(...)` changed `self`
            owner = ast.Name(id="self", ctx=ast.Load())
        self.store_back(owner, updated)

    def _apply_lambda(self, ref: FunctionRef, args: list[Value], kwargs: dict[str, Value]) -> Value:
        """Evaluate a lambda's body with its parameters bound (inline; lambdas are small)."""
        assert isinstance(ref.node, ast.Lambda)
        if len(self.analysis.in_progress) >= MAX_CALL_DEPTH:
            return self.default_result(args, kwargs, ref.node)
        frame = type(self)(self.analysis, ref.node, ref.closure)
        frame.ticks = self.ticks
        names = [a.arg for a in (*ref.node.args.posonlyargs, *ref.node.args.args)]
        assert frame.env is not None
        for index, name in enumerate(names):
            frame.env[name] = args[index] if index < len(args) else kwargs.get(name, CLEAN)
        self.analysis.in_progress.append(id(ref.node))
        try:
            value = frame.expr(ref.node.body)
        finally:
            self.analysis.in_progress.pop()
        self.ticks = frame.ticks
        self.events.extend(frame.events)
        for key, origins in frame.sinks_seen.items():
            self.sinks_seen.setdefault(key, set()).update(origins)
        return value

    def reader(self, node: ast.Call) -> PartReader:
        """How this call site reads the parts of its arguments a callee's flows name."""
        return lambda container, key: self.read_member(container, key, node)

    def default_result(
        self, args: list[Value | None], kwargs: dict[str, Value], node: ast.AST
    ) -> Value:
        """An unknown function's result: it may carry any argument's data."""
        flows = merge_flows(
            *(a.all_flows() for a in args if a is not None),
            *(v.all_flows() for v in kwargs.values()),
        )
        return Value(flows=flows)
