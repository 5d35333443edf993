"""The configuration of a review: never the one the change under review edits.

A change could otherwise switch its own review off (`exclude = ["*"]` in the pyproject.toml it
edits). So the configuration is the `pyproject.toml` of the revision the change is compared with,
and so is what it points at: a change adding its findings' fingerprints to the baseline file, or
a taint model calling `eval` harmless, would otherwise hide what it introduces. Those files are
copied from the base revision into a scratch folder that lives as long as the review.
"""

from __future__ import annotations

import os
from pathlib import Path

from secreview.config import (
    PYPROJECT,
    ConfigError,
    FileSettings,
    load_file,
    load_settings,
    pyproject_in,
    settings_from_pyproject_text,
)
from secreview.sources.git import repository as git

_MAX_BYTES = 64 * 1024 * 1024
"""A baseline or model file larger than this at the base revision is refused."""
_MAX_CONFIG_BYTES = 1024 * 1024
"""A pyproject.toml read from a revision larger than this is refused, not parsed."""


def _in_repository(repository: git.Repository, configured: str) -> str | None:
    """The path `configured` (absolute, as settings hold it) relative to the repository root,
    None when it lies outside (then it is not the change's to alter)."""
    relative = os.path.relpath(os.path.normpath(configured), repository.root)
    if relative == os.curdir or relative.split(os.sep)[0] == os.pardir:
        return None
    return relative.replace(os.sep, "/")


def _content(
    repository: git.Repository, object_id: str, where: str, limit: int = _MAX_BYTES
) -> bytes:
    data = repository.read_blobs([object_id], limit)[object_id]
    if isinstance(data, int):
        raise ConfigError(f"{where} is {data:,} bytes, too large")
    return data


def _settings_at_base(
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
    return settings._replace(baseline=baseline, models=tuple(models))


def review_settings(
    repository: git.Repository | None,
    governing: git.Revision | None,
    config_path: Path | None,
    folder: Path,
    scratch: Path,
) -> tuple[FileSettings, str]:
    """The settings of a review and where they come from ('none' when nowhere): `--config`
    when given; else the pyproject.toml at `governing` (the base revision) with its files from
    there too (copied into `scratch`); a bare diff outside git takes `folder`'s own
    pyproject.toml. ConfigError when the configuration is invalid."""
    if config_path is not None:
        return load_settings(config_path, folder), str(config_path)
    if repository is None:
        found = pyproject_in(folder)
        return (load_file(found), str(found)) if found else (FileSettings(), "none")
    if governing is None or governing == repository.empty_tree:
        return FileSettings(), "none"
    blob = repository.blob_id_at(governing, PYPROJECT)
    if blob is None:
        return FileSettings(), "none"
    where = f"{PYPROJECT} at {governing.describe()}"
    data = _content(repository, blob, where, _MAX_CONFIG_BYTES)
    settings = settings_from_pyproject_text(data, repository.root / PYPROJECT)
    if settings is None:
        return FileSettings(), "none"
    return _settings_at_base(repository, governing, settings, scratch, where), where
