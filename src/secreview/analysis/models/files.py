"""The model files: the built-in ones (parsed ahead of time) and a user's (`--models DIR`), read
as untrusted side files: bounded, in name order."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from secreview.analysis.models.schema import ModelError
from secreview.package_files import package_folder
from secreview.sources.sidefiles import MIB, SideFileError, parse_toml, read_side_text, shown

MODEL_MAX_BYTES = 1 * MIB
"""The largest built-in model file is 20 KB; a user's model file over this is refused unread."""
PARSED_BUILTINS = "parsed.json"
"""The built-in model files as parsed data, written by `scripts/generate_parsed_models.py`:
parsing their TOML costs ~25 ms of every run's start, reading the same data as JSON ~2 ms."""

Document = tuple[str, dict[str, object]]
"""(where it was read, the parsed TOML document)."""


def builtin_model_documents() -> list[Document]:
    """Every built-in `*.toml` model file of this package, parsed, in name order.

    From `PARSED_BUILTINS` when it was generated from exactly these files (their digest), else
    parsed now: an edited model file is never shadowed by a stale copy, only slower to load.
    """
    package = package_folder("secreview.analysis.models")
    texts = [
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in sorted(package.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".toml")
    ]
    try:
        stored = json.loads(package.joinpath(PARSED_BUILTINS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stored = None
    if isinstance(stored, dict) and stored.get("digest") == model_texts_digest(texts):
        return [(where, document) for where, document in stored["documents"]]
    return [(where, parsed_model_file(text, where)) for where, text in texts]


def model_texts_digest(texts: list[tuple[str, str]]) -> str:
    """The digest of (name, text) model files: what `PARSED_BUILTINS` was generated from."""
    digest = hashlib.sha256()
    for name, text in texts:
        digest.update(f"{name}\0{text}\0".encode())
    return digest.hexdigest()


def parsed_model_file(text: str, where: str) -> dict[str, object]:
    """The TOML document of one model file, else ModelError naming it."""
    try:
        return parse_toml(text, path=where, what="model file")
    except SideFileError as error:
        raise ModelError(f"{error}; fix or remove it") from None


def user_model_files(folder: Path) -> list[tuple[str, str]]:
    """(shown path, text) of every `*.toml` file in `folder`, in name order, else ModelError."""
    try:
        with os.scandir(folder) as entries:
            names = sorted(entry.name for entry in entries if entry.name.endswith(".toml"))
    except NotADirectoryError:
        raise ModelError(f"{shown(folder)}: the models folder is not a folder") from None
    except FileNotFoundError:
        raise ModelError(f"{shown(folder)}: the models folder does not exist") from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise ModelError(f"{shown(folder)}: the models folder cannot be read ({reason})") from None
    try:
        return [
            (
                shown(folder / name),
                read_side_text(folder / name, what="model file", max_bytes=MODEL_MAX_BYTES),
            )
            for name in names
        ]
    except SideFileError as error:
        raise ModelError(str(error)) from None
