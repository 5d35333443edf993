"""Expressions: the abstract value of each kind of expression.

Names, attributes and subscripts read the environment, a container's parts or a typed source
(`request.args`); operators fold constants and keep string prefixes (a URL with a fixed host);
f-strings, comprehensions and conditionals combine their pieces; calls are only dispatched here."""

from __future__ import annotations

import ast
import functools
from dataclasses import replace

from secreview.analysis.taint import semantics
from secreview.analysis.taint.code_names import own_code_name
from secreview.analysis.taint.configured_urls import (
    SERVER_REQUEST,
    configured_base,
    fstring_prefix,
    joined_prefix,
    past_the_host,
)
from secreview.analysis.taint.containers import comprehended_dict
from secreview.analysis.taint.escapers import chooser_kinds, filter_kinds
from secreview.analysis.taint.formats import (
    QUERY_KINDS,
    formatted,
    fstring_kinds,
    percent_prefix,
    percent_result,
)
from secreview.analysis.taint.guard_shapes import (
    as_last_entry,
    built_from,
    called,
    file_name_piece,
    joined_flows,
)
from secreview.analysis.taint.name_words import names_a_folder
from secreview.analysis.taint.operator_types import piped
from secreview.analysis.taint.properties import PropertyRules
from secreview.analysis.taint.quoted_identifiers import quoted_identifier
from secreview.analysis.taint.route_kinds import on_fixed_routes
from secreview.analysis.taint.semantics import ARITHMETIC, COMPARE, UNARY, fold, source_flow, truthy
from secreview.analysis.taint.server_answers import answered
from secreview.analysis.taint.status_numbers import reads_no_data
from secreview.analysis.taint.type_unions import UNION, type_alternatives
from secreview.analysis.taint.url_text import PAST_HOST, PATH_START, SLASH_FIRST, continues_a_query
from secreview.analysis.taint.values import (
    CLEAN,
    ELEMENT,
    Flow,
    FunctionRef,
    Value,
    constant,
    has_query_mark,
    join,
    merge_flows,
    narrowed,
    tainted,
)
from secreview.index.context import UNKNOWN

_ONE_NAME = "one file name: it holds no separator and is neither `.` nor `..`"
_PATH = ("path",)


