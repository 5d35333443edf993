"""Cut a large file into prompts a model can read: by function, each with what it needs.

A chunk shows the file's imports (what names mean), the header of the class a method sits in,
the summaries of the project functions it calls (`secreview.llm.callees`), and whole functions,
each line under its own number in the file, so that what the model says about line 120 is
checked against line 120 of the file. The file is parsed, never run; a file Python cannot parse
is cut into windows of lines instead.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

MAX_CHUNK_LINES = 300
"""Lines a chunk may show (a few thousand tokens): small enough for a local model's context."""


@dataclass(frozen=True, slots=True)
class Chunk:
    """The lines (1-based numbers, ascending) one prompt shows, and what they are."""

    title: str
    lines: tuple[int, ...]
    calls: tuple[str, ...] = ()
    """Signature and summary of each project function the lines call and do not show
    (`secreview.llm.callees`)."""


@dataclass(frozen=True, slots=True)
class _Unit:
    title: str
    lines: tuple[int, ...]


def _span(node: ast.stmt) -> range:
    """The lines of `node`, its decorators included."""
    decorators = getattr(node, "decorator_list", [])
    first = min([node.lineno, *(d.lineno for d in decorators)])
    return range(first, (node.end_lineno or node.lineno) + 1)


def _class_units(node: ast.ClassDef, max_lines: int) -> list[_Unit]:
    """A class that fits is one unit; a larger one is a unit per method, under its header."""
    whole = _span(node)
    if len(whole) <= max_lines or not node.body:
        return [_Unit(f"class {node.name}", tuple(whole))]
    header = tuple(range(whole.start, node.body[0].lineno))
    units: list[_Unit] = []
    rest: list[int] = []
    for statement in node.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            body = tuple(_span(statement))
            units.append(_Unit(f"{node.name}.{statement.name}", header + body))
        else:
            rest.extend(_span(statement))
    if rest:
        units.insert(0, _Unit(f"class {node.name}", header + tuple(rest)))
    return units


def _windows(title: str, lines: tuple[int, ...], size: int) -> list[_Unit]:
    return [_Unit(title, lines[i : i + size]) for i in range(0, len(lines), size)]


def _units(tree: ast.Module, max_lines: int) -> tuple[tuple[int, ...], list[_Unit]]:
    """The import lines, and the units (functions, classes, runs of other statements)."""
    imports: list[int] = []
    units: list[_Unit] = []
    loose: list[int] = []
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            imports.extend(_span(node))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            units.append(_Unit(f"function {node.name}", tuple(_span(node))))
        elif isinstance(node, ast.ClassDef):
            units.extend(_class_units(node, max_lines))
        else:
            loose.extend(_span(node))
    if loose:
        units.insert(0, _Unit("module level", tuple(loose)))
    return tuple(imports), units


def chunks_of(text: str, line_count: int, max_lines: int = MAX_CHUNK_LINES) -> list[Chunk]:
    """The chunks that together show every line of a file of `line_count` lines."""
    every = tuple(range(1, line_count + 1))
    if line_count <= max_lines:
        return [Chunk("whole file", every)]
    try:
        imports, units = _units(ast.parse(text), max_lines)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return [Chunk(u.title, u.lines) for u in _windows("lines", every, max_lines)]
    room = max(max_lines - len(imports), max_lines // 2)
    sized = [piece for unit in units for piece in _windows(unit.title, unit.lines, room)]
    chunks: list[Chunk] = []
    titles: list[str] = []
    shown: set[int] = set()
    for unit in sized:
        if shown and len(shown | set(unit.lines)) > room:
            chunks.append(Chunk(", ".join(titles), tuple(sorted(set(imports) | shown))))
            titles, shown = [], set()
        titles.append(unit.title)
        shown |= set(unit.lines)
    if shown:
        chunks.append(Chunk(", ".join(titles), tuple(sorted(set(imports) | shown))))
    return chunks
