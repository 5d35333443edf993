"""The model-inference role: ask which unknown APIs are sources, sinks or sanitisers (as IRIS
does), and keep only what holds up, as TOML models in secreview's own format.

The calls whose callee no model knows (third-party and project functions) are collected from
the parsed code (never run), most called first; the model is shown each with one example call,
answers `samples` times, and a suggestion is kept when enough samples agree on the same role and
kind. A suggestion naming a function the code does not call, a sink kind the engine does not
have, or an unknown origin is dropped and counted, as review claims are.
"""

from __future__ import annotations

import builtins
import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from secreview.analysis.models import Models
from secreview.index.context import ModuleContext
from secreview.llm.grounding import answer_object
from secreview.llm.prompts import SYSTEM, fenced
from secreview.masking import mask_code
from secreview.parse import parse_module
from secreview.text import source_lines

if TYPE_CHECKING:
    from secreview.llm.client import ChatClient

ORIGINS = ("remote", "local", "env")
ROLES = ("source", "sink", "sanitizer")
MAX_CALLEES = 60
"""Callees asked about per run (the most called): one prompt a local model can read."""
_BUILTINS = frozenset(dir(builtins))


@dataclass(frozen=True, slots=True)
class Callee:
    """A called function no model knows: its resolved name, how often, and one example call."""

    name: str
    calls: int
    example: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A model the samples agree on: a source (origin), a sink (kind, args) or a sanitiser."""

    name: str
    role: str
    kind: str = ""
    """Sink kind; origin of a source; protected kinds (comma-joined) of a sanitiser."""
    args: tuple[int, ...] = ()
    reason: str = ""
    votes: int = 0
    answered: int = 0


@dataclass(slots=True)
class InferenceTally:
    """Suggestions dropped, by reason, and kept."""

    rejected: Counter[str] = field(default_factory=Counter)
    kept: int = 0


def _known(name: str, models: Models) -> bool:
    method = "*." + name.rsplit(".", 1)[-1]
    return (
        name in models.sinks
        or name in models.sanitizers
        or name in models.source_calls
        or name in models.returns
        or method in models.sinks
        or method in models.sanitizers
    )


def unknown_callees(
    files: Sequence[tuple[str, str, str]], models: Models, limit: int = MAX_CALLEES
) -> list[Callee]:
    """The most called functions of `files` ((path, text, module name) triples) that no model
    knows; a function of the module itself is named `module.function`, as models name it."""
    counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for path, text, module in files:
        tree = parse_module(text, path).tree
        if tree is None:
            continue
        context = ModuleContext(path, text, tree)
        lines = source_lines(text)
        for node in context.nodes:
            if not hasattr(node, "func"):
                continue
            name = context.call_name(node)  # type: ignore[arg-type]
            if name and "." not in name and module and name in context.module_bindings:
                name = f"{module}.{name}"
            if not name or name in _BUILTINS or _known(name, models):
                continue
            counts[name] += 1
            if name not in examples and 0 < node.lineno <= len(lines):  # type: ignore[attr-defined]
                line = lines[node.lineno - 1].strip()  # type: ignore[attr-defined]
                examples[name] = f"{path}:{node.lineno}: {mask_code(line).text}"  # type: ignore[attr-defined]
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [Callee(name, count, examples.get(name, "")) for name, count in ranked]


def inference_messages(
    callees: Sequence[Callee], sink_kinds: Sequence[str]
) -> list[dict[str, str]]:
    """The chat messages asking which of `callees` are sources, sinks or sanitisers."""
    listing = "\n".join(f"- {c.name} ({c.calls} calls), e.g. {c.example}" for c in callees)
    question = (
        "For a taint analysis of Python code, say which of the functions below are sources of "
        f"untrusted data (origin: {', '.join(ORIGINS)}), sinks where untrusted data is "
        f"dangerous (kind: one of {', '.join(sink_kinds)}; args: the dangerous argument "
        "positions from 0), or sanitisers (protects: the sink kinds whose danger its result "
        "removes). Leave out functions that are none of these. Answer format: "
        '{"models": [{"name": "<the name exactly as listed>", "role": "source|sink|sanitizer", '
        '"origin": "remote", "kind": "sql", "args": [0], "protects": ["sql"], "reason": "<why>"}]}'
    )
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": question + "\n\n" + fenced("The functions", listing)},
    ]


def _ground(raw: object, names: frozenset[str], kinds: frozenset[str]) -> Suggestion | str:
    """The suggestion `raw` checked, or why it is dropped."""
    if not isinstance(raw, dict) or raw.get("role") not in ROLES:
        return "malformed-suggestion"
    name = raw.get("name")
    if not isinstance(name, str) or name not in names:
        return "no-such-function"
    reason = " ".join(str(raw.get("reason", "")).split())[:300]
    role = str(raw["role"])
    if role == "source":
        origin = raw.get("origin")
        if origin not in ORIGINS:
            return "unknown-origin"
        return Suggestion(name, role, str(origin), reason=reason)
    if role == "sink":
        args = raw.get("args", [0])
        if raw.get("kind") not in kinds:
            return "unknown-kind"
        if not isinstance(args, list) or not all(isinstance(a, int) and 0 <= a < 20 for a in args):
            return "malformed-suggestion"
        return Suggestion(name, role, str(raw["kind"]), tuple(sorted(set(args))) or (0,), reason)
    protects = raw.get("protects")
    if not isinstance(protects, list) or not protects or not set(protects) <= kinds | {"*"}:
        return "unknown-kind"
    return Suggestion(name, role, ",".join(sorted(set(protects))), reason=reason)


def agreed_suggestions(
    answers: Sequence[str | None],
    callees: Sequence[Callee],
    sink_kinds: Sequence[str],
    needed: int,
    tally: InferenceTally,
) -> list[Suggestion]:
    """The suggestions at least `needed` answered samples make alike (name, role, kind)."""
    names = frozenset(c.name for c in callees)
    kinds = frozenset(sink_kinds)
    votes: dict[tuple[str, str, str], list[Suggestion]] = {}
    answered = 0
    for answer in answers:
        parsed = answer_object(answer, "models") if answer is not None else None
        if parsed is None or not isinstance(parsed["models"], list):
            if answer is not None:
                tally.rejected["invalid-answer"] += 1
            continue
        answered += 1
        seen: set[tuple[str, str, str]] = set()
        for raw in parsed["models"]:
            checked = _ground(raw, names, kinds)
            if isinstance(checked, str):
                tally.rejected[checked] += 1
                continue
            key = (checked.name, checked.role, checked.kind)
            if key not in seen:
                seen.add(key)
                votes.setdefault(key, []).append(checked)
    kept = [
        dataclasses.replace(group[0], votes=len(group), answered=answered)
        for _key, group in sorted(votes.items())
        if len(group) >= needed
    ]
    tally.kept += len(kept)
    return kept


@dataclass(frozen=True, slots=True)
class Inference:
    """What the model-inference role of one run did: asked about, kept, dropped (by reason)."""

    asked: int
    suggestions: tuple[Suggestion, ...]
    rejected: tuple[tuple[str, int], ...]

    def as_dict(self) -> dict[str, object]:
        """The JSON object `llm.inference`."""
        return {
            "asked": self.asked,
            "models": [
                {
                    "name": s.name,
                    "role": s.role,
                    "kind": s.kind,
                    "agreement": round(s.votes / s.answered, 3) if s.answered else None,
                }
                for s in self.suggestions
            ],
            "rejected": dict(self.rejected),
        }


def sink_kinds(models: Models) -> list[str]:
    """The sink kinds a suggestion may name: those of the general sinks (no dedicated origin)."""
    return sorted({s.kind for group in models.sinks.values() for s in group if not s.origins})


def infer_models(
    callees: Sequence[Callee], models: Models, client: ChatClient, needed: int
) -> Inference:
    """Ask about `callees` (`unknown_callees`) `samples` times and keep the suggestions `needed`
    samples agree on; nothing is asked when there are none."""
    if not callees:
        return Inference(0, (), ())
    kinds = sink_kinds(models)
    messages = inference_messages(callees, kinds)
    answers = client.map(
        lambda sample: a.text if (a := client.ask(messages, sample)) else None,
        range(client.settings.samples),
    )
    tally = InferenceTally()
    kept = agreed_suggestions(answers, callees, kinds, needed, tally)
    return Inference(len(callees), tuple(kept), tuple(sorted(tally.rejected.items())))
