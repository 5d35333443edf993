"""A project's own escapers, recognised by what their code does to each character.

`"".join(c if c.isalnum() or c in " .,-" else "&#%d;" % ord(c) for c in text)` keeps a character
only when an allow-list test passes and writes a fixed reference for any other: the result holds
letters, digits, ` .,-` and character references, so it is safe in HTML and a log line though
not in a path (`.` survives). The same holds for `"".join(c for c in s if c.isalnum())` and for
`s.translate(table)` when the table maps every dangerous character to a fixed text. Which sink
kinds such text is safe for is `alphabets.kinds_safe_for`: the engine never trusts an escaper's
name, only an allow-list it can read (a deny-list, `c not in "<>"`, leaves everything else).
"""

from __future__ import annotations

import ast
import string
from collections.abc import Callable

from secreview.analysis.taint.alphabets import (
    DANGEROUS,
    as_text,
    kinds_safe_after_filter,
    kinds_safe_for,
)
from secreview.analysis.taint.frame_state import FrameState
from secreview.analysis.taint.guard_shapes import SINGLE_NAME
from secreview.analysis.taint.values import CLEAN, Value, constant
from secreview.index.context import UNKNOWN, ModuleContext
from secreview.patterns import lazy_pattern

_LETTERS = frozenset(string.ascii_letters)
_DIGITS = frozenset(string.digits)
TEST_ALPHABETS: dict[str, frozenset[str]] = {
    "isalnum": _LETTERS | _DIGITS,
    "isalpha": _LETTERS,
    "isdigit": _DIGITS,
    "isdecimal": _DIGITS,
    "isnumeric": _DIGITS,
    "isidentifier": _LETTERS | _DIGITS | {"_"},
}
"""String tests that pass only for text made of these characters (and letters or digits of
other scripts, which no sink kind is dangerous through)."""
_NUMBER_CALLS = frozenset({"ord", "len", "int"})
_NUMBER_FORMAT = lazy_pattern(r"%[#0\- +]*[0-9]*(?:\.[0-9]+)?([a-zA-Z%])")
_NUMBER_CONVERSIONS = frozenset("diouxX%")
_NUMBER_TEXT = "0"
"""How a formatted number is written in the skeleton of a replacement (digits are harmless)."""

Resolver = Callable[[ast.expr], object]
"""The constant an expression has before run time (`ModuleContext.constant_value`), or UNKNOWN."""


def allowed_characters(test: ast.expr, name: str, resolve: Resolver) -> frozenset[str] | None:
    """The characters `name` can hold when `test` is true, if `test` is an allow-list test on
    it (`c.isalnum()`, `c in " .-"`, either of them, both of them); None otherwise."""
    match test:
        case ast.Call(func=ast.Attribute(value=ast.Name(id=tested), attr=method), args=[]):
            return TEST_ALPHABETS.get(method) if tested == name else None
        case ast.Compare(left=ast.Name(id=tested), ops=[ast.In()], comparators=[allowed]):
            return _constant_characters(resolve(allowed)) if tested == name else None
        case ast.BoolOp(op=ast.Or(), values=values):
            parts = [allowed_characters(v, name, resolve) for v in values]
            known = [p for p in parts if p is not None]
            return frozenset().union(*known) if len(known) == len(parts) else None
        case ast.BoolOp(op=ast.And(), values=values):
            known = [p for v in values if (p := allowed_characters(v, name, resolve)) is not None]
            return frozenset.intersection(*known) if known else None
    return None


def _constant_characters(value: object) -> frozenset[str] | None:
    """The characters of a constant string, or of a constant collection of strings."""
    if isinstance(value, str):
        return frozenset(value)
    if isinstance(value, tuple | list | set | frozenset) and all(isinstance(v, str) for v in value):
        return frozenset().union(*value)
    return None


