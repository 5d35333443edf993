"""Code a program evaluates that belongs to a document it compiles: a template or markup page.

Template engines and documentation builders parse a document (a template, a page of markup) into
a tree of nodes, and some of its parts are Python by design: a tag attribute `cached="True"`, an
`ifconfig` condition, a `:skipif:` option. The engine evaluates those parts while it compiles the
document, and translates the rest into Python text that it compiles. Neither step chooses the
code: the document's author does, as with a Python file the program is given. Whether an outsider
can write the document is a template-injection question, judged where untrusted text becomes a
document (the parser call, which the data flow follows), not at each `eval` of one of its parts.
So rules evaluating code ask two things here:

* `is_document_expression`: the value is read from a node of a document tree, by key or through
  an attribute (`node["expr"]`, `node.get("skipif")`, `node.attributes.get("cached")`), on an
  object the code names a node (`node`, `child_node`, `node_or_tag`) or keeps in an attribute the
  module only ever stores such nodes in (`self.compiler.pagetag = node`), also through locals
  and an empty dict filled only with such parts (`args.update((k, node.attributes[k]) ...)`).
* `is_tree_translation`: the value is text translated from a tree the program's own parser built:
  what a call returns when it is handed `parser.parse()`'s tree (`codegen.compile(lexer.parse())`),
  also through this module's functions that return it (`source, lexer = _compile(...)`). A tree
  from `ast.parse` is Python source itself, not a document, and does not count.

Recognising a node by its name is a heuristic; what cannot be recognised counts as neither, so
these only ever quiet code whose document is visible in the shape of the code.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.code_generators import called_function, returned_values
from secreview.analysis.rules._support.local_bindings import (
    Binding,
    bindings_before,
    every_binding_assigns,
    scope_nodes_of,
)
from secreview.index.context import ModuleContext
from secreview.index.node_types import nodes_of

_MAX_DEPTH = 6
_NODE_WORD = "node"
_KEY_READS = frozenset({"get"})
_EVALUATORS = frozenset({"eval", "exec", "compile", "builtins.eval", "builtins.exec"})
_PYTHON_PARSERS = frozenset({"ast.parse", "compile", "builtins.compile"})


def is_document_expression(context: ModuleContext, expr: ast.expr, depth: int = 0) -> bool:
    """Whether `expr` is a part of a document tree's node (see the module docstring)."""
    if depth > _MAX_DEPTH:
        return False
    if isinstance(expr, ast.Name):
        return every_binding_assigns(
            context, expr, lambda value: is_document_expression(context, value, depth + 1)
        )
    receiver = _read_receiver(expr)
    if receiver is None:
        return False
    if isinstance(receiver, ast.Attribute) and _is_node(context, receiver.value, depth + 1):
        return True  # node.attributes["cached"]
    return _is_node(context, receiver, depth + 1)


def _read_receiver(expr: ast.expr) -> ast.expr | None:
    """`r` of a read by key: `r[key]` or `r.get(key, default)`; None for anything else."""
    match expr:
        case ast.Subscript(value=receiver):
            return receiver
        case ast.Call(func=ast.Attribute(attr=method, value=receiver)) if method in _KEY_READS:
            return receiver
    return None


def _is_node(context: ModuleContext, expr: ast.expr, depth: int) -> bool:
    """Whether `expr` is a node of a document tree: a name that says so, a local bound only to
    such values, or an attribute the module stores nothing but such nodes in."""
    if depth > _MAX_DEPTH:
        return False
    if isinstance(expr, ast.Name):
        if _names_a_node(expr.id):
            return True
        bindings = bindings_before(context, expr)
        if bindings and all(isinstance(b.value, ast.Dict) and not b.value.keys for b in bindings):
            return _filled_from_nodes(context, expr, depth)
        return bool(bindings) and _only_nodes(
            context, [b.value for b in bindings or () if b.augmented_op is None], depth
        )
    if isinstance(expr, ast.Attribute):
        if _names_a_node(expr.attr):
            return True
        return _only_nodes(context, _stored_in_attribute(context, expr.attr), depth)
    return False


def _filled_from_nodes(context: ModuleContext, name: ast.Name, depth: int) -> bool:
    """Whether the empty dict `name` is filled only with parts of nodes before it is read:
    `args.update((key, node.attributes[key]) for key in ...)`, `args[key] = node[key]`."""
    filled = False
    for node in scope_nodes_of(context, name):
        match node:
            case ast.Call(func=ast.Attribute(attr="update", value=ast.Name(id=owner)), args=[arg]):
                if owner != name.id:
                    continue
                if not _pairs_from_nodes(context, arg, depth):
                    return False
                filled = True
            case ast.Subscript(value=ast.Name(id=owner), ctx=ast.Store()) if owner == name.id:
                statement = context.parent(node)
                if statement in context.ancestors(name) or node.lineno > name.lineno:
                    continue  # stored by or after this read: not what the read sees
                value = statement.value if isinstance(statement, ast.Assign) else None
                if value is None or not is_document_expression(context, value, depth + 1):
                    return False
                filled = True
    return filled


