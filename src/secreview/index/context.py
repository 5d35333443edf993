"""Per-module facts every rule needs: resolved names, constants, parents, source text.

Built once per module and shared by all rules, so each rule stays a few lines long and cheap.
Whole-module analyses that several rules read (the taint result, a rule's index of the module)
are kept by `ModuleContext.derived`, keyed by the function that computes them: typed, and no
string key can be mistyped.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import TypeVar

from secreview.index.folded_calls import (
    BINARY_OPERATORS,
    UNKNOWN,
    FoldedNamespace,
    folded_call,
    folded_operator,
    folded_subscript,
    namespace_call,
)
from secreview.index.import_names import canonical, dotted_prefixes, record_import, star_binding
from secreview.index.tree_index import index_tree
from secreview.masking import mask_code
from secreview.patterns import lazy_pattern
from secreview.text import source_lines, source_lines_with_ends

_BUILTIN_NAMES = frozenset(dir(builtins))
_Derived = TypeVar("_Derived")
_ABSENT = object()  # a memo's miss (None and False are answers)
_SPACE_AFTER_OPENING = lazy_pattern(r"([(\[{]) ")
_SPACE_BEFORE_CLOSING = lazy_pattern(r",? ([)\]}])")


@dataclass
class ModuleContext:
    """Facts about one module: path, text, tree, import aliases, module constants, parents."""

    path: str
    text: str
    tree: ast.Module
    is_test: bool = False
    identity: str = ""
    """The file's repository-relative name for fingerprints, when not `path`."""
    nodes: list[ast.AST] = field(default_factory=list, repr=False)
    """Every node of the tree, each once, in a fixed order (rules are dispatched over these)."""
    import_aliases: dict[str, str] = field(default_factory=dict, repr=False)
    """Local name -> fully qualified name, for every import anywhere in the module."""
    star_modules: list[str] = field(default_factory=list, repr=False)
    """Modules imported with `from M import *`, in order."""
    module_bindings: frozenset[str] = field(default=frozenset(), repr=False)
    """Names bound at module level (defs, classes, assignments), which shadow builtins."""
    import_statements: list[ast.Import | ast.ImportFrom] = field(default_factory=list, repr=False)
    """Every import statement, relative ones included, in traversal order."""
    shim_names: Mapping[str, str] = field(default_factory=dict, repr=False)
    """What the project's compatibility modules import (`import_names.record_import`)."""
    project_constants: Mapping[str, object] = field(default_factory=dict, repr=False)
    """`module.NAME` -> value of the plain constants the project's modules import from each
    other (`secreview.project_constants`): an imported one folds like the module's own."""
    project_logs_keywords_apart: bool = field(default=False, repr=False)
    """Whether the project's logging calls with keywords the standard library rejects are a
    keyword-capturing library's (`secreview.project_log_library`)."""
    package: str | None = field(default=None, repr=False)
    """Where the module's relative imports start (`facts.relative_import_base`), if known."""
    library_names: frozenset[str] = field(default=frozenset(), repr=False)
    """Library names models and rules know: which of several star imports binds a name."""
    _parents: dict[int, ast.AST] = field(default_factory=dict, repr=False)
    _function_of: dict[int, ast.FunctionDef | ast.AsyncFunctionDef] = field(
        default_factory=dict, repr=False
    )
    _function_locals: dict[int, set[str]] = field(default_factory=dict, repr=False)
    _rebound_globals: set[str] = field(default_factory=set, repr=False)
    _resolved: dict[int, str | None] = field(default_factory=dict, repr=False)
    _imported_prefixes: frozenset[str] | None = field(default=None, repr=False)
    _imports_any_answers: dict[tuple[str, ...], bool] = field(default_factory=dict, repr=False)
    _derived: dict[Callable[..., object], object] = field(default_factory=dict, repr=False)
    _secrets_around: dict[tuple[int, int], frozenset[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        """Index the module in one traversal (`index_tree`): every later question is a
        dictionary look-up.

        Rules ask for parents, enclosing functions and name bindings on almost every node, and
        separate walks for each of those used to cost several times the parse itself.
        """
        index = index_tree(self.tree)
        # The walk's own tables become the context's (no copy of a table per node); these
        # fields are the index's, not inputs: a value passed for them is replaced.
        self.nodes = index.nodes
        self._parents = index.parents
        self._function_of = index.function_of
        self._function_locals = index.function_locals
        self._rebound_globals = index.rebound_globals
        for node in index.imports:
            self.import_statements.append(node)
            self._record_import(node)
        self.module_bindings = index.module_bindings

    def _record_import(self, node: ast.Import | ast.ImportFrom) -> None:
        record_import(
            node,
            self.import_aliases,
            self.star_modules,
            self.shim_names,
            self.package,
            self.project_constants,
        )

    # ----- names -------------------------------------------------------------------------------
    def is_local_name(self, node: ast.Name) -> bool:
        """Whether `node` reads a name bound in an enclosing function (shadowing a global)."""
        function = self._function_of.get(id(node))
        while function is not None:
            if node.id in self._function_locals.get(id(function), ()):
                return True
            function = self._function_of.get(id(function))
        return False

    def resolve(self, node: ast.AST) -> str | None:
        """Qualified name of a Name/Attribute chain ('subprocess.run', 'eval'), else None.

        Only names bound by an import or builtins resolve: `cursor.execute` does not, because
        `cursor` is a local object whose type a pattern rule cannot know. Memoised by address
        for the tree's nodes only: a throw-away node's address goes to the next one built.
        """
        found = self._resolved.get(id(node), _ABSENT)
        if found is _ABSENT and id(node) in self._parents:
            found = self._resolved[id(node)] = self._resolve(node)
        return self._resolve(node) if found is _ABSENT else found  # type: ignore[return-value]

    def _resolve(self, node: ast.AST) -> str | None:
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        if self.is_local_name(node):
            return None
        head = self.import_aliases.get(node.id)
        if head is None and node.id not in self.module_bindings:
            if node.id in _BUILTIN_NAMES:
                head = node.id
            elif self.star_modules:  # bound nowhere in the module: from a `from M import *`
                head = star_binding(self.star_modules, node.id, self.library_names)
        if head is None:
            return None
        return canonical(".".join([head, *reversed(parts)])).removeprefix("builtins.")

    def call_name(self, call: ast.Call) -> str | None:
        """Qualified name of the called function, when it resolves."""
        return self.resolve(call.func)

    def imports_any(self, prefixes: Iterable[str]) -> bool:
        """Whether the module imports any of `prefixes` (rules ask this for every node)."""
        key = prefixes if isinstance(prefixes, tuple) else tuple(prefixes)
        answer = self._imports_any_answers.get(key)
        if answer is None:
            answer = self._imports_any_answers[key] = any(self.imports_module(p) for p in key)
        return answer

    def imports_module(self, prefix: str) -> bool:
        """Whether any import brings in `prefix` or a submodule of it: one look-up in the set
        of every imported name's dotted prefixes, built on the first question."""
        if self._imported_prefixes is None:
            self._imported_prefixes = dotted_prefixes(self.import_aliases.values())
        return prefix in self._imported_prefixes

    # ----- calls -------------------------------------------------------------------------------
    @staticmethod
    def keyword(call: ast.Call, name: str) -> ast.expr | None:
        """The expression passed as keyword `name`, if any."""
        for keyword in call.keywords:
            if keyword.arg == name:
                return keyword.value
        return None

    @staticmethod
    def argument(call: ast.Call, position: int, name: str | None = None) -> ast.expr | None:
        """The argument at `position` or passed as keyword `name` (positional wins)."""
        if position < len(call.args) and not any(
            isinstance(arg, ast.Starred) for arg in call.args[: position + 1]
        ):
            return call.args[position]
        if name is not None:
            return ModuleContext.keyword(call, name)
        return None

    @staticmethod
    def has_star_arguments(call: ast.Call) -> bool:
        """Whether `*args`/`**kwargs` make the actual arguments unknowable."""
        return any(isinstance(a, ast.Starred) for a in call.args) or any(
            k.arg is None for k in call.keywords
        )

    # ----- constants ---------------------------------------------------------------------------
    @cached_property
    def module_constants(self) -> dict[str, ast.expr]:
        """Module-level names assigned exactly once, to the expression they were assigned."""
        assigned: dict[str, list[ast.expr]] = {}
        for statement in self.tree.body:
            if isinstance(statement, ast.Assign):
                for target in statement.targets:
                    if isinstance(target, ast.Name):
                        assigned.setdefault(target.id, []).append(statement.value)
            elif (
                isinstance(statement, ast.AnnAssign)
                and isinstance(statement.target, ast.Name)
                and statement.value is not None
            ):
                assigned.setdefault(statement.target.id, []).append(statement.value)
        rebound = self._rebound_globals
        return {
            name: values[0]
            for name, values in assigned.items()
            if len(values) == 1 and name not in rebound
        }

    def constant_value(self, node: ast.AST | None, _depth: int = 0) -> object:
        """The value of `node` if it is known before run time, else `UNKNOWN`.

        Folds literals, module-level constants, f-strings of constants, tuples/lists of constants,
        unary minus and the arithmetic/string operators; never evaluates anything else.
        """
        if node is None or _depth > 20:
            return UNKNOWN
        match node:
            case ast.Constant(value=value):
                return value
            case ast.Name(id=name) if name in self.module_constants and not self.is_local_name(
                node
            ):
                return self.constant_value(self.module_constants[name], _depth + 1)
            case ast.Name(id=name) if self.project_constants and name in self.import_aliases:
                return self._imported_constant(node)
            case ast.UnaryOp(op=ast.USub(), operand=operand):
                value = self.constant_value(operand, _depth + 1)
                return -value if isinstance(value, int | float) else UNKNOWN
            case ast.BinOp(left=left, op=op, right=right) if type(op) in BINARY_OPERATORS:
                return self._fold_binary(op, left, right, _depth)
            case ast.JoinedStr(values=values):
                pieces = [self.constant_value(v, _depth + 1) for v in values]
                if any(p is UNKNOWN for p in pieces):
                    return UNKNOWN
                return "".join(str(p) for p in pieces)
            case ast.FormattedValue(value=value, format_spec=None, conversion=-1):
                return self.constant_value(value, _depth + 1)
            case ast.Tuple(elts=elements) | ast.List(elts=elements):
                values = [self.constant_value(e, _depth + 1) for e in elements]
                return UNKNOWN if any(v is UNKNOWN for v in values) else tuple(values)
            case ast.Subscript():
                return folded_subscript(node, partial(self.constant_value, _depth=_depth + 1))
            case ast.Call():
                return folded_call(
                    node, self.call_name(node), partial(self.constant_value, _depth=_depth + 1)
                )
        return UNKNOWN

    def _fold_binary(self, op: ast.operator, left: ast.AST, right: ast.AST, depth: int) -> object:
        left_value = self.constant_value(left, depth + 1)
        if isinstance(op, ast.Mod) and namespace_call(right, self._at_module_level(right)):
            right_value: object = FoldedNamespace(partial(self._module_constant, depth=depth + 1))
        else:
            right_value = self.constant_value(right, depth + 1)
        return folded_operator(op, left_value, right_value)

    def _imported_constant(self, node: ast.Name) -> object:
        """The value of the project constant `node` imports, unless the module binds the name
        again (at module level, in a function, or by a `global` statement)."""
        name = node.id
        if name in self.module_bindings or name in self._rebound_globals:
            return UNKNOWN
        if self.is_local_name(node):
            return UNKNOWN
        return self.project_constants.get(self.import_aliases[name], UNKNOWN)

    def _module_constant(self, name: str, depth: int) -> object:
        """The folded value of the module constant `name`, else UNKNOWN."""
        value = self.module_constants.get(name)
        return UNKNOWN if value is None else self.constant_value(value, depth)

    def _at_module_level(self, node: ast.AST) -> bool:
        """Whether `node` runs in the module's own namespace (no function or class around it)."""
        return not any(
            isinstance(a, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda)
            for a in self.ancestors(node)
        )

    def is_constant(self, node: ast.AST | None) -> bool:
        """Whether the value is fixed in the source (so an attacker cannot choose it)."""
        return self.constant_value(node) is not UNKNOWN

    # ----- structure ---------------------------------------------------------------------------
    def parent(self, node: ast.AST) -> ast.AST | None:
        """The syntactic parent of `node` (None for the module)."""
        return self._parents.get(id(node))

    def ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        """Parents of `node`, nearest first."""
        current = self.parent(node)
        while current is not None:
            yield current
            current = self.parent(current)

    def enclosing_function(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The nearest function that contains `node`."""
        return self._function_of.get(id(node))

    def qualified_scope(self, node: ast.AST) -> str:
        """'Class.method' style name of the scopes around `node` ('' at module level)."""
        names = [
            a.name
            for a in self.ancestors(node)
            if isinstance(a, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        ]
        return ".".join(reversed(names))

    def segment(self, node: ast.AST) -> str:
        """The exact source text of `node` ('' when positions are missing).

        Same result as `ast.get_source_segment`, without re-splitting the file on every call
        (rules ask for segments often; that split dominated the scan time).
        """
        start, end = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        start_column = getattr(node, "col_offset", None)
        end_column = getattr(node, "end_col_offset", None)
        if start is None or end is None or start_column is None or end_column is None:
            return ""
        lines = self._encoded_lines
        if not 1 <= start <= end <= len(lines):
            return ""
        if start == end:
            return lines[start - 1][start_column:end_column].decode("utf-8", "replace")
        pieces = [lines[start - 1][start_column:], *lines[start : end - 1]]
        pieces.append(lines[end - 1][:end_column])
        return b"".join(pieces).decode("utf-8", "replace")

    @cached_property
    def _encoded_lines(self) -> list[bytes]:
        """Source lines as UTF-8 bytes with their endings (ast columns count bytes)."""
        return [line.encode("utf-8") for line in source_lines_with_ends(self.text)]

    def character_column(self, line: int, byte_column: int) -> int:
        """Convert an `ast` byte offset on `line` into a character offset (what editors show)."""
        if not 1 <= line <= len(self._encoded_lines):
            return byte_column
        encoded = self._encoded_lines[line - 1]
        if encoded.isascii():
            return byte_column
        return len(encoded[:byte_column].decode("utf-8", "ignore"))

    def one_line(self, node: ast.AST, limit: int = 80) -> str:
        """The code of `node` for a message: whitespace collapsed, cut to `limit` with '…'."""
        text = " ".join(self.segment(node).split())
        text = _SPACE_BEFORE_CLOSING.sub(r"\1", _SPACE_AFTER_OPENING.sub(r"\1", text))
        return text if len(text) <= limit else text[: limit - 1] + "…"

    @cached_property
    def lines(self) -> list[str]:
        """The module's source lines (without line endings), numbered as `ast` numbers them."""
        return source_lines(self.text)

    def secrets_around(self, node: ast.AST) -> frozenset[str]:
        """Secrets written on the whole lines of `node`, for masking code quoted from it.

        A node's own code may be a lone literal (`"hunter2"`) that only the name before it on
        its line (`password=`) shows to be a secret; masking the whole lines finds it.
        """
        start, end = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        if start is None:
            return frozenset()
        end = end or start
        found = self._secrets_around.get((start, end))
        if found is None:
            found = mask_code("\n".join(self.lines[start - 1 : end])).secrets
            self._secrets_around[start, end] = found
        return found

    def derived(self, compute: Callable[[ModuleContext], _Derived]) -> _Derived:
        """`compute(self)`, computed once: for whole-module analyses several rules read. The
        function itself is the key, so the result's type is known and no key can be mistyped."""
        found = self._derived.get(compute, _ABSENT)
        if found is _ABSENT:
            found = self._derived[compute] = compute(self)
        return found  # type: ignore[return-value]
