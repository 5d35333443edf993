"""CWE-502: loading data with formats that rebuild arbitrary Python objects.

Three rules, so each can be tuned on its own: `unsafe-deserialization` (pickle and the formats built
on it, marshal, jsonpickle), `unsafe-yaml-load` (PyYAML loaders that construct Python objects) and
`unsafe-torch-load` (`torch.load` unpickling whole objects, whose default changed in PyTorch 2.6).
Data written in the source is never reported; data read from a file at a fixed path, or from a file
the same module or another module of the project writes with pickle (`pickle_files`,
`secreview.project_pickles`), is reported with low confidence, since such files are usually the
application's own artefacts but often live in writable caches. Bytes the program made itself
(`pickle.loads(pickle.dumps(obj))`, a round-trip copy, or what a task runner hands a callback from a
worker that returns `pickle.dumps(obj)`) are not reported: they can only rebuild objects the process
already held; nor is a load that runs only once an HMAC of its data was compared in constant
time (`verified_data`: signed data, the fix this rule advises). Untrusted input proven to reach the
call raises the confidence to high (`data_origin`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from enum import Enum

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support import pickle_files
from secreview.analysis.rules._support.built_strings import is_fixed
from secreview.analysis.rules._support.data_origin import DataOrigin, Trust, data_origin
from secreview.analysis.rules._support.import_loaders import implements_import_loader
from secreview.analysis.rules._support.library_calls import library_call_name
from secreview.analysis.rules._support.local_bindings import single_value
from secreview.analysis.rules._support.opt_in_flags import runs_only_when_opted_in
from secreview.analysis.rules._support.quoting import code
from secreview.analysis.rules._support.verified_data import runs_after_digest_check
from secreview.analysis.rules._support.yaml_loaders import YamlLoader, loader_kind
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext


class _Source(Enum):
    """Where the bytes being deserialised come from, as far as one function shows."""

    IN_SOURCE = "written in the source"
    FIXED_PATH = "a file at a fixed path"
    OWN_PICKLE = "a file this module itself writes with pickle"
    PROJECT_PICKLE = "a file another module of this project writes with pickle"
    RUN_TIME = "chosen at run time"


# Deserialisers that run code chosen by the data: name -> (position and keyword of the data
# argument, whether that argument names a file (a path or an open file) rather than the bytes).
_PICKLE_LIKE: dict[str, tuple[int, str, bool]] = {
    **{
        f"{module}.{function}": (0, "file" if function == "load" else "data", function == "load")
        for module in ("pickle", "cPickle", "_pickle", "dill", "cloudpickle")
        for function in ("load", "loads")
    },
    **{f"{m}.Unpickler": (0, "file", True) for m in ("pickle", "cPickle", "_pickle", "dill")},
    "joblib.load": (0, "filename", True),
    "sklearn.externals.joblib.load": (0, "filename", True),
    "shelve.open": (0, "filename", True),
    "shelve.DbfilenameShelf": (0, "filename", True),
    "pandas.read_pickle": (0, "filepath_or_buffer", True),
    "jsonpickle.decode": (0, "string", False),
    "jsonpickle.unpickler.decode": (0, "string", False),
}
_MARSHAL = {"marshal.load": (0, "file", True), "marshal.loads": (0, "bytes", False)}
_MODULES = tuple(sorted({name.split(".")[0] for name in (*_PICKLE_LIKE, *_MARSHAL)} | {"numpy"}))
_IN_MEMORY = frozenset({"io.BytesIO", "io.StringIO"})
_PATH_TYPES = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath"})

_YAML_FUNCTIONS = frozenset(
    {"yaml.load", "yaml.load_all", "ruamel.yaml.load", "ruamel.yaml.load_all"}
)
_YAML_UNSAFE_FUNCTIONS = frozenset({"yaml.unsafe_load", "yaml.unsafe_load_all"})
_YAML_FULL_FUNCTIONS = frozenset({"yaml.full_load", "yaml.full_load_all"})
_TORCH_LOADS = frozenset({"torch.load", "torch.serialization.load"})


def _source_of(context: ModuleContext, expr: ast.expr, is_file: bool, depth: int = 0) -> _Source:
    """Whether the data is in the source, read from a fixed path, or known only at run time.

    `is_file` says the argument names a file (a path or an open file) rather than the bytes.
    """
    value = single_value(context, expr)
    if is_fixed(context, value):
        return _Source.FIXED_PATH if is_file else _Source.IN_SOURCE
    if not isinstance(value, ast.Call) or depth > 3:
        return _Source.RUN_TIME
    name = context.call_name(value)
    if name in _IN_MEMORY:
        contents = ModuleContext.argument(value, 0, "initial_bytes")
        fixed = contents is None or is_fixed(context, contents)
        return _Source.IN_SOURCE if fixed else _Source.RUN_TIME
    if name in pickle_files.FILE_OPENERS:
        path = ModuleContext.argument(value, 0, "file")
        fixed = path is not None and is_fixed(context, path)
        return _Source.FIXED_PATH if fixed else _Source.RUN_TIME
    func = value.func
    if isinstance(func, ast.Attribute) and func.attr == "read":  # open("cache.pkl").read()
        return _source_of(context, func.value, True, depth + 1)
    if (  # Path("model.pkl").open("rb") / .read_bytes()
        isinstance(func, ast.Attribute)
        and func.attr in {"open", "read_bytes", "read_text"}
        and isinstance(func.value, ast.Call)
        and context.call_name(func.value) in _PATH_TYPES
        and all(is_fixed(context, a) for a in func.value.args)
    ):
        return _Source.FIXED_PATH
    return _Source.RUN_TIME


_ARTEFACTS = (_Source.FIXED_PATH, _Source.OWN_PICKLE, _Source.PROJECT_PICKLE)


def _confidence(source: _Source, origin: DataOrigin, usual: Confidence) -> Confidence:
    if origin.trust is Trust.UNTRUSTED:
        return origin.confidence(usual)
    return Confidence.LOW if source in _ARTEFACTS else usual


def _pickled_by_program(context: ModuleContext, data: ast.expr, is_file: bool) -> _Source:
    """Whether `data` is read from a file whose key (`pickle_files`) this module, or another
    module of the scanned project (`AnalysisContext.project_pickle_files`), pickles into."""
    here = pickle_files.pickled_file_keys(context)
    elsewhere = getattr(context, "project_pickle_files", frozenset())
    opened = pickle_files.opened_file_keys if is_file else pickle_files.read_file_keys
    keys = opened(context, data)
    if not keys or not (here or elsewhere):
        return _Source.RUN_TIME
    if keys & here:
        return _Source.OWN_PICKLE
    return _Source.PROJECT_PICKLE if keys & elsewhere else _Source.RUN_TIME


def _origin_words(source: _Source, origin: DataOrigin) -> str:
    """How the message says where the data comes from."""
    if origin.trust is Trust.UNTRUSTED:
        return f"{source.value}; {origin.phrase}"
    return source.value


@rule(
    id="unsafe-deserialization",
    needs_untrusted_input=True,
    name="Deserialisation that can run code chosen by the data",
    cwe=502,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="pickle (and dill, joblib, shelve, pandas.read_pickle, numpy allow_pickle), "
    "marshal or jsonpickle loads data that is not written in the source.",
    fix="Exchange data as JSON (`json.loads`) or another format that only builds plain values; "
    "if pickled data must cross a trust boundary, sign it (`hmac.compare_digest` on an HMAC of "
    "the bytes) and verify before unpickling.",
    what_it_does="Reports `pickle`/`cPickle`/`_pickle`/`dill`/`cloudpickle` `load`/`loads`/"
    "`Unpickler`, `joblib.load`, `shelve.open`, `pandas.read_pickle`, `numpy.load` with "
    "`allow_pickle=True`, `jsonpickle.decode` and `marshal.load(s)` when the data is not written "
    "in the source. A file at a fixed path, or one the same module or another module of the "
    "scanned project writes with pickle (the same folder name and file-name tail, as "
    "`cache_dir / f'{name}.pickle'`), gives low confidence: it is the program's own "
    "artefact, though whoever can write that folder can swap it. A module that implements an "
    "import loader unmarshalling the compiled module it imports is not reported for `marshal`, "
    "unless untrusted input reaches it. Bytes the program made "
    "itself are not reported: `pickle.loads(pickle.dumps(obj))`, and the parameter of a task "
    "runner's callback handed, in the same call, a worker of the program that returns only "
    "such bytes (`add_task(work, chunk, merge)` where `work` returns `pickle.dumps(env)`), and "
    "a load that runs only after an HMAC of the same data was checked with "
    "`hmac.compare_digest` (`if not compare_digest(mac, hmac.new(key, data, sha256).digest()): "
    "continue` before it, or the load inside `if compare_digest(...):`), nor one that runs "
    "only where the caller opted in with a run-time flag named for it (`if allow_pickle:`, "
    "`if not self.config['allow_pickle']: raise ...`), as `numpy.load` is only reported with "
    "`allow_pickle=True`.",
    why_bad="Unpickling calls whatever callables the data names: a 40-byte payload using "
    "`__reduce__` runs `os.system` during `pickle.loads`. No check after loading helps, the "
    "code already ran. jsonpickle decodes the same object graph from JSON. marshal cannot run "
    "code by itself but is documented as unsafe on crafted data (crashes, huge allocations).",
    example="import pickle\nsession = pickle.loads(request.cookies['session'])",
    use_instead="import json\nsession = json.loads(request.cookies['session'])",
    references=(
        "https://docs.python.org/3/library/pickle.html#restricting-globals",
        "https://docs.python.org/3/library/marshal.html",
        "https://docs.python.org/3/library/shelve.html",
        "https://numpy.org/doc/stable/reference/generated/numpy.load.html",
        "https://cwe.mitre.org/data/definitions/502.html",
    ),
    calls=frozenset({*_PICKLE_LIKE, *_MARSHAL, "numpy.load"}),  # the only calls it reports
)
def unsafe_deserialization(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report object-rebuilding deserialisers fed data that is not in the source."""
    assert isinstance(node, ast.Call)
    name = library_call_name(node, _MODULES, context)
    if name is None:
        return
    severity = None
    effect = "rebuilds objects by calling whatever callables the data names"
    outcome = "anyone who can write that data can run code in this process"
    if name in _PICKLE_LIKE:
        position, keyword, is_file = _PICKLE_LIKE[name]
    elif name in _MARSHAL:
        position, keyword, is_file = _MARSHAL[name]
        effect = "is documented as unsafe on crafted data"
        outcome = "a crafted payload can crash the interpreter or exhaust its memory"
        severity = Severity.MEDIUM
    elif name == "numpy.load" and _truthy(context, ModuleContext.argument(node, 2, "allow_pickle")):
        position, keyword, is_file = 0, "file", True
        effect = "unpickles object arrays (`allow_pickle=True`)"
    else:
        return
    data = ModuleContext.argument(node, position, keyword)
    if data is None:
        return
    source = _source_of(context, data, is_file)
    if source is _Source.IN_SOURCE:
        return
    origin = data_origin(context, node, data)
    if origin.trust is Trust.PROGRAM_MADE or runs_after_digest_check(context, node, data):
        return
    if name in _MARSHAL and origin.trust is Trust.UNTRACED and implements_import_loader(context):
        return  # an import loader unmarshals the compiled module it imports
    if not origin.remote and runs_only_when_opted_in(context, node):
        return  # the caller's `allow_pickle=True`, as numpy's
    if source is _Source.RUN_TIME:
        source = _pickled_by_program(context, data, is_file)
    yield Hit(
        node=node,
        message=f"`{name}` {effect}, and here it reads `{code(context, data)}` "
        f"({_origin_words(source, origin)}); {outcome}.",
        severity=severity,
        confidence=_confidence(source, origin, Confidence.MEDIUM),
        reads_file=is_file or pickle_files.reads_a_file(context, data),
    )


