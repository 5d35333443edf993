"""The files a base revision's configuration names (baseline, model folders), as that revision
holds them.

A change must not configure its own review. The configuration is read at the base revision, and
so must be what it points at: a change adding its findings' fingerprints to the baseline file, or
a taint model calling `eval` harmless, would otherwise hide what it introduces. Those files are
copied from the base revision into a scratch folder that lives as long as the review.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from secreview.config_file import ConfigError, FileSettings
from secreview.sources import git

_MAX_BYTES = 64 * 1024 * 1024


def _in_repository(repository: git.Repository, configured: str) -> str | None:
    """The path `configured` (absolute, as settings hold it) relative to the repository root,
    None when it lies outside (then it is not the change's to alter)."""
    relative = os.path.relpath(os.path.normpath(configured), repository.root)
    if relative == os.curdir or relative.split(os.sep)[0] == os.pardir:
        return None
    return relative.replace(os.sep, "/")


def _content(repository: git.Repository, object_id: str, where: str) -> bytes:
    data = repository.read_blobs([object_id], _MAX_BYTES)[object_id]
    if isinstance(data, int):
        raise ConfigError(f"{where} is {data:,} bytes, too large")
    return data


def settings_at_base(
    repository: git.Repository,
    base: git.Revision,
    settings: FileSettings,
    scratch: Path,
    where: str,
) -> FileSettings:
    """`settings` with the baseline and model folders inside the repository replaced by copies
    of their versions at `base`; ConfigError when `base` does not hold one."""
    baseline = settings.baseline
    if baseline and (relative := _in_repository(repository, baseline)) is not None:
        object_id = repository.blob_id_at(base, relative)
        if object_id is None:
            raise ConfigError(f"{where} names the baseline {relative}, which is not in it")
        baseline = str(scratch / "baseline.json")
        Path(baseline).write_bytes(_content(repository, object_id, relative))
    models: list[str] = []
    for number, folder in enumerate(settings.models):
        relative = _in_repository(repository, folder)
        if relative is None:
            models.append(folder)
            continue
        files = repository.blobs_in(base, relative)
        if files is None:
            raise ConfigError(f"{where} names the model folder {relative}, which is not in it")
        copy = scratch / f"models-{number}"
        copy.mkdir()
        for name, object_id in files.items():
            if name.endswith(".toml") and "/" not in name:
                (copy / name).write_bytes(_content(repository, object_id, f"{relative}/{name}"))
        models.append(str(copy))
    return dataclasses.replace(settings, baseline=baseline, models=tuple(models))
