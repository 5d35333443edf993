"""The fields of each node class that can hold child nodes, for the walks over every node.

`node._fields` also lists names, numbers and the shared `Load`/`Add` markers (`MARKER_TYPES`):
a `Name`'s `id` and `ctx`, a `Constant`'s `value` and `kind`. The module index walks every node
of every module, and reading and testing those fields was a fifth of its time, so the walks
read only the fields these tables keep: the grammar's node-valued ones, in `_fields` order
(the order of `ast.iter_child_nodes`). Classes it does not name (newer syntax) keep every
field, so an unknown field is read and tested as before, never skipped.
"""

from __future__ import annotations

_SCALARS = frozenset(
    {"id", "attr", "module", "level", "kind", "type_comment", "conversion", "is_async"}
    | {"simple", "tag"}
)
"""Fields that hold a name, a number or a string in every class that has them."""
_MARKERS = frozenset({"ctx", "op", "ops"})
"""Fields that hold the shared markers (`Load`, `Add`, `Eq`...), which the index leaves out."""

_NEVER_CHILDREN_OF = {
    "arg": frozenset({"arg"}),
    "keyword": frozenset({"arg"}),
    "alias": frozenset({"name", "asname"}),
    "FunctionDef": frozenset({"name"}),
    "AsyncFunctionDef": frozenset({"name"}),
    "ClassDef": frozenset({"name"}),
    "ExceptHandler": frozenset({"name"}),
    "MatchAs": frozenset({"name"}),
    "MatchStar": frozenset({"name"}),
    "Global": frozenset({"names"}),
    "Nonlocal": frozenset({"names"}),
    "Constant": frozenset({"value"}),
    "MatchSingleton": frozenset({"value"}),
}
"""Fields that hold no node in these classes only (`name` is an expression in `TypeAlias`)."""


class _ChildFields(dict[type, tuple[str, ...]]):
    """Node class -> its fields that can hold nodes, worked out on first sight of the class."""

    def __init__(self, skipped: frozenset[str]) -> None:
        super().__init__()
        self._skipped = skipped

    def __missing__(self, node_class: type) -> tuple[str, ...]:
        skipped = self._skipped | _NEVER_CHILDREN_OF.get(node_class.__name__, frozenset())
        fields = getattr(node_class, "_fields", ())
        kept = self[node_class] = tuple(name for name in fields if name not in skipped)
        return kept


CHILD_FIELDS = _ChildFields(_SCALARS | _MARKERS)
"""`CHILD_FIELDS[type(node)]`: the fields of `node` to read for its children, markers aside."""
NODE_FIELDS = _ChildFields(_SCALARS)
"""`NODE_FIELDS[type(node)]`: the fields of `node` to read for its children, markers included
(the children `ast.iter_child_nodes` gives)."""
