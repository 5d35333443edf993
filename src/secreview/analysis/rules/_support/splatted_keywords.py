"""Keywords a call receives through `**options`, a dict its own function fills.

Wrappers gather a call's keywords in a dict and splat it: modoboa's `exec_cmd` did

    kwargs["shell"] = True
    ...
    process = subprocess.Popen(cmd, **kwargs)

so `Popen` runs `cmd` through a shell although no `shell=` is written at the call. The
settings read are the function's own, before the call: `name["key"] = value`,
`name.update(key=value)`, `name.setdefault("key", value)` and `name = {"key": value}` or
`dict(key=value)`. A branch may skip one, so every value found is returned: the call may get
any of them.
"""

from __future__ import annotations

import ast

from secreview.index.context import ModuleContext


def _splatted_names(call: ast.Call) -> list[str]:
    return [k.value.id for k in call.keywords if k.arg is None and isinstance(k.value, ast.Name)]


def _settings(statement: ast.AST, name: str, key: str) -> list[ast.expr]:
    """The values `statement` (one node) gives `key` in the dict `name`."""
    match statement:
        case ast.Assign(targets=targets, value=value):
            found: list[ast.expr] = []
            for target in targets:
                match target:
                    case ast.Subscript(value=ast.Name(id=owner), slice=ast.Constant(value=k)):
                        if owner == name and k == key:
                            found.append(value)
                    case ast.Name(id=owner) if owner == name:
                        found.extend(_literal_entries(value, key))
            return found
        case ast.Call(func=ast.Attribute(value=ast.Name(id=owner), attr=method), args=args):
            if owner != name:
                return []
            if method == "update":
                entries = [k.value for k in statement.keywords if k.arg == key]
                return entries + [e for a in args for e in _literal_entries(a, key)]
            if method == "setdefault" and len(args) == 2:
                first = args[0]
                if isinstance(first, ast.Constant) and first.value == key:
                    return [args[1]]
    return []


def _literal_entries(value: ast.expr, key: str) -> list[ast.expr]:
    """`{"key": v, ...}` or `dict(key=v, ...)`: `[v]`."""
    match value:
        case ast.Dict(keys=keys, values=values):
            return [
                v
                for k, v in zip(keys, values, strict=True)
                if isinstance(k, ast.Constant) and k.value == key
            ]
        case ast.Call(func=ast.Name(id="dict"), keywords=keywords):
            return [k.value for k in keywords if k.arg == key]
    return []


def splatted_keyword(context: ModuleContext, call: ast.Call, key: str) -> list[ast.expr]:
    """The values the function around `call` puts under `key` in a dict it hands the call as
    `**name`, before the call."""
    names = _splatted_names(call)
    function = context.enclosing_function(call)
    if not names or function is None:
        return []
    found: list[ast.expr] = []
    for node in ast.walk(function):
        if getattr(node, "lineno", call.lineno) >= call.lineno:
            continue
        for name in names:
            found.extend(_settings(node, name, key))
    return found
