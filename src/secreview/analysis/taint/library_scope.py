"""Which sinks a public parameter reaches are the library's defect, not its job.

Under the `library` threat model a public function's parameters are the attacker's, but some
APIs exist to do with their argument exactly what a sink does: `write_pid(pidfile)` opens the file
its caller names, `rmtree(path)` removes it, `load_plugin(name)` imports the module its caller
names. Reporting those says only that the function does what it is for (on 16 mature frameworks
they were 133 of the 426 findings `library` reported, none of those triaged true or defensible).
What a library can get wrong is what it adds to the caller's value:

- a file path: a base the library chose (`os.path.join(self.root, name)`, `base / name`,
  `f"{CACHE}/{key}.json"`) that the caller's part may leave with `../`. A parameter named or
  annotated as a path (`path`, `filename`, `out_dir`, `dest: Path`) used as the whole path, or as
  the base of one (`os.path.join(path, "conf.py")`), is the caller's choice, not a traversal;
  so is any parameter the code itself uses only as the folder of fixed names
  (`os.path.join(p, "privkey.pem")`: `library_joins.folder_of_fixed_names`). A path pulled out
  of anything else (a parsed form's field, a URL parameter) is still reported. So is the folder
  read off an object the caller hands over (`repo.controldir()`, `library_locations`), but not
  names read from what that object holds.
- a filter of what to leave out (`exclude`, `ignore_paths`): at a file sink it only removes
  names from the library's own listing; compiled, it is the caller's pattern of what to skip.
- a regular expression: a parameter named, annotated or documented as one (`pattern`,
  `url_regex`, `rx: re.Pattern`, `:param match: a regular expression`) is the caller's pattern,
  compiled (or wrapped in anchors and groups) because that is what the API does, and so is a
  field of its records a loop unpacks into a name that says pattern (`for rkey, pattern, queue
  in table`); text of any other parameter put into a pattern is reported.
- a module import: where modules are found. `importlib.import_module(name)` imports what the
  caller names, its job; when the caller's data is also put on `sys.path` in a function of the
  flow (`sys.path.insert(0, os.path.dirname(path))`), any module or stale `.pyc` planted in that
  folder runs (python-dbusmock, CVE-2015-1326), and that is reported.
- the application or its configuration: a path or pattern read off a parameter named or
  annotated as one (`cfg.errorlog`, `app.builder.outdir`, `config: Config`) is the operator's
  setting, through however many attribute hops and wherever it is joined (a configured folder
  under the configured root, `app.confdir / app.config.html_theme_path`): no part of it is an
  attacker's. So is text such a parameter's field has a pattern match (`sub(P, "..",
  cfg.statsd_prefix)`): a slow match on it costs only what the operator wrote. Another
  parameter joined under a configured folder is still reported.
- a regular expression the public function's own name says it compiles
  (`compile_regex_list(name, exps)`), given whole: the caller's patterns, as a parameter named
  one is; the caller's text put after fixed pattern text (`prefix_pattern`: `"^%s" % prefix`)
  is still reported.
- a route: a router or a view predicate (its function's, class's, module's or package's name
  says router, routing or predicate: bottle's `Router.add`, falcon's `routing/compiled.py`,
  pyramid's `predicates.py`) compiling the route template or predicate value it is registered
  with, into a pattern or into code; that is the developer's configuration, as a pattern
  parameter is the caller's pattern.
- code: a template engine (a function whose name, class or module says template, compile or
  codegen) compiling the template text it is handed, and rendering it as the page's markup
  (`render_string(source)`, `library_api_names`); caller data put after fixed text is kept.
  And an object spec (`pack.mod:expr`) whose module part the function imports and whose
  expression part it evaluates in that module (`library_object_specs`): the caller names code.
- a URL: a value put after the object's own base and a `/` (`f"{self.base_url}/{action}"`), or
  sent only in a request's body, cannot choose the server (`library_urls`).
- an XML file: a parameter named as a path handed to a parser that reads the file
  (`ElementTree.parse(filepath)`) is the caller's file, whose content is not the parameter's.
- a sink in an `except ImportError` fallback for a module every Python 3 has
  (`index/import_fallbacks.py`, which the code and command rules also use): it runs on no
  Python the library is installed on.
- a redirect's destination: a function named for redirecting sends the client to the URL its
  parameter of that name (`url`, `location`, `target`) is given, whole; that is its job.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from secreview.analysis.taint.library_api_names import (
    NAME_WORDS,
    function_named,
    named_for,
    renders_template_source,
    template_engine_api,
)
from secreview.analysis.taint.library_extensions import only_an_extension
from secreview.analysis.taint.library_imports import on_sys_path
from secreview.analysis.taint.library_joins import folder_of_fixed_names, under_a_base
from secreview.analysis.taint.library_locations import object_location
from secreview.analysis.taint.library_object_specs import resolves_object_spec
from secreview.analysis.taint.library_roles import (
    documented_file,
    flow_parameter,
    handed_whole,
    program_parameter,
    runs_a_program,
    setting_override,
    textless_parameter,
)
from secreview.analysis.taint.library_urls import in_a_path_under_a_base, only_in_a_request_body
from secreview.analysis.taint.module_index import ModuleIndex
from secreview.analysis.taint.parameter_docs import described_as
from secreview.analysis.taint.results import SinkEvent
from secreview.index.import_fallbacks import in_missing_module_fallback
from secreview.patterns import lazy_pattern

_IMPORT_SINKS = frozenset({"importlib.import_module", "__import__", "importlib.__import__"})
"""Sinks that import a module by name (not those that run a file's or a string's code)."""
_PATH_WORDS = frozenset(
    {"path", "paths", "file", "files", "filename", "filenames", "fname", "filepath", "dir",
     "dirs", "dirname", "directory", "folder", "dest", "dst", "destination", "src", "source",
     "sources", "out", "output", "addr", "address", "root", "roots"}
)  # fmt: skip
"""Words of a parameter's name that say it is a path (`out_dir`, `pidFile`). `out`/`output` and
`source`/`sources` are where a converter writes and what it reads (`path2file(sourcePath, out)`,
`generate_docs(sources, output_dir)`): reaching a file sink whole, the caller's own file, as
`src` and `dest` (`dst`) are; joined under a base the library chose, still reported.
`addr`/`address` reaching a file sink is a unix socket's address, a path its caller binds
(`UnixSocket(addr)` removing a stale socket there): the caller's file too. `root` is the folder
the caller keeps its files under (beaker's `encoded_path(root, identifiers)`, rope's
`Project(projectroot)`): used whole or as the base of a join, the caller's folder; names joined
under it are judged by their own flow."""
_PATH_SUFFIXES = (
    "path", "paths", "filename", "filenames", "dir", "dirs", "file", "files", "root", "roots"
)  # fmt: skip
"""Endings of one word of a name that say it is a path (`pidfile`, `doctreedir`, `outpath`,
`projectroot`)."""
_NOT_PATH_WORDS = frozenset({"profile", "profiles"})
_PATH_ANNOTATION = lazy_pattern(r"\b(?:Path|PurePath|PathLike|StrPath|StrOrBytesPath)\b")
_AFFIX_WORDS = frozenset(
    {"suffix", "suffixes", "prefix", "prefixes", "ext", "exts", "extension", "extensions"}
)
"""Words of a parameter's name that say it is put before or after a file's name."""
_EXCLUSION_WORDS = frozenset(
    {"exclude", "excludes", "excluded", "exclusion", "exclusions", "ignore", "ignores", "ignored"}
)
"""Words of a parameter's name that say it is a filter of what to leave out."""
_NO_ANNOTATION = lazy_pattern(r"(?!)")
"""Matches no annotation: a role read from the parameter's name alone."""
_PATTERN_WORDS = frozenset(
    {"pattern", "patterns", "pat", "pats", "regex", "regexes", "regexp", "regexps", "rx", "re"}
)
"""Words of a parameter's name that say it is a regular expression (`unit_pattern`)."""
_PATTERN_SUFFIXES = ("pattern", "patterns", "regex", "regexp")
_PATTERN_ANNOTATION = lazy_pattern(r"\bPattern\b")
_PATTERN_DOC = lazy_pattern(r"(?i)\bregular\s+expressions?\b|\bregex(?:es|ps?)?\b")
"""Words of a parameter's documentation that say it is a regular expression."""
_SETTINGS_WORDS = frozenset(
    {"app", "application", "cfg", "conf", "config", "configuration", "settings", "builder"}
)
"""Words of a parameter's name that say it is the application or its configuration."""
_SETTINGS_ANNOTATION = lazy_pattern(r"(?:Config|Configuration|Settings|Builder|Application)\b")
_COMPILED_KINDS = frozenset({"code", "template"})
_ROUTER_WORDS = frozenset({"router", "routers", "routing", "predicate", "predicates"})
"""Words of a function's, class's, module's or package's name that say it registers routes or
view predicates (`Router.add`, `falcon/routing/`, `pyramid/predicates.py`): the route templates
(`/wiki/<page:re:[a-z]+>`) and predicate values (`path_info='^/api'`) it compiles are what the
developer registers at configuration time; a client's request is matched against the compiled
pattern, never compiled. A router that compiles its routes into Python (Falcon's
`CompiledRouter` evaluating a converter's arguments, `{id:int(min=1)}`) runs the developer's
template text the same way. Text of a request put into a pattern elsewhere is still reported,
and so is a function merely named for routes (celery's task `routes` are not a web router's)."""
_FILE_PARSERS = frozenset({"parse", "iterparse"})
"""The standard library's XML parsers that read a file (`ElementTree.parse(source)`,
`minidom.parse(file)`, `sax.parse`): handed a value that reaches them as a parameter named as a
path, they parse the content of the file it names, whose origin is that file's (not traced, as a
file the program opens is not for `xml-entity-expansion`), not the caller's text (Sphinx's
graphviz extension reading the SVG it just rendered at `filepath`, however its name was made). A
value reaching them under any other name, and text parsed from a string (`fromstring(data)`),
is still the caller's document."""
_TEXT_STREAMS = frozenset(
    {"io.StringIO", "io.BytesIO", "StringIO.StringIO", "cStringIO.StringIO", "six.StringIO",
     "six.BytesIO"}
)  # fmt: skip
"""In-memory streams over a string: a value wrapped in one is read as the document's own text,
whatever its name (`parse(StringIO(filename))` where `filename` may be "a file name, a URL or
an XML string"), so the path reading above does not apply to it."""
_REDIRECT_WORDS = frozenset({"redirect", "redirects", "redirection"})
_URL_WORDS = frozenset({"url", "uri", "location", "target", "destination"})
"""A redirecting API's own destination: a public function whose name says it redirects
(`redirect(url)`, a tool the application configures with the URL to send to) sends the client
where its caller says, as `open(path)` opens what it is given; a parameter so named, given whole,
is the caller's destination. Any other parameter (`do_login(from_page)` handing a form's field
to the redirect) and a destination built after the library's own base are still reported."""
_TEXT_KINDS = frozenset(
    {"path", "command", "sql", "xpath", "regex", "regex-text", "code", "template", "html",
     "redirect", "ssrf", "ldap", "header", "nosql", "dynamodb", "xml", "xxe", "spreadsheet",
     "kql"}
)  # fmt: skip
"""Sink kinds where the caller's value matters as text: a number's text (`library_roles`
`number_parameter`), or a function's, cannot inject into them."""