class ExpressionRules(PropertyRules):
    """Expressions: operators, names, attributes, subscripts, f-strings and comprehensions."""

    def expr(self, node: ast.expr | None) -> Value:
        """The abstract value of an expression (evaluating calls checks their sinks)."""
        if node is None:
            return CLEAN
        if self.read_nodes and (memo := self.read_memo(node)) is not None:
            return memo  # a read a guard checked on this path (`environments.py`)
        self.tick()
        match node:
            case ast.Constant(value=value):
                return constant(value)
            case ast.Name():
                return self.lookup(node)
            case ast.Attribute():
                return self.attribute(node)
            case ast.Subscript(value=base, slice=index):
                container = self.expr(base)
                if isinstance(index, ast.Slice):
                    for bound in (index.lower, index.upper, index.step):
                        self.expr(bound)
                    lower = self.expr(index.lower).const if index.lower else 0
                    kept_prefix = container.prefix if lower == 0 else ""
                    return Value(flows=container.all_flows(), prefix=kept_prefix)
                key = self.expr(index)
                if own_code_name(key.const, base):
                    return CLEAN  # `frame.f_globals["__file__"]`: the module's own file
                if container.is_constant and key.is_constant:
                    return constant(fold(lambda: container.const[key.const]))  # type: ignore[index]
                element = (
                    self.read_part(container, key.const)
                    if key.is_constant
                    else container.any_part()
                )
                if isinstance(key.const, str):
                    element = self.labelled(element, key.const, node)
                if container.type:
                    element = self.typed_result(element, f"{container.type}.__item__", {})
                return configured_base(node, element, None)
            case ast.BinOp(left=left, op=op, right=right):
                operands = (self.expr(left), self.expr(right))
                value = self.binary(op, *operands, node)
                entry = as_last_entry(value, operands) if isinstance(op, ast.Div) else None
                return quoted_identifier(node, entry or built_from(value), self.context)
            case ast.UnaryOp(op=op, operand=operand):
                value = self.expr(operand)
                if value.is_constant:
                    folded = fold(lambda: UNARY[type(op)](value.const))
                    return constant(folded) if folded is not UNKNOWN else CLEAN
                return CLEAN if isinstance(op, ast.Not) else Value(flows=value.flows)
            case ast.BoolOp(op=op, values=values):
                return self.boolean(op, values)
            case ast.Compare(left=left, ops=ops, comparators=comparators):
                return self.compare(left, ops, comparators)
            case ast.IfExp(test=test, body=body, orelse=orelse):
                condition = self.expr(test)
                if condition.is_constant:
                    return self.expr(body if truthy(condition.const) else orelse)
                saved = self.env
                self.env = dict(saved or {})
                self.apply_guard(test, True)
                positive = self.expr(body)
                self.env = dict(saved or {})
                self.apply_guard(test, False)
                negative = self.expr(orelse)
                self.env = saved
                if positive.const == "&" and continues_a_query(test, True):
                    positive = replace(positive, query=True)  # `"&" if "?" in url else "?"`
                if negative.const == "&" and continues_a_query(test, False):
                    negative = replace(negative, query=True)
                kinds = chooser_kinds(node, self.context.constant_value)
                return self.escaped(node, join(positive, negative), kinds)
            case ast.JoinedStr(values=values):
                value = built_from(self.fstring(values))
                return quoted_identifier(node, value, self.context)
            case ast.FormattedValue(value=value, format_spec=spec):
                inner = self.analysis.text_form(self.expr(value), node)  # written as reprs?
                self.expr(spec)
                if inner.is_constant:
                    return Value(const=inner.const if spec is None else UNKNOWN)
                flows = formatted(inner, fstring_kinds(node), node).all_flows()
                kept = inner.prefix if spec is None and node.conversion in (-1, 115) else ""
                return Value(flows=flows, query=inner.query, prefix=kept)  # `{base}` keeps its text
            case ast.List(elts=elements) | ast.Tuple(elts=elements) | ast.Set(elts=elements):
                return self.sequence(node, elements)
            case ast.Dict(keys=keys, values=values):
                return self.dictionary(keys, values)
            case ast.Call():
                result = configured_base(node, self.call(node), self.qualified(node.func))
                if self.encodes_one_name(node):
                    return result
                return called(result)
            case (
                ast.ListComp(elt=element, generators=generators)
                | ast.SetComp(elt=element, generators=generators)
                | ast.GeneratorExp(elt=element, generators=generators)
            ):
                return self.comprehension(generators, [element])
            case ast.DictComp(key=key, value=value, generators=generators):
                return self.comprehension(generators, [key, value])
            case ast.Lambda():
                ref = FunctionRef(node=node, closure=dict(self.env or {}))
                return Value(function=ref)
            case ast.NamedExpr(target=target, value=value):
                result = self.expr(value)
                self.assign(target, result, value)
                self.remember_definition(target.id, value)
                return result
            case ast.Await(value=value) | ast.Starred(value=value):
                return self.expr(value)
            case ast.Yield(value=value) | ast.YieldFrom(value=value):
                result = self.expr(value)
                self.returned = join(self.returned, result)
                return CLEAN
        flows = [
            self.expr(c).all_flows() for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr)
        ]
        return Value(flows=merge_flows(*flows))

    def attribute(self, node: ast.Attribute) -> Value:
        """`base.attr`: an imported name, a stored attribute, a typed source or the base's taint;
        data read under a name a label knows (`body.password`) carries the label too."""
        value = configured_base(node, self._attribute(node), None)
        return self.labelled(value, node.attr, node) if value.flows else value

    def _attribute(self, node: ast.Attribute) -> Value:
        """`base.attr` before labels: what an import, a model or the base's parts say it is."""
        qualified = self.qualified(node)
        if self.names_an_object(qualified):
            return self.qualified_value(qualified, node)  # type: ignore[arg-type]
        base = self.expr(node.value)
        key = f".{node.attr}"
        if key in base.parts:
            return base.parts[key]
        read = self.property_read(base, node)  # `obj.name` of a `@property`: its getter's answer
        if read is not None:
            return read
        value = self.member_of(base, node.attr, node)
        for index, initial in enumerate(self.passed):
            if base is initial and all(f.parameter == index for f in value.flows):
                self.reads.append((value, index, key))  # `self.request`, returned as read
        return value

    def read_member(self, container: Value, key: object, node: ast.AST) -> Value:
        """The part `key` of a caller's argument that a callee read (a key of `Flow.within`): an
        attribute the argument does not hold is what its type gives (`.args` of a request)."""
        if isinstance(key, str) and key.startswith(".") and key not in container.parts:
            return self.member_of(container, key[1:], node)
        return self.read_part(container, key)

    def member_of(self, base: Value, attribute: str, node: ast.AST) -> Value:
        """`base.attribute` when `base` holds no such part: a typed source or model, or the
        base's taint (a parameter's `.attr`, not all the parameter holds)."""
        if reads_no_data(base, attribute):  # `fun.__name__`, `response.status_code`
            return CLEAN
        flows = narrowed(base.flows, f".{attribute}")
        if attribute in self.analysis.project.safe_parser_fields:  # `context.parser`
            return Value(flows=flows, type="lxml.SafeParser")
        if base.type and UNION in base.type:  # the attribute of whichever type the value has
            alternatives = [replace(base, type=kind) for kind in type_alternatives(base.type)]
            return functools.reduce(
                join, (self.member_of(a, attribute, node) for a in alternatives)
            )
        if base.type:
            source = self.typed_source(base.type, attribute, node)
            if source is not None:
                return answered(source, base)  # a reply of a server the client did not choose
            for model in self.models.returns.get(f"{base.type}.{attribute}", ()):
                if not model.conditional:
                    return Value(flows=flows, type=model.type)
            sanitizer = self.models.sanitizers.get(f"{base.type}.{attribute}")
            if sanitizer is not None and flows:  # else a module's function, kept by name
                return Value(flows=merge_flows(f.sanitised(sanitizer.protects) for f in flows))
            if base.type.startswith("class:"):
                held = self.held_by(base, attribute)  # `self.store_class` of a method
                return held if held is not None else Value(flows=flows)
            if base.type in self.models.typed_sources:
                return self.analysis.field_written(base.type, attribute, Value(flows=flows))
            return Value(flows=flows, type=f"{base.type}.{attribute}")
        return Value(flows=flows)

    def typed_source(self, type_name: str, attribute: str, node: ast.AST) -> Value | None:
        """Untrusted data read from a typed object (`request.args`, a handler's `self.path`)."""
        if type_name.startswith("class:"):
            class_name = type_name.removeprefix("class:")
            if attribute in self.models.handler_attributes:
                handled = self.handler_attribute(class_name, attribute, node)
                if handled is not None:
                    return handled
            if attribute == "request" and self.analysis.is_view_class(class_name):
                self.analysis.met_input("remote")
                return Value(type="web.Request")
            view_source = self.models.view_attributes.get(attribute)
            if view_source is not None and self.analysis.is_view_class(class_name):
                self.analysis.met_input(view_source.origin)
                return tainted([source_flow(node, view_source, self.analysis.shown(node))])
            return None
        model = self.models.typed_sources.get(type_name, {}).get(attribute)
        if model is None:
            return None
        if attribute == "path" and on_fixed_routes(
            self.node, self.models.route_decorators, self.context
        ):
            return Value(type=f"{type_name}.path")
        imports_any = self.analysis.context.imports_any
        self.analysis.met_input(model.origin)
        source = tainted([source_flow(node, model, self.analysis.shown(node), imports_any)])
        prefix = PATH_START if attribute in SLASH_FIRST else ""
        return replace(
            source, type=f"{type_name}.{attribute}", prefix=prefix
        )  # `request.files` has elements

    def binary(
        self, op: ast.operator, left: Value, right: Value, node: ast.AST | None = None
    ) -> Value:
        """String building and arithmetic: constants fold, taint joins, prefixes are kept."""
        if left.is_constant and right.is_constant and type(op) in ARITHMETIC:
            folded = fold(lambda: ARITHMETIC[type(op)](left.const, right.const))
            if folded is not UNKNOWN:
                return constant(folded)
        flows = joined_flows(op, left, right)
        if isinstance(op, ast.BitAnd):  # `EDITABLE & body.keys()`, `n & 0xFF`: in both sides
            return semantics.intersection(left, right)
        if (pipe := piped(self.models, op, left, right, flows)) is not None:
            return pipe  # `prompt | llm`: a LangChain pipeline is the model
        if isinstance(op, ast.Div) and (
            left.type == "pathlib.Path"
            or (not left.is_constant and isinstance(node, ast.BinOp) and names_a_folder(node.left))
        ):  # `Path(base) / name` is still a path, and so is `settings.MEDIA_ROOT / name`
            return Value(flows=flows, type="pathlib.Path")
        prefix = ""
        query = False
        if isinstance(op, ast.Add):
            prefix = joined_prefix(left, right)
            query = left.query or right.query
            past = past_the_host(left, right, node or self.node)
            if left.query:  # `base + "?q=" + term`: the term is in the query string
                appended = formatted(right, QUERY_KINDS, node or self.node)
                flows = merge_flows(left.all_flows(), appended.all_flows())
            elif past is not None:  # `self.base_url + request.path`: a path on base's host
                flows = merge_flows(left.all_flows(), past.all_flows())
                prefix = prefix or PAST_HOST
            if left.shape in ("list", "tuple") and (left.exact or left.parts):
                # `["ls"] + more`: the known elements stay apart, the rest is unknown elements;
                # a left side already grown by unknown elements keeps its leading ones too.
                parts = dict(left.parts)
                if left.exact and right.exact:
                    parts.update(
                        {len(parts) + k: v for k, v in right.parts.items() if isinstance(k, int)}
                    )
                    return Value(flows=left.flows, parts=parts, exact=True, shape=left.shape)
                unknown = merge_flows(left.flows, right.all_flows())
                return Value(flows=unknown, parts=parts, shape=left.shape)
        elif isinstance(op, ast.Mod) and isinstance(left.const, str):
            prefix = percent_prefix(left.const, right)
            query = has_query_mark(left.const)
            right = self.analysis.text_form(right, node or self.node)
            inserted = percent_result(left.const, right, node or self.node)
            if inserted is not None:
                flows = inserted.all_flows()
        return Value(flows=flows, prefix=prefix, query=query)

    def boolean(self, op: ast.boolop, values: list[ast.expr]) -> Value:
        """`a or b` / `a and b`: short-circuit on constants, else any operand."""
        result: Value | None = None
        for expression in values:
            value = self.expr(expression)
            if value.is_constant:
                truth = truthy(value.const)
                if (isinstance(op, ast.Or) and truth) or (isinstance(op, ast.And) and not truth):
                    keep = result is not None and not result.is_constant
                    return join(result, value) if keep else value
                continue
            result = join(result, value)
        return result if result is not None else self.expr(values[-1])

    def compare(self, left: ast.expr, ops: list[ast.cmpop], comparators: list[ast.expr]) -> Value:
        """A comparison is a boolean: constant when both sides are, never tainted."""
        values = [self.expr(left), *(self.expr(c) for c in comparators)]
        if all(v.is_constant for v in values):
            outcome: object = True
            for op, a, b in zip(ops, values, values[1:], strict=False):
                step = fold(lambda o=op, x=a, y=b: COMPARE[type(o)](x.const, y.const))
                if step is UNKNOWN:
                    return CLEAN
                outcome = outcome and step
            return constant(bool(outcome))
        return CLEAN

    def fstring(self, values: list[ast.expr]) -> Value:
        """An f-string: constant when every piece is, else the pieces' taint and fixed prefix."""
        pieces = [self.expr(v) for v in values]
        if all(p.is_constant for p in pieces):
            return constant("".join(str(p.const) for p in pieces))
        prefix = fstring_prefix(pieces)
        flows: list[frozenset[Flow]] = []
        query = False
        name_at = file_name_piece(pieces)
        past = False  # `f"{base}/{name}"`: pieces past a non-fixed base's host (`after_a_base`)
        for index, (node, piece) in enumerate(zip(values, pieces, strict=True)):
            later = past_the_host(pieces[index - 1], piece, node) if index else None
            past = past or later is not None
            # `f"{base}?q={term}"`: pieces after a `?` are in the URL's query string.
            inserted = formatted(piece, QUERY_KINDS, node) if query else piece
            inserted = formatted(inserted, SERVER_REQUEST, node) if past else inserted
            if index == name_at:
                inserted = inserted.mapped(lambda f, n=node: f.then(n, _ONE_NAME).sanitised(_PATH))
            flows.append(inserted.all_flows())
            query = query or piece.query
        prefix = prefix or (PAST_HOST if past or pieces[0].prefix[:1] == PAST_HOST else "")
        return Value(flows=merge_flows(*flows), prefix=prefix, query=query)

    def comprehension(self, generators: list[ast.comprehension], results: list[ast.expr]) -> Value:
        """A comprehension: each target gets the elements of its iterable, guards apply."""
        saved = self.env
        self.env = dict(saved or {})
        for generator in generators:
            element = self.element_of(self.expr(generator.iter))
            self.assign(generator.target, element, generator.iter)
            for condition in generator.ifs:
                self.expr(condition)
                self.apply_guard(condition, True)
        produced = [self.expr(r) for r in results]
        self.env = saved
        if len(results) == 2:  # a dict comprehension: clean keys stay apart from the values
            return comprehended_dict(*produced)
        flows = produced[0].all_flows()  # `c for c in text if c.isalnum()`: allowed characters
        kinds = filter_kinds(generators, results[0], self.context.constant_value)
        if kinds is False and flows:  # each element as built
            return Value(parts={ELEMENT: produced[0]}, shape="list")
        return self.escaped(results[0], Value(flows=flows), kinds)
