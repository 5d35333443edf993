"""One function's interpretation: the frame state with the transfer rules of every concern.

A `Frame` keeps the environment (name -> Value) at the current program point and walks the
function's statements in order; see `interpreter.py` for how frames are driven. Its rules are
split by concern, one mixin a module, the way CodeQL's data-flow library is split, so that each
can be read alone:

- `frame_state.py`: the environment, name lookup, labels and the step budget;
- `parameters.py`: parameters bound before the body runs (symbolic flows, view arguments);
- `hooks.py`: a handler method's `self`, holding what the framework's hooks stored on it;
- `statements.py`: statements and control flow (branches, loops, try, match);
- `expressions.py`: operators, names, attributes, subscripts, f-strings, comprehensions;
- `properties.py`: attribute reads that run a property's getter (a base of the expressions);
- `containers.py`: assignment targets and container literals, parts kept by constant key;
- `guards.py`: conditions that make a variable safe on one branch;
- `calls.py`: calls to this module's functions and classes, and to project summaries;
- `objects.py`: classes, instances and partial functions called, constructors, what an object's
  attributes hold;
- `callbacks.py`: functions handed to library APIs that call them (threads, executors, `map`,
  task queues);
- `guessed_sinks.py`: calls to project functions outside the scan, sinks by their names;
- `guessed_sanitizers.py`: such functions named for making identifiers, path-safe by their names;
- `library.py`: calls into libraries, answered by the models and builtin method semantics;
- `escapers.py`: a project's own escapers, read from what they do to each character;
- `sinks.py`: sink checks that turn flows into `SinkEvent`s;
- `checked_reads.py`: reads a guard checked, answered again where the same spelling is read.

The mixins share the frame's attributes and call each other through `self`; method lookup on the
composed class costs what it did on one class (CPython caches it per type).
"""

from __future__ import annotations

from secreview.analysis.taint.calls import CallRules
from secreview.analysis.taint.checked_reads import CheckedReadRules
from secreview.analysis.taint.containers import ContainerRules
from secreview.analysis.taint.escapers import EscaperRules
from secreview.analysis.taint.expressions import ExpressionRules
from secreview.analysis.taint.frame_state import FrameState
from secreview.analysis.taint.guards import GuardRules
from secreview.analysis.taint.guessed_sanitizers import GuessedSanitizerRules
from secreview.analysis.taint.guessed_sinks import GuessRules
from secreview.analysis.taint.guessed_sources import GuessedSourceRules
from secreview.analysis.taint.library import LibraryRules
from secreview.analysis.taint.parameters import ParameterRules
from secreview.analysis.taint.sinks import SinkRules
from secreview.analysis.taint.statements import StatementRules


class Frame(
    ParameterRules,
    StatementRules,
    ExpressionRules,
    ContainerRules,
    GuardRules,
    CallRules,
    GuessRules,
    GuessedSanitizerRules,
    GuessedSourceRules,
    LibraryRules,
    EscaperRules,
    SinkRules,
    CheckedReadRules,
    FrameState,
):
    """The interpreter for one function (or the module body, or a lambda's body)."""
