"""Cache keys: everything a stored result depends on, hashed; nothing it does not.

A key is the BLAKE2b of a canonical JSON list: the kind of result, the run's settings digest
(`settings_digest`), the file's content digest, the names the file is reported and fingerprinted
under, and, for results computed with project summaries, the digest of the summaries the module
could consult (`IndexDigests`). Settings are hashed by leaving out the few fields that cannot
change a file's report, so a field added to ScanConfig later is part of the key by default.
"""

from __future__ import annotations

import fnmatch
import hashlib
import importlib.util
import os
import sys
from bisect import bisect_left
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import secreview
from secreview.analysis.taint.summaries import ExternalSummary, ProjectIndex
from secreview.cache.codec import canonical_json, encode, to_plain
from secreview.config import ScanConfig

NOT_IN_KEY = frozenset(
    {
        "cache_dir",  # where results are kept, not what they are
        "llm",  # the LLM stage runs on the whole result, after the scan
        "fail_on",  # the exit status, decided from the result
        "fail_on_findings",
        "baseline",  # applied to the whole result, after the scan
        "file_timeout_seconds",  # a file over budget is never cached
        "file_memory_bytes",
        "engine",  # where the work ran: the Ray engine's output is the local one's, byte for byte
        "ray_address",
        # Which modules are scripts beside the package: each report's key holds its own file's
        # answer (`IncrementalCache.reports`), so a new script does not re-review every file.
        "project_scripts",
    }
)
"""ScanConfig fields that do not change what one file's review yields."""
PARSER_MODULES = ("tree_sitter", "tree_sitter_python")
"""The fallback parser's import packages, whose installed files are part of every key."""


def digest(*parts: object) -> str:
    """The hex BLAKE2b (128 bits) of plain `parts` in canonical JSON."""
    return hashlib.blake2b(canonical_json(list(parts)).encode("ascii"), digest_size=16).hexdigest()


def content_digest(data: bytes) -> str:
    """The digest of a file's bytes."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def settings_digest(config: ScanConfig) -> str:
    """What every result of this run depends on: secreview's code, the settings, the models."""
    fields = {
        name: to_plain(getattr(config, name)) for name in config._fields if name not in NOT_IN_KEY
    }
    models = [_folder_digest(Path(folder), "*.toml") for folder in config.model_dirs]
    return digest(secreview.__version__, _code_digest(), _parsers(), fields, models)


@cache
def _code_digest() -> str:
    """The installed secreview itself (code, built-in models, data): every file's name, size
    and modification time, so an upgrade or an edit of a checkout never reuses old results."""
    return _folder_digest(Path(secreview.__file__).parent, "*", contents=False)


@cache
def _parsers() -> tuple[str, ...]:
    """What parses the files: this Python (its `ast` accepts its own syntax) and the fallback
    parser's installed files (name, size and modification time, like secreview's own code); one
    cache folder may serve several Pythons. The files are found, never imported, and
    `importlib.metadata` is not loaded: a one-file run must not pay 30 ms for a version string."""
    found = [sys.implementation.name, sys.version]
    for module in PARSER_MODULES:
        spec = importlib.util.find_spec(module)
        if spec is None or spec.origin is None:
            found.append(f"{module} absent")
        elif spec.submodule_search_locations:  # a package: its folder
            found.append(_folder_digest(Path(spec.origin).parent, "*", contents=False))
        else:  # a single-file module: that file alone, never the folder it sits in
            found.append(digest(spec.origin, _signature(Path(spec.origin))))
    return tuple(found)


def _folder_digest(folder: Path, pattern: str, *, contents: bool = True) -> str:
    """The digest of the files under `folder` matching `pattern` (their bytes, or their size
    and modification time); an unreadable file counts by its name and the error. Byte-code
    folders are pruned, not walked: they change on every import and hold nothing new."""
    parts: list[object] = []
    for path in sorted(_files_under(folder, pattern)):
        name = path.relative_to(folder).as_posix()
        if contents:
            try:
                parts.append([name, content_digest(path.read_bytes())])
            except OSError as error:
                parts.append([name, type(error).__name__])
        else:
            parts.append([name, *_signature(path)])
    return digest(str(folder), parts)


def _signature(path: Path) -> list[object]:
    """A file's size and modification time, or the error that kept them from us."""
    try:
        status = path.stat()
    except OSError as error:
        return [type(error).__name__]
    return [status.st_size, status.st_mtime_ns]


def _files_under(folder: Path, pattern: str) -> Iterable[Path]:
    """The regular files under `folder` whose name matches `pattern`, outside `__pycache__`."""
    for directory, subdirectories, files in os.walk(folder):
        subdirectories[:] = [name for name in subdirectories if name != "__pycache__"]
        for name in fnmatch.filter(files, pattern):
            yield Path(directory, name)