def _truthy(context: ModuleContext, expr: ast.expr | None) -> bool:
    value = context.constant_value(expr)
    return isinstance(value, bool | int) and bool(value)


@rule(
    id="unsafe-yaml-load",
    needs_untrusted_input=True,
    name="YAML loaded with a loader that builds Python objects",
    cwe=502,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="yaml.load without a safe Loader, yaml.unsafe_load or yaml.full_load on data that is "
    "not written in the source.",
    fix="Use `yaml.safe_load(data)` (or `yaml.load(data, Loader=yaml.SafeLoader)`, "
    "`yaml.CSafeLoader` for speed).",
    what_it_does="Reports `yaml.load`/`load_all` whose `Loader` is missing or is `Loader`, "
    "`UnsafeLoader`, `FullLoader` or their C versions, and `yaml.unsafe_load`/`full_load`, when "
    "the document is not written in the source. `SafeLoader`, `CSafeLoader`, `BaseLoader` and "
    "subclasses of them are fine; loaders the rule cannot identify are left alone. ruamel.yaml's "
    "PyYAML-style `load`/`load_all` are read the same way (its round-trip loader is safe too).",
    why_bad="The unsafe loaders honour tags such as `!!python/object/apply:os.system`, so a YAML "
    "document runs commands while it is parsed. Without a Loader, PyYAML before 5.1 used the "
    "unsafe loader and 5.1-5.3 used a FullLoader with known code-execution bypasses (PyYAML 6 "
    "refuses the call). FullLoader on 5.4+ no longer runs code but still imports and builds "
    "Python objects, so it is reported with medium severity.",
    example="import yaml\nconfig = yaml.load(request.data, Loader=yaml.Loader)",
    use_instead="import yaml\nconfig = yaml.safe_load(request.data)",
    references=(
        "https://pyyaml.org/wiki/PyYAMLDocumentation",
        "https://github.com/yaml/pyyaml/wiki/PyYAML-yaml.load(input)-Deprecation",
        "https://docs.python.org/3/library/pickle.html#restricting-globals",
        "https://cwe.mitre.org/data/definitions/502.html",
    ),
    calls=_YAML_FUNCTIONS | _YAML_UNSAFE_FUNCTIONS | _YAML_FULL_FUNCTIONS,
)
def unsafe_yaml_load(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report PyYAML loads whose loader constructs Python objects."""
    assert isinstance(node, ast.Call)
    name = library_call_name(node, ("yaml", "ruamel"), context)
    if name in _YAML_UNSAFE_FUNCTIONS:
        kind, how = YamlLoader.UNSAFE, f"`{name}` constructs arbitrary Python objects"
    elif name in _YAML_FULL_FUNCTIONS:
        kind, how = YamlLoader.FULL, f"`{name}` uses FullLoader, which imports and builds objects"
    elif name in _YAML_FUNCTIONS:
        loader = ModuleContext.argument(node, 1, "Loader")
        if loader is None:
            if ModuleContext.has_star_arguments(node):
                return
            kind = YamlLoader.UNSAFE
            how = f"`{name}` without a Loader constructs Python objects on PyYAML before 6"
        else:
            found = loader_kind(context, loader)
            if found is None or found is YamlLoader.SAFE:
                return
            kind, how = found, f"`{name}` with `{code(context, loader, 40)}` constructs objects"
    else:
        return
    stream = ModuleContext.argument(node, 0, "stream")
    if stream is None:
        return
    source = _source_of(context, stream, is_file=False)
    if source is _Source.IN_SOURCE:
        return
    origin = data_origin(context, node, stream)
    if origin.trust is Trust.PROGRAM_MADE:
        return
    yield Hit(
        node=node,
        message=f"{how} from `{code(context, stream)}` ({_origin_words(source, origin)}); a "
        "`!!python/...` tag in that document can run code or build objects the application "
        "never meant to load.",
        severity=Severity.MEDIUM if kind is YamlLoader.FULL else None,
        confidence=_confidence(source, origin, Confidence.MEDIUM),
        reads_file=pickle_files.reads_a_file(context, stream),
    )


@rule(
    id="unsafe-torch-load",
    name="torch.load unpickling whole objects",
    cwe=502,
    severity=Severity.HIGH,
    confidence=Confidence.LOW,
    summary="torch.load without weights_only=True unpickles arbitrary objects.",
    fix="Pass `weights_only=True` (load tensors and plain containers only), or store weights as "
    "safetensors (`safetensors.torch.load_file`).",
    what_it_does="Reports `torch.load` with `weights_only=False`, and with `weights_only` left "
    "out (low confidence: PyTorch 2.6 and later default to `weights_only=True`, earlier versions "
    "unpickle everything).",
    why_bad="A checkpoint is a pickle: loading one from a model hub, an upload or a shared cache "
    "with full unpickling runs whatever code its author embedded.",
    example="import torch\nstate = torch.load(checkpoint_path)",
    use_instead="import torch\nstate = torch.load(checkpoint_path, weights_only=True)",
    references=(
        "https://pytorch.org/docs/stable/generated/torch.load.html",
        "https://docs.python.org/3/library/pickle.html",
        "https://cwe.mitre.org/data/definitions/502.html",
    ),
    calls=_TORCH_LOADS,
)
def unsafe_torch_load(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report torch.load calls that may unpickle arbitrary objects."""
    assert isinstance(node, ast.Call)
    if library_call_name(node, ("torch",), context) not in _TORCH_LOADS:
        return
    source_expr = ModuleContext.argument(node, 0, "f")
    weights_only = ModuleContext.keyword(node, "weights_only")
    if source_expr is None or ModuleContext.has_star_arguments(node):
        return
    if weights_only is None:
        confidence, how = Confidence.LOW, "without `weights_only=True`"
    elif context.constant_value(weights_only) is False:
        confidence, how = Confidence.MEDIUM, "with `weights_only=False`"
    else:
        return
    source = _source_of(context, source_expr, is_file=True)
    yield Hit(
        node=node,
        message=f"`torch.load({code(context, source_expr, 40)})` {how} unpickles whatever the "
        f"checkpoint contains ({source.value}); a crafted checkpoint runs code as it loads.",
        confidence=Confidence.LOW if source is _Source.FIXED_PATH else confidence,
    )
