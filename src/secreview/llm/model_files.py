"""Write inferred models as a TOML model file a person reviews and commits (`--models DIR`).

The file is in the format of the built-in models (`[[source]]`, `[[sink]]`, `[[sanitizer]]`),
each entry headed by a comment with the model's reason and how many samples agreed; it is loaded
back with the engine's own loader before it is written, so what is written always loads.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from pathlib import Path

from secreview.analysis.models import load_models
from secreview.llm.inference import Suggestion
from secreview.masking import mask_prose

SUGGESTED_FILE = "llm-suggested.toml"
_SPELLED = {"source": "untrusted data, a source", "sink": "sink", "sanitizer": "sanitiser"}


def _string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def _strings(items: Sequence[str]) -> str:
    return "[" + ", ".join(_string(item) for item in items) + "]"


def _entry(suggestion: Suggestion) -> list[str]:
    agreed = f"{suggestion.votes} of {suggestion.answered} samples agree"
    reason = mask_prose(suggestion.reason).replace("\n", " ")
    lines = [f"# {agreed}: {reason}" if reason else f"# {agreed}"]
    # The note is what a finding that depends on this model says in its evidence.
    note = _string(f"{_SPELLED[suggestion.role]} modelled by the LLM: {suggestion.name}")
    if suggestion.role == "source":
        lines += ["[[source]]", f"origin = {_string(suggestion.kind)}"]
        lines += [f"note = {note}", f"calls = {_strings([suggestion.name])}"]
    elif suggestion.role == "sink":
        lines += ["[[sink]]", f"kind = {_string(suggestion.kind)}"]
        lines += [f"calls = {_strings([suggestion.name])}"]
        lines += [f"args = [{', '.join(str(a) for a in suggestion.args)}]", f"note = {note}"]
    else:
        lines += ["[[sanitizer]]", f"calls = {_strings([suggestion.name])}"]
        lines += [f"protects = {_strings(suggestion.kind.split(','))}", f"note = {note}"]
    return [*lines, ""]


def render_model_file(suggestions: Sequence[Suggestion], model: str) -> str:
    """The TOML text of `suggestions`, with a header saying where they came from."""
    lines = [
        f"# Models suggested by `secreview models suggest` (LLM: {model or 'unnamed'}).",
        "# Review every entry before committing this file; load it with --models DIR.",
        "",
    ]
    for suggestion in suggestions:
        lines.extend(_entry(suggestion))
    return "\n".join(lines)


def write_model_file(folder: Path, suggestions: Sequence[Suggestion], model: str) -> Path:
    """Write the suggestions to `folder`/llm-suggested.toml, once they load as models."""
    text = render_model_file(suggestions, model)
    with tempfile.TemporaryDirectory(prefix="secreview-models-") as scratch:
        (Path(scratch) / SUGGESTED_FILE).write_text(text, encoding="utf-8")
        load_models([Path(scratch)])  # a ModelError here is our defect, never the user's file
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / SUGGESTED_FILE
    target.write_text(text, encoding="utf-8")
    return target