class IndexDigests:
    """Digests of the parts of one ProjectIndex that a module can consult.

    A module resolves a call or a class through its own imports, so the summaries it can use
    are those named under a module it imports (`import pkg` reaches every `pkg.*`) or under its
    own name; whether the index is empty at all also matters (the engine only runs a module with
    no input of its own when there are summaries). The digest of a module is the digest of
    those entries: it changes exactly when one of them does. A name a module of the project
    hands on is an entry under that module (`pkg.run_command` -> where it is defined).
    """

    def __init__(
        self, index: ProjectIndex, known: dict[ExternalSummary, str] | None = None
    ) -> None:
        """`known`: digests of summaries already seen (most are the same from round to round)."""
        known = {} if known is None else known
        entries: dict[str, tuple[str, str]] = {}
        for name, summary in index.summaries.items():
            if summary not in known:
                known[summary] = content_digest(encode(summary).encode("ascii"))
            entries[name] = ("function", known[summary])
        entries.update((name, ("class", "")) for name in index.classes)
        entries.update((name, ("module", "")) for name in index.modules if name not in entries)
        # A module of the scan the rounds did not summarise is no guessed sink's (`scanned`).
        entries.update((name, ("scanned", "")) for name in index.scanned if name not in entries)
        entries.update((name, ("alias", defined)) for name, defined in index.aliases.items())
        entries.update((name, ("choice", "")) for name in index.choices)
        # A model's validated fields go on its own entry: an entry per field would replace the
        # summary of a method that overrides an inherited field of the same name.
        for name, fields in index.fields.items():
            kind = entries.get(name, ("class", ""))[0]
            entries[name] = (kind, "validated:" + ",".join(sorted(fields)))
        for name, declared in index.keyword_fields.items():
            kind, digest = entries.get(name, ("class", ""))
            entries[name] = (kind, f"{digest}keywords:" + ",".join(sorted(declared)))
        for name, keywords in index.filled.items():
            kind, digest = entries.get(name, ("class", ""))
            entries[name] = (kind, f"{digest}filled:" + ",".join(sorted(keywords)))
        for name, typed in index.patterned.items():
            kind, digest = entries.get(name, ("class", ""))
            patterned = ",".join(f"{f}={t}" for f, t in sorted(typed.items()))
            entries[name] = (kind, f"{digest}patterned:{patterned}")
        for name, arguments in index.routes.items():
            kind, digest = entries.get(name, ("function", ""))
            routed = ";".join(f"{a}={','.join(k)}" for a, k in sorted(arguments.items()))
            entries[name] = (kind, f"{digest}routes:{routed}")
        for name in index.request_helpers:  # its request-first parameters are a helper's
            kind, digest = entries.get(name, ("function", ""))
            entries[name] = (kind, f"{digest}request-helper")
        for name in index.safe_xml_modules:  # its importers parse with a safe lxml default
            kind, digest = entries.get(name, ("module", ""))
            entries[name] = (kind, f"{digest}safe-xml")
        for name in index.safe_parsers:  # a parse given it is safe from external entities
            kind, digest = entries.get(name, ("object", ""))
            entries[name] = (kind, f"{digest}safe-parser")
        summarised = sorted(index.summaries)
        for name, ancestors in index.ancestors.items():  # its inherited methods are its own
            inherited = [
                f"{method}={entries[method][1]}"
                for base in ancestors
                for method in summarised[
                    bisect_left(summarised, f"{base}.") : bisect_left(summarised, f"{base}/")
                ]
            ]
            kind, digest = entries.get(name, ("class", ""))
            entries[name] = (kind, f"{digest}inherits:{','.join(ancestors)}:{','.join(inherited)}")
        self._names = sorted(entries)
        self._entries = entries
        self._empty = not index.summaries
        # Fields are read through objects of any type, from any module: every module's key.
        self._fields = sorted(index.safe_parser_fields)
        self._by_prefix: dict[str, str] = {}

    def for_module(self, module: str, imports: Iterable[str]) -> str:
        """The digest of what `module`, importing `imports`, can consult in the index."""
        prefixes = sorted({module, *imports})
        under = [[prefix, self._under(prefix)] for prefix in prefixes]
        return digest(self._empty, self._fields, under)

    def _under(self, prefix: str) -> str:
        """The digest of the entries named `prefix` or `prefix.*` (kept: modules share imports)."""
        if prefix in self._by_prefix:
            return self._by_prefix[prefix]
        start = bisect_left(self._names, prefix)
        end = bisect_left(self._names, prefix + "/")  # '/' sorts right after '.'
        names = [
            name
            for name in self._names[start:end]
            if name == prefix or name.startswith(prefix + ".")
        ]
        found = digest([[name, *self._entries[name]] for name in names])
        self._by_prefix[prefix] = found
        return found
