"""The tree-sitter fallback against the host parser: same trees, and how much slower.

For every file the host `ast.parse` accepts, the fallback converter (forced, never consulting the
host) must give the identical tree: `ast.dump(tree, include_attributes=True)` equal, positions
included. Prints the files compared, the mismatches (target 0, each with the first node that
differs), and the time of both parsers side by side (target: the fallback within 5x the host).

Usage: python benchmarks/parse.py [PATH ...] [--show N]
PATH defaults to the running Python's standard library and the installed site-packages.
"""

from __future__ import annotations

import argparse
import ast
import gc
import sys
import sysconfig
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

from secreview.parse.treesitter import convert_with_tree_sitter


def default_roots() -> list[Path]:
    """The standard library (without its site-packages) and the installed site-packages."""
    paths = sysconfig.get_paths()
    roots = [Path(paths["stdlib"]), Path(paths["purelib"]), Path(paths["platlib"])]
    return list(dict.fromkeys(root for root in roots if root.is_dir()))


def python_files(root: Path) -> Iterator[Path]:
    """The Python files under `root`, except in a site-packages folder below it.

    The standard library holds the base interpreter's site-packages; the installed packages are
    the ones of the running environment, a root of their own.
    """
    for path in sorted(root.rglob("*.py")):
        if "site-packages" not in path.relative_to(root).parts[:-1]:
            yield path


def first_difference(host: object, converted: object, where: str = "module") -> str | None:
    """Where two trees first differ, and how; None when they are equal."""
    if type(host) is not type(converted):
        return f"{where}: {type(host).__name__} vs {type(converted).__name__}"
    if isinstance(host, ast.AST):
        for name in host._fields + host._attributes:
            found = first_difference(
                getattr(host, name, None), getattr(converted, name, None), f"{where}.{name}"
            )
            if found:
                return found
        return None
    if isinstance(host, list) and isinstance(converted, list):
        if len(host) != len(converted):
            return f"{where}: {len(host)} vs {len(converted)} items"
        for index, (left, right) in enumerate(zip(host, converted, strict=True)):
            found = first_difference(left, right, f"{where}[{index}]")
            if found:
                return found
        return None
    if host != converted and not (host != host and converted != converted):  # NaN
        return f"{where}: {host!r:.60} vs {converted!r:.60}"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--show", type=int, default=20, help="mismatches to describe")
    options = parser.parse_args()
    roots = options.paths or default_roots()
    warnings.simplefilter("ignore")
    compared = rejected = mismatches = 0
    host_seconds = fallback_seconds = 0.0
    host_bytes = 0
    gc.disable()  # both parsers build acyclic trees; collections would only add noise
    for root in roots:
        for path in python_files(root):
            try:
                text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
            except (OSError, UnicodeDecodeError):
                continue
            started = time.perf_counter()
            try:
                host = ast.parse(text)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                rejected += 1
                continue
            parsed = time.perf_counter()
            conversion = convert_with_tree_sitter(text)
            converted = time.perf_counter()
            compared += 1
            host_bytes += len(text)
            host_seconds += parsed - started
            fallback_seconds += converted - parsed
            if ast.dump(host, include_attributes=True) != ast.dump(
                conversion.tree, include_attributes=True
            ):
                mismatches += 1
                if mismatches <= options.show:
                    print(f"mismatch: {path}")
                    print(f"    {first_difference(host, conversion.tree)}")
                    if conversion.failures:
                        print(f"    unconverted regions: {list(conversion.failures)[:3]}")
            del host, conversion
        gc.collect()
    print(f"roots:            {', '.join(str(root) for root in roots)}")
    print(f"files compared:   {compared} ({host_bytes / 1e6:.1f} MB; host rejects {rejected} more)")
    print(f"mismatches:       {mismatches}")
    print(f"host ast.parse:   {host_seconds:8.2f} s")
    print(f"tree-sitter path: {fallback_seconds:8.2f} s")
    print(f"fallback / host:  {fallback_seconds / max(host_seconds, 1e-9):8.2f}x  (target <= 5x)")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