def is_library_defect(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether the parameter flow of `event` (in a public function of `index`'s module) reaches
    its sink in a way the library answers for; see the module docstring."""
    if event.kind in _TEXT_KINDS and textless_parameter(event, index):
        return False
    if in_missing_module_fallback(index.context, event.node):  # runs on no Python 3
        return False
    if event.kind == "path":
        if (
            _settings_parameter(event, index)
            or only_an_extension(event, index)
            or _naming_affix(event, index)
            or _exclusion_parameter(event, index)
        ):
            return False
        callers_file = (
            _path_parameter(event, index)
            or documented_file(event, index)
            or setting_override(event, index)
            or folder_of_fixed_names(event, index)
            or object_location(event, index)
        )
        return not callers_file or under_a_base(event, index)
    if event.kind == "command":
        if _settings_parameter(event, index):
            return False
        callers_program = setting_override(event, index) or (
            runs_a_program(event)
            and (_path_parameter(event, index) or program_parameter(event, index))
        )
        return not callers_program or under_a_base(event, index)
    if event.kind == "regex-text":
        return not _settings_parameter(event, index)
    if event.kind == "regex":
        return not (
            _pattern_parameter(event, index)
            or _unpacked_as_pattern(event, index)
            or _exclusion_parameter(event, index)
            or _settings_parameter(event, index)
            or named_for(event, index, _ROUTER_WORDS, with_package=True)
            or (function_named(event, index, _PATTERN_WORDS) and not under_a_base(event, index))
        )
    if event.kind == "code" and event.sink in _IMPORT_SINKS:
        return on_sys_path(event, index)
    if event.kind == "code" and resolves_object_spec(event, index):
        return False
    if event.kind == "xml" and event.sink.rsplit(".", 1)[-1] in _FILE_PARSERS:
        return _parsed_as_text(event, index) or not (
            _reaches_as_a_path(event) or documented_file(event, index)
        )
    if event.kind == "redirect" and function_named(event, index, _REDIRECT_WORDS):
        return not _parameter_called(event, index, _NO_ANNOTATION, _URL_WORDS.__contains__) or (
            under_a_base(event, index)
        )
    if event.kind == "ssrf":
        return not (in_a_path_under_a_base(event, index) or only_in_a_request_body(event, index))
    if (event.kind in _COMPILED_KINDS and template_engine_api(event, index)) or (
        event.kind == "html" and renders_template_source(event, index)
    ):
        return under_a_base(event, index)
    return event.kind != "code" or not named_for(event, index, _ROUTER_WORDS, with_package=True)


def _path_parameter(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether the parameter the flow starts at, or one it is handed to whole on the way
    (`handed_whole`: `load(input)` giving it to `read(filenames)`), is named or annotated as a
    file path."""
    return any(
        _named_or_annotated(parameter, _PATH_ANNOTATION, _is_path_word)
        for parameter in handed_whole(event, index)
    )


def _reaches_as_a_path(event: SinkEvent) -> bool:
    """Whether a parameter the flow passes through, the public one or one it is handed to on
    the way (`fix_svg_relative_paths(self, filepath)`, given the name `render_dot` made of
    its `format` and `prefix`), is named or annotated as a file path."""
    return any(
        _named_or_annotated(node, _PATH_ANNOTATION, _is_path_word)
        for node, _ in event.flow.steps
        if isinstance(node, ast.arg)
    )


def _parsed_as_text(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether the file parser is handed an in-memory stream over a string (`_TEXT_STREAMS`):
    then it parses that text, the caller's document, not a file the value names."""
    call = event.node
    if not isinstance(call, ast.Call) or not call.args:
        return False
    document = call.args[0]
    return isinstance(document, ast.Call) and index.context.call_name(document) in _TEXT_STREAMS


def _settings_parameter(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether the parameter the flow starts at is the application or its configuration (`cfg`,
    `app: Sphinx`, `config: Config`, `builder`): a path or pattern read off its fields is
    what the operator configured (`cfg.errorlog`, `app.builder.outdir`), as a path parameter's
    value is the caller's choice."""
    return _parameter_called(event, index, _SETTINGS_ANNOTATION, _SETTINGS_WORDS.__contains__)


def _pattern_parameter(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether the parameter the flow starts at is named, annotated or documented (its entry in
    the function's docstring: `match` / `If given, ... searched for the given regular
    expression`) as a regular expression."""
    if _parameter_called(event, index, _PATTERN_ANNOTATION, _is_pattern_word):
        return True
    parameter = flow_parameter(event, index)
    if parameter is None:
        return False
    function = index.context.enclosing_function(parameter)
    return function is not None and described_as(function, parameter.arg, _PATTERN_DOC)


def _unpacked_as_pattern(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether the flow's value is a field of the records the parameter holds, unpacked by a
    loop straight into a name that says it is a regular expression (`for rkey, pattern, queue
    in table`): the records' layout makes that field the caller's pattern, as a parameter's
    name would (kombu's topic exchange table). A field unpacked under any other name, or a
    pattern built from it, is still reported."""
    parameter = flow_parameter(event, index)
    if parameter is None:
        return False
    for node, note in event.flow.steps:
        if not (isinstance(node, ast.Name) and note.startswith("assigned to ")):
            continue
        if not any(_is_pattern_word(w.lower()) for w in NAME_WORDS.findall(node.id)):
            continue
        record = index.context.parent(node)
        loop = index.context.parent(record) if isinstance(record, ast.Tuple) else None
        if (
            isinstance(loop, ast.For | ast.AsyncFor | ast.comprehension)
            and loop.target is record
            and isinstance(loop.iter, ast.Name)
            and loop.iter.id == parameter.arg
        ):
            return True
    return False


def _parameter_called(
    event: SinkEvent,
    index: ModuleIndex,
    annotation_pattern: re.Pattern[str],
    is_word: Callable[[str], bool],
) -> bool:
    """Whether the parameter the flow starts at (`flow_parameter`) has an annotation
    `annotation_pattern` finds, or a word of its name (`out_dir`, `unitPattern`) that
    `is_word` accepts."""
    parameter = flow_parameter(event, index)
    return parameter is not None and _named_or_annotated(parameter, annotation_pattern, is_word)


def _named_or_annotated(
    parameter: ast.arg, annotation_pattern: re.Pattern[str], is_word: Callable[[str], bool]
) -> bool:
    annotation = parameter.annotation
    if annotation is not None and annotation_pattern.search(ast.unparse(annotation)):
        return True
    return any(is_word(word.lower()) for word in NAME_WORDS.findall(parameter.arg))


def _naming_affix(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether the parameter the flow starts at is named as what the library puts before or
    after the names it makes (`suffix`, `prefix`, `ext`, `file_suffix`): how the caller wants
    its files named, a choice like the folder it names (`tempfile.mkstemp(suffix, prefix, dir)`
    leaves its affixes to its caller the same way). Sphinx's `generate_autosummary_docs(...,
    suffix)` writing `Path(output_dir, name + suffix)`, graphviz's `render_dot(..., prefix)`
    naming `f"{prefix}-{digest}.{format}"`. The name the affix is put on is another value,
    judged by its own flow."""
    return _parameter_called(event, index, _NO_ANNOTATION, _AFFIX_WORDS.__contains__)


def _exclusion_parameter(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether the parameter the flow starts at is named as a filter of what to leave out
    (`exclude`, `exclude_paths`, `ignore_patterns`): at a file sink it only takes names away
    from what the library lists itself (Sphinx's `discover(exclude_paths)` filtering the files
    it found under its source folder), never names a file; compiled, it is the caller's own
    pattern of what to skip, as a parameter named `pattern` is (CherryPy's coverage browser
    skipping the files its `exclude` regex matches). A parameter named as what to keep or read
    is judged by its own role."""
    return _parameter_called(event, index, _NO_ANNOTATION, _EXCLUSION_WORDS.__contains__)


def _is_pattern_word(word: str) -> bool:
    """Whether one lower-case word of a name says it is a regular expression."""
    return word in _PATTERN_WORDS or word.endswith(_PATTERN_SUFFIXES)


def _is_path_word(word: str) -> bool:
    if word in _NOT_PATH_WORDS:
        return False
    return word in _PATH_WORDS or word.endswith(_PATH_SUFFIXES)
