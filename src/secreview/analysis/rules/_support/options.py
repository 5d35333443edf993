"""Command-line options declared with argparse/optparse: the attribute each is stored under.

`parser.add_argument("--log-file", default="/tmp/app.log")` stores the option as `log_file` of
the parsed namespace, which holds the default whenever the flag is left out. Rules that judge
a value the program uses (`open(options.log_file, "w")`, `uvicorn.run(app, host=args.host)`)
read the declaration to know the value a user gets without choosing one: that default is where
the program's author decided it.
"""

from __future__ import annotations

import ast

from secreview.index.context import ModuleContext

OPTION_ADDERS = frozenset({"add_argument", "add_option"})
"""Methods declaring an option: argparse's `add_argument`, optparse's `add_option`."""


def option_dest(call: ast.Call, context: ModuleContext) -> str | None:
    """The attribute argparse/optparse stores an option under: `dest=`, else the first long
    flag with dashes made underscores (`--log-file` -> `log_file`), else a positional's name."""
    dest = context.keyword(call, "dest")
    if dest is not None:
        value = context.constant_value(dest)
        return value if isinstance(value, str) else None
    flags = [context.constant_value(a) for a in call.args]
    names = [f for f in flags if isinstance(f, str)]
    long_flags = [f for f in names if f.startswith("--")]
    chosen = long_flags[0][2:] if long_flags else names[0] if len(names) == 1 else None
    if chosen is None or chosen.startswith("-"):
        return None
    return chosen.replace("-", "_")


def option_default(call: ast.Call) -> ast.expr | None:
    """The `default=` of an option declaration `call` (`parser.add_argument(..., default=X)`),
    None when `call` declares no option or gives no default."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr in OPTION_ADDERS):
        return None
    return next((k.value for k in call.keywords if k.arg == "default"), None)