def _pairs_from_nodes(context: ModuleContext, pairs: ast.expr, depth: int) -> bool:
    """`((key, node.attributes[key]) for key in ...)` or `{key: node[key]}`: every value is a
    part of a node."""
    match pairs:
        case (
            ast.GeneratorExp(elt=ast.Tuple(elts=[_, value]))
            | ast.ListComp(elt=ast.Tuple(elts=[_, value]))
        ):
            return is_document_expression(context, value, depth + 1)
        case ast.DictComp(value=value):
            return is_document_expression(context, value, depth + 1)
        case ast.Dict(values=values):
            return bool(values) and all(
                is_document_expression(context, v, depth + 1) for v in values
            )
    return False


def _names_a_node(name: str) -> bool:
    """`node`, `child_node`, `node_or_tag`, `subnode`: a name for a node of a tree."""
    lowered = name.lower().strip("_")
    return lowered.endswith(_NODE_WORD) or _NODE_WORD in lowered.split("_")


def _only_nodes(context: ModuleContext, values: list[ast.expr | None], depth: int) -> bool:
    """Every value is a node or `None` (an attribute reset between documents), at least one a
    node; an opaque binding (a parameter, an unpacking) counts as unknown."""
    if not values or any(v is None for v in values):
        return False
    known = [v for v in values if not (isinstance(v, ast.Constant) and v.value is None)]
    return bool(known) and all(v is not None and _is_node(context, v, depth + 1) for v in known)


def _stored_in_attribute(context: ModuleContext, attribute: str) -> list[ast.expr | None]:
    """Every value this module assigns to an attribute named `attribute` of any object (in
    no order its readers depend on: they ask whether all or any are nodes)."""
    return [
        node.value
        for node in nodes_of(context, ast.Assign)
        if any(isinstance(t, ast.Attribute) and t.attr == attribute for t in node.targets)
    ]


def is_tree_translation(context: ModuleContext, expr: ast.expr, depth: int = 0) -> bool:
    """Whether `expr` is text translated from a parse tree (see the module docstring)."""
    if depth > _MAX_DEPTH:
        return False
    values = _possible_values(context, expr)
    return bool(values) and all(
        _translates_a_tree(context, value, depth) or is_tree_translation(context, value, depth + 1)
        for value in values
    )


def _translates_a_tree(context: ModuleContext, value: ast.expr, depth: int) -> bool:
    """Whether `value` is a call (not an evaluator) handed a tree the program's parser built."""
    if not isinstance(value, ast.Call) or context.call_name(value) in _EVALUATORS:
        return False
    handed = [*value.args, *(k.value for k in value.keywords)]
    return any(_is_parsed_tree(context, argument, depth + 1) for argument in handed)


def _is_parsed_tree(context: ModuleContext, expr: ast.expr, depth: int) -> bool:
    """`parser.parse(...)`, directly or through a local: the tree of a document the program's
    own parser read (Python parsed by `ast.parse` is code, not a document)."""
    if depth > _MAX_DEPTH:
        return False
    if isinstance(expr, ast.Name):
        bindings = bindings_before(context, expr)
        return bool(bindings) and all(
            b.value is not None and _is_parsed_tree(context, b.value, depth + 1)
            for b in bindings or ()
        )
    return (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr == "parse"
        and context.call_name(expr) not in _PYTHON_PARSERS
    )


def _possible_values(context: ModuleContext, expr: ast.expr) -> list[ast.expr]:
    """What `expr` may hold: the values of a local's bindings (an element of what this module's
    function returns, for `a, b = function(...)`), the returns of a call of this module's
    function, or `expr` itself; empty when a binding is opaque."""
    if isinstance(expr, ast.Name):
        bindings = bindings_before(context, expr)
        if not bindings:
            return []
        values: list[ast.expr] = []
        for binding in bindings:
            if binding.augmented_op is not None:
                return []
            found = [binding.value] if binding.value is not None else _unpacked(context, binding)
            if not found:
                return []
            values.extend(found)
        return values
    if isinstance(expr, ast.Call) and (function := called_function(context, expr)) is not None:
        return returned_values(function) or [expr]
    return [expr]


def _unpacked(context: ModuleContext, binding: Binding) -> list[ast.expr]:
    """For a name unpacked from what a function of this module returns (`source, lexer =
    _compile(...)`): the element at its position in every tuple the function returns."""
    target = context.parent(binding.node)
    statement = context.parent(target) if target is not None else None
    if not (
        isinstance(target, ast.Tuple)
        and isinstance(statement, ast.Assign)
        and isinstance(statement.value, ast.Call)
    ):
        return []
    function = called_function(context, statement.value)
    position = next((i for i, t in enumerate(target.elts) if t is binding.node), None)
    if function is None or position is None:
        return []
    elements: list[ast.expr] = []
    for returned in returned_values(function):
        if not (isinstance(returned, ast.Tuple) and len(returned.elts) == len(target.elts)):
            return []
        elements.append(returned.elts[position])
    return elements
