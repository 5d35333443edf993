"""What a variable still holds as an expression, across the branches that set it.

`ok = check(x)` then `if ok:` reads as `if check(x):` while neither `ok` nor `x` has changed
(`GuardRules.remember_definition`). A flag is often set on each branch its own way:

    if method == "GET":
        validate = agent_id is not None and agent_id != ""
    else:
        validate = True
    if validate and not valid(agent_id):
        return

Past the `if`, `validate` holds whichever expression its branch gave it, so it is read as the
choice `E1 if ... else E2` (`ast.IfExp`): a test of it proves what every choice that can have that
outcome proves, and a constant choice that cannot (`True` being false) proves everything. Each
branch's expression counts only when it still held at the end of its branch, so the relation
between the flag and the variables it read is true on every path that meets.
"""

from __future__ import annotations

import ast

from secreview.analysis.taint.semantics import truthy
from secreview.analysis.taint.values import Value
from secreview.index.children import walk

Definition = tuple[ast.expr, Value | None, dict[str, Value]]
"""(the expression, the value the name was given, the values of the names it read)."""
Definitions = dict[str, Definition]

FLAG_CONSTANTS = (True, False, None)
"""Constants a flag is set to that a later test of it can rule out (`validate = True`)."""


def definition_in(env: dict[str, Value], definitions: Definitions, name: str) -> ast.expr | None:
    """The expression `name` still holds in `env`: neither it nor a name it read has changed."""
    found = definitions.get(name)
    if found is None:
        return None
    node, value, snapshot = found
    if env.get(name) is not value:
        return None
    if any(env.get(n) is not v for n, v in snapshot.items()):
        return None
    return node


def snapshot_of(env: dict[str, Value], node: ast.expr) -> dict[str, Value]:
    """The values in `env` of the names `node` reads, in order of appearance."""
    read = dict.fromkeys(n.id for n in walk(node) if isinstance(n, ast.Name))
    return {n: env[n] for n in read if n in env}


def joined_definitions(
    test: ast.expr,
    body: tuple[dict[str, Value] | None, Definitions],
    orelse: tuple[dict[str, Value] | None, Definitions],
    merged: dict[str, Value] | None,
) -> Definitions:
    """The definitions after an `if` on `test` whose branches ended with `body` and `orelse`
    (environment, definitions), now joined into `merged`. A name both branches define (with
    expressions still holding at their ends) holds the choice of the two."""
    (body_env, body_defs), (else_env, else_defs) = body, orelse
    if body_env is None or merged is None:
        return else_defs
    if else_env is None:
        return body_defs
    joined = else_defs
    for name in body_defs:
        if body_env.get(name) is else_env.get(name) or name not in merged:
            continue  # the same value on both paths: its definition stands as it is
        first = definition_in(body_env, body_defs, name)
        second = definition_in(else_env, else_defs, name)
        if first is None or second is None:
            continue
        choice = ast.copy_location(ast.IfExp(test=test, body=first, orelse=second), test)
        joined[name] = (choice, merged[name], snapshot_of(merged, choice))
    return joined


def impossible(node: ast.expr, outcome: bool) -> bool:
    """Whether `node` is a constant that cannot have `outcome` (`True` being false)."""
    return isinstance(node, ast.Constant) and truthy(node.value) != outcome
