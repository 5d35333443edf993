"""What the frames of one module share while it is analysed, and the hook back to the driver.

The results so far, module globals (as far as the module body has got), untrusted data functions
wrote into globals, the scopes nested functions closed over, the stack of functions being analysed
and the module's step count. Frames read and write this; of the interpreter they need only
`result_of` (a callee's analysis), a hook the interpreter overrides. So the frame's modules import
this one and never the interpreter, and the interpreter imports the frame: no import cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from secreview.analysis.models import Models
from secreview.analysis.taint.context import NETWORK_ORIGINS
from secreview.analysis.taint.module_index import ModuleIndex
from secreview.analysis.taint.results import FunctionNode, FunctionResult
from secreview.analysis.taint.summaries import ProjectIndex
from secreview.analysis.taint.values import Value, join
from secreview.index.context import ModuleContext

if TYPE_CHECKING:
    from secreview.analysis.taint.hooks import Lifecycle


class ModuleBody(Protocol):
    """The frame running the module body, as far as others read it: its environment so far."""

    env: dict[str, Value] | None


class ModuleState(ModuleIndex):
    """The mutable state of one module's analysis; `result_of` is the interpreter's to give."""

    def __init__(
        self,
        context: ModuleContext,
        models: Models,
        project: ProjectIndex | None = None,
        module_name: str | None = None,
    ) -> None:
        super().__init__(context, models, project, module_name)
        self.results: dict[int, FunctionResult] = {}
        """Each function analysed so far (by node id); what the analysis of the module gives."""
        self.notes: list[str] = []
        self.in_progress: list[int] = []
        """The functions being analysed, innermost last (recursion stops here)."""
        self.closures: dict[int, Mapping[str, Value]] = {}
        self.globals: dict[str, Value] = {}
        self.module_ticks = 0
        self.global_writes: dict[str, Value] = {}
        self.field_writes: dict[tuple[str, str], Value] = {}
        """(type, attribute) -> untrusted data functions stored on a request object's own
        attribute (`request.country = path`), which other functions read there (`write_field`)."""
        self.module_frame: ModuleBody | None = None
        self.globals_changed = False
        self.class_attributes: dict[str, dict[str, Value]] = {}
        """Class name -> the classes and instances its body binds (`session_class = Session`)."""
        self.held: dict[tuple[str, str], Value] = {}
        """(class, attribute) -> the classes or instance the attribute holds (see
        `ObjectRules.held_by`), kept once the constructor's analysis is known."""
        self.lifecycles: dict[str, Lifecycle] = {}
        """Class name -> the framework hooks run on it before a handler (see `hooks.py`)."""
        self.network_input = False
        """Whether the analysis met a way in for data from the network: request data read, a
        request object, a route, view or entry point bound, or a reply, socket read, archive
        member or model's answer made (a client, crawler or installer is attacked by its
        server as a server is by its clients). The words of a module only hint at one
        (`InputClues`); where they hint wrongly (a `request` in a docstring, a graph's
        `EdgeView`), the cross-module pass has no flow to follow from it (`reads_remote_input`)."""

    def met_input(self, origin: str) -> None:
        """Note input of `origin` created at a source (see `network_input`)."""
        if origin in NETWORK_ORIGINS:
            self.network_input = True

    def met_object(self, kind: str | None) -> None:
        """Note an object of type `kind` made: a request's attributes are the client's data."""
        sources = self.models.typed_sources.get(kind or "", {})
        if any(source.origin == "remote" for source in sources.values()):
            self.network_input = True

    def result_of(self, node: FunctionNode) -> FunctionResult | None:
        """The analysis of `node`, None while it is being analysed; the interpreter gives it."""
        raise NotImplementedError

    def write_global(self, name: str, value: Value) -> None:
        """Record untrusted data a function stores in a module global (`global x; x = ...`)."""
        real = value.mapped(lambda f: f if f.parameter is None else None)
        if not real.all_flows():
            return
        before = self.global_writes.get(name)
        merged = join(before, Value(flows=real.all_flows()))
        if before is None or merged.flows != before.flows:
            self.global_writes[name] = merged
            self.globals_changed = True

    def write_field(self, kind: str, attribute: str, value: Value) -> None:
        """Record untrusted data a function stores on an attribute of an object of type `kind`
        made for one client's request (a request: its remote sources), an attribute no model
        gives. A framework hands the same object to the code it runs next for that request
        (Twisted's `getChild` then `render`, a middleware then the view), which reads it there;
        the module is analysed once more when it changes, as for a global."""
        sources = self.models.typed_sources.get(kind, {})
        if not any(source.origin == "remote" for source in sources.values()):
            return
        real = value.mapped(lambda f: f if f.parameter is None else None)
        if not real.all_flows():
            return
        before = self.field_writes.get((kind, attribute))
        merged = join(before, Value(flows=real.all_flows()))
        if before is None or merged.flows != before.flows:
            self.field_writes[(kind, attribute)] = merged
            self.globals_changed = True

    def field_written(self, kind: str, attribute: str, read: Value) -> Value:
        """`read`, an attribute of an object of type `kind` no model gives, joined with the
        untrusted data the module stores there (`write_field`)."""
        return join(read, self.field_writes.get((kind, attribute)))

    def module_scope(self) -> Mapping[str, Value]:
        """Module globals: final once the body has run, else as far as the body has got (a
        function called from the module body sees the globals defined before the call)."""
        if self.globals or self.module_frame is None:
            return self.globals
        return self.module_frame.env or {}