def written_text(node: ast.expr, resolve: Resolver) -> str | None:
    """A skeleton of the text an expression built only from constants and numbers writes
    (`"&#%d;" % ord(c)` writes `&#0;`), or None when input text may appear in it."""
    value = resolve(node)
    if isinstance(value, str):
        return value
    match node:
        case ast.BinOp(left=left, op=ast.Add(), right=right):
            pieces = (written_text(left, resolve), written_text(right, resolve))
            return None if None in pieces else "".join(pieces)  # type: ignore[arg-type]
        case ast.BinOp(left=template, op=ast.Mod()):
            text = resolve(template)
            if not isinstance(text, str):
                return None
            conversions = {m.group(1) for m in _NUMBER_FORMAT.finditer(text)}
            if not conversions <= _NUMBER_CONVERSIONS:
                return None  # `%s` writes the input itself
            return _NUMBER_FORMAT.sub(_NUMBER_TEXT, text)
        case ast.JoinedStr(values=values):
            pieces = [_fstring_piece(v, resolve) for v in values]
            return None if None in pieces else "".join(pieces)  # type: ignore[arg-type]
        case ast.Call(func=ast.Name(id="hex" | "oct" | "bin" | "str"), args=[argument]):
            return _NUMBER_TEXT if _is_number(argument) else None
    return None


def _fstring_piece(node: ast.expr, resolve: Resolver) -> str | None:
    """What one piece of an f-string writes: its text, or a number's digits."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.FormattedValue) and _is_number(node.value):
        spec = _spec_text(node.format_spec, resolve)
        if isinstance(spec, str) and (not spec or spec[-1] in "dxXob"):
            return _NUMBER_TEXT
    return None


def _spec_text(spec: ast.expr | None, resolve: Resolver) -> object:
    """The text of an f-string piece's format spec (`02x`), '' for none."""
    if spec is None:
        return ""
    if isinstance(spec, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in spec.values):
        return "".join(str(v.value) for v in spec.values)  # type: ignore[attr-defined]
    return resolve(spec)


