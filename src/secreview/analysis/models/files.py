"""A user's model files (`--models DIR`), read as untrusted side files: bounded, in name order."""

from __future__ import annotations

import os
from pathlib import Path

from secreview.analysis.models.schema import ModelError
from secreview.sources.sidefiles import MIB, SideFileError, read_side_text, shown

MODEL_MAX_BYTES = 1 * MIB
"""The largest built-in model file is 20 KB; a user's model file over this is refused unread."""


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
