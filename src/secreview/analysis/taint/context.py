"""What the taint engine is handed for one module, and the context every rule sees.

The scanner knows things a single module cannot: the user's model directories, the summaries of
the project's other modules, the module's dotted name, which trust kinds to report. It passes
them as a `TaintSetup`, in the `AnalysisContext` it builds for the module; the first rule that
asks for the taint result computes it from there, and the others read the same result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from secreview.analysis.models import Models, default_models
from secreview.analysis.taint.results import SinkEvent
from secreview.analysis.taint.summaries import ProjectIndex
from secreview.index.context import ModuleContext

NETWORK_ORIGINS = frozenset({"remote", "socket", "archive", "model"})
"""Trust kinds of data an attacker on the network sends: requests, socket reads and HTTP responses,
the members of archives (whoever made the archive chose their names) and what a language model
wrote (whoever wrote its prompt, or a page it read, steers it)."""
THREAT_MODELS: Mapping[str, frozenset[str]] = {
    "web": NETWORK_ORIGINS,
    "library": NETWORK_ORIGINS,
    "all": NETWORK_ORIGINS | {"local", "env"},
}
"""Threat model -> the trust kinds it reports. `web` (the default, as CodeQL's) trusts the
operator: their command line, standard input and environment choose what the program does.
`library` also treats the parameters of a package's public functions as attacker-controlled
(`TaintSetup.public_parameters`); `all` also reports the operator's own input."""
DEFAULT_THREAT_MODEL = "web"
REPORTED_ORIGINS = THREAT_MODELS[DEFAULT_THREAT_MODEL]
"""Trust kinds reported by default; `local` and `env` are tracked but not reported."""
OPERATOR_ORIGINS = frozenset({"local"})
"""The operator's own input (command line, standard input): analysed even where no threat model
reports it, so that a rule can rate a call only it reaches low instead of "untraced"."""
TRUSTED_INPUT_ORIGINS = OPERATOR_ORIGINS | {"env"}
"""The operator's own input and the environment: input the default threat model trusts, so a
call they reach is not proven harmless (`untrusted_input_reaches` cannot say)."""
LIBRARY_ORIGIN = "library"
"""The origin of a public function's parameter under the `library` threat model."""


@dataclass(frozen=True, slots=True)
class TaintSetup:
    """The engine's inputs from outside the module.

    Dedicated origins (a password, a predictable random number; see `secreview.analysis.models`)
    are no trust kinds: a sink whose model names them reports them whatever `reported` says, and
    no other sink ever does, so a random number reaching `os.system` is not command injection.
    """

    models: Models = field(default_factory=default_models)
    """The built-in models, plus the user's model directories (`load_models([dir])`)."""
    project: ProjectIndex | None = None
    """Summaries of the project's functions (`build_project_index`), for calls across modules."""
    module_name: str | None = None
    """The module's dotted name in its project, to resolve its relative imports."""
    reported: frozenset[str] = REPORTED_ORIGINS
    """The trust kinds to report (add `env` to report environment variables too)."""
    public_parameters: bool = False
    """Whether a sink reached by a parameter of a public function is reported (origin
    `LIBRARY_ORIGIN`): the `library` threat model, where callers are not known."""

    @classmethod
    def for_threat_model(cls, threat_model: str, **inputs: object) -> TaintSetup:
        """The setup reporting what `threat_model` (a key of `THREAT_MODELS`) counts as attacker
        data; `inputs` are the other fields."""
        return cls(
            reported=THREAT_MODELS[threat_model],
            public_parameters=threat_model == "library",
            **inputs,  # type: ignore[arg-type]
        )


class ModuleTaint(NamedTuple):
    """Every sink reached by untrusted data in one module, and notes on functions given up."""

    events: tuple[SinkEvent, ...]
    notes: tuple[str, ...]
    sinks: Mapping[int, frozenset[str]]
    """Every sink call the analysis evaluated (node id) -> origins of the flows that reached it."""
    reported: frozenset[str] = REPORTED_ORIGINS
    network_input: bool = True
    """Whether the analysis met a way in for a client's data (`ModuleState.network_input`)."""


@dataclass
class AnalysisContext(ModuleContext):
    """A module as the rules see it: its `ModuleContext`, the taint engine's inputs, and the
    taint result once the first rule asked for it (`secreview.analysis.taint.taint_events`)."""

    taint_setup: TaintSetup = field(default_factory=TaintSetup, repr=False)
    taint: ModuleTaint | None = field(default=None, repr=False)
    project_pickle_files: frozenset[str] = field(default=frozenset(), repr=False)
    """Keys of the files any module of the scanned project writes with pickle (see
    `rules._support.pickle_files`): a program's own artefacts, wherever they are read."""
    project_debug_helpers: tuple[str, ...] = field(default=(), repr=False)
    """`module.function index name` for each parameter a function of the scanned project shows
    only under a debug flag (see `rules._support.debug_helpers`)."""
    project_logs_json: bool = field(default=False, repr=False)
    """Whether the scanned project's logging renders JSON by default (see
    `secreview.project_log_format`): no logged value can forge an entry."""
    project_quiet_helpers: tuple[str, ...] = field(default=(), repr=False)
    """`module.function index name` for each parameter a function of the scanned project keeps
    on the server: it only tests or logs it (see `rules._support.quiet_helpers`)."""