def _is_number(node: ast.expr) -> bool:
    """Whether an expression is a number (`ord(c)`, `len(s)`), which writes only digits."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _NUMBER_CALLS
    ) or (isinstance(node, ast.Constant) and type(node.value) is int)


def chooser_kinds(node: ast.IfExp, resolve: Resolver) -> frozenset[str] | bool | None:
    """What `c if <allow-list test on c> else <fixed text>` (or its negated twin) is safe for:
    `alphabets.kinds_safe_for` of what it can write, or False when it is no such chooser."""
    test, kept, other = node.test, node.body, node.orelse
    negated = _negated(test)
    if not isinstance(kept, ast.Name) and negated is not None:
        test, kept, other = negated, other, kept
    if not isinstance(kept, ast.Name):
        return False
    allowed = allowed_characters(test, kept.id, resolve)
    written = written_text(other, resolve)
    if allowed is None or written is None:
        return False
    return kinds_safe_for(allowed, (written,))


def _negated(test: ast.expr) -> ast.expr | None:
    """The test true exactly when `test` is false, in the shapes an allow-list test takes."""
    match test:
        case ast.UnaryOp(op=ast.Not(), operand=operand):
            return operand
        case ast.Compare(left=left, ops=[ast.NotIn()], comparators=comparators):
            return ast.Compare(left=left, ops=[ast.In()], comparators=comparators)
    return None


def filter_kinds(
    generators: list[ast.comprehension], element: ast.expr, resolve: Resolver
) -> frozenset[str] | bool | None:
    """What `c for c in s if <allow-list test on c>` is safe for (as `chooser_kinds`)."""
    if not isinstance(element, ast.Name) or len(generators) != 1:
        return False
    generator = generators[0]
    if not isinstance(generator.target, ast.Name) or generator.target.id != element.id:
        return False
    tests = [allowed_characters(t, element.id, resolve) for t in generator.ifs]
    known = [t for t in tests if t is not None]
    return kinds_safe_for(frozenset.intersection(*known), ()) if known else False


def translation_kinds(table: object) -> frozenset[str] | bool | None:
    """What `text.translate(table)` is safe for, the table a constant dict from characters (or
    their code points) to fixed text or None: its input keeps every character not in the table,
    so a kind is safe when each of its dangerous characters is mapped, and no replacement
    writes one (outside a character reference, for HTML). False when the table is unknown."""
    if not isinstance(table, dict) or not table:
        return False
    mapped: set[str] = set()
    written: list[str] = []
    for key, replacement in table.items():
        character = chr(key) if isinstance(key, int) and 0 <= key < 0x110000 else key
        if not isinstance(character, str) or len(character) != 1:
            return False
        if replacement is not None and not isinstance(replacement, str):
            return False
        mapped.add(character)
        written.append(replacement or "")
    writable = kinds_safe_for((), written)
    everything = frozenset(DANGEROUS) if writable is None else writable
    safe = {kind for kind in everything if DANGEROUS[kind] <= mapped}
    if "html" in everything and mapped >= _MARKUP:
        safe.add("html")  # no tag can open (Django's `json_script` idiom maps `<>&`)
    return frozenset(safe)


def replaced_again(node: ast.Call, context: ModuleContext) -> bool:
    """Whether `node`, a `.replace(...)`, is the receiver of another: the last step of a chain
    reads the whole chain (`replace_chain_table`) and judges it, so a step before it does not
    (`<` and `>` escaped, then `.replace("&", "<")`: each step but the last looks safe)."""
    attribute = context.parent(node)
    call = context.parent(attribute) if attribute is not None else None
    return (
        isinstance(attribute, ast.Attribute)
        and attribute.attr == "replace"
        and isinstance(call, ast.Call)
        and call.func is attribute
    )


def replace_chain_table(node: ast.Call, resolve: Resolver) -> dict[str, str] | object:
    """`text.replace("&", "&amp;").replace("<", "&lt;")...` read as the translation table it
    amounts to ({"&": "&amp;", "<": "&lt;"}), for `translation_kinds`: each step takes one
    character out and writes fixed text, which later steps can only rewrite into fixed text
    (`&lt;` into `&amp;lt;`), so what is left is the unmapped input plus replacement text.
    UNKNOWN when a step replaces more than one character, a value not fixed in the program,
    or the same character twice."""
    table: dict[str, str] = {}
    current: ast.expr = node
    while (
        isinstance(current, ast.Call)
        and isinstance(current.func, ast.Attribute)
        and current.func.attr == "replace"
        and len(current.args) == 2
        and not current.keywords
    ):
        old, new = (as_text(resolve(a)) for a in current.args)
        if not (isinstance(old, str) and len(old) == 1 and isinstance(new, str)) or old in table:
            return UNKNOWN
        table[old] = new
        current = current.func.value
    return table


_MARKUP = frozenset("<>")
"""What a translation table must map for text to be safe as element content (quotes only
matter inside attribute values, where such tables are not used): with `<` gone no tag opens,
and an `&` left as it is only spells a character reference (`&lt;script&gt;`), which the
browser shows as text."""


class EscaperRules(FrameState):
    """Escapers the interpreter reads from their code (see the module docstring)."""

    def escaped(
        self,
        node: ast.expr,
        value: Value,
        kinds: frozenset[str] | bool | None,
        note: str = "only allowed characters kept, the others written as fixed text",
    ) -> Value:
        """`value` as what an escaper wrote: clean when only letters and digits can be left, safe
        for `kinds` when some (False: not an escaper, unchanged)."""
        if kinds is False or not value.all_flows():
            return value
        if kinds is None:
            return CLEAN
        assert isinstance(kinds, frozenset)
        if not kinds:
            return value
        return value.mapped(lambda f: f.then(node, note).sanitised(kinds))

    def translation_table(self, node: ast.expr) -> object:
        """The constant table a `translate` call is given: a dict literal, `str.maketrans` of
        constants, or a module constant bound to either; UNKNOWN otherwise (never run)."""
        resolve = self.context.constant_value
        if isinstance(node, ast.Name) and not self.context.is_local_name(node):
            bound = self.context.module_constants.get(node.id)
            node = bound if bound is not None else node
        if isinstance(node, ast.Dict):
            return _literal_dict(node, resolve)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "maketrans"
            and not node.keywords
        ):
            if len(node.args) == 1 and isinstance(node.args[0], ast.Dict):
                return _literal_dict(node.args[0], resolve)
            texts = [resolve(a) for a in node.args]
            if 2 <= len(texts) <= 3 and all(isinstance(t, str) for t in texts):
                return str.maketrans(*texts)  # type: ignore[call-overload]
        return UNKNOWN

    def encodes_one_name(self, node: ast.Call) -> bool:
        """Whether the call's result is one file name of its own making, so that its
        `SINGLE_NAME` marker is the result's, not an argument's carried into new text: it
        percent-encodes `/` too, or keeps only a class of characters without a separator
        (`re.sub(r"[^\\w.-]", "_", name)`)."""
        func = node.func
        last = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if last not in ("quote", "quote_plus", "sub"):
            return False  # the cheap test first: this runs for every call
        name = self.qualified(func) or ""
        if last == "sub":
            return name in ("re.sub", "regex.sub") and self._filters_to_one_name(node)
        if name not in PERCENT_ENCODERS:
            return False
        args = [self.expr_constant(a) for a in node.args]
        kwargs = {k.arg: self.expr_constant(k.value) for k in node.keywords if k.arg}
        return bool(percent_encoded_name(name, args, kwargs))

    def _filters_to_one_name(self, node: ast.Call) -> bool:
        """`re.sub(pattern, replacement, text)` of constants keeping no path separator."""
        if len(node.args) < 3:
            return False
        pattern, replacement = (self.context.constant_value(a) for a in node.args[:2])
        return SINGLE_NAME in (kinds_safe_after_filter(pattern, replacement) or ())

    def expr_constant(self, node: ast.expr) -> Value:
        """The constant an argument is fixed to in the source, else an unknown value (the
        argument is not evaluated again: its calls would repeat their sinks)."""
        value = self.context.constant_value(node)
        return constant(value) if value is not UNKNOWN else CLEAN


def _literal_dict(node: ast.Dict, resolve: Resolver) -> dict[object, object] | object:
    """A dict literal of constants (`{ord("<"): "&lt;"}` too), or UNKNOWN."""
    result: dict[object, object] = {}
    for key, value in zip(node.keys, node.values, strict=True):
        if key is None:
            return UNKNOWN
        if (
            isinstance(key, ast.Call)
            and isinstance(key.func, ast.Name)
            and key.func.id == "ord"
            and len(key.args) == 1
        ):
            character = resolve(key.args[0])
            single = isinstance(character, str) and len(character) == 1
            folded: object = ord(character) if single else UNKNOWN  # type: ignore[arg-type]
        else:
            folded = resolve(key)
        replacement = resolve(value)
        if folded is UNKNOWN or replacement is UNKNOWN:
            return UNKNOWN
        result[folded] = replacement
    return result


PERCENT_ENCODERS = {
    "urllib.parse.quote": "/",
    "requests.utils.quote": "/",
    "urllib.parse.quote_plus": "",
}
"""Percent-encoding functions and the characters their `safe` argument keeps by default."""


def percent_encoded_name(name: str, args: list[Value], kwargs: dict[str, Value]) -> tuple[str, ...]:
    """`(SINGLE_NAME,)` when a percent-encoder encodes `/` too (`quote(name, safe="")`,
    `quote_plus(name)`): what it returns is one file name, `..` at worst; else `()`."""
    if name not in PERCENT_ENCODERS:
        return ()
    given = kwargs.get("safe", args[1] if len(args) > 1 else None)
    safe = PERCENT_ENCODERS[name] if given is None else given.const
    return (SINGLE_NAME,) if isinstance(safe, str | bytes) and "/" not in str(safe) else ()
