"""What the names of a public function, its class and its module say its API does.

Under the `library` threat model some APIs exist to do with their argument what a sink does:
a template engine compiles the template text it is handed, a router compiles the routes it is
registered with, `compile_regex_list` compiles its patterns. Their names say so (`Template`,
`codegen.compile`, `Router.add`); `library_scope` asks here before reporting such a flow.
"""

from __future__ import annotations

from pathlib import PurePath

from secreview.analysis.taint.module_index import ModuleIndex
from secreview.analysis.taint.results import SinkEvent
from secreview.patterns import lazy_pattern

NAME_WORDS = lazy_pattern(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
"""The words of an identifier (`render_string`, `SphinxRenderer`, `HTTPServer`)."""
_ENGINE_WORDS = frozenset(
    {"template", "templates", "tmpl", "tpl", "codegen", "compiler", "compile", "templating"}
)
"""Words of a function's, class's or module's name that say it compiles templates."""
TEMPLATE_COMPILERS = frozenset(
    {"from_string", "Template", "PageTemplate", "render_template_string"}
)
"""Last parts of the sinks that compile their first argument as a template's source
(`Environment.from_string(source)`, `jinja2.Template(source)`): the `html` sink model lists
them as well as the `template` one, since under `web` request text compiled as a template is
also markup put into a page unescaped."""


def template_engine_api(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether the public function belongs to a template engine: its name, its class's or its
    module's says it compiles templates (`Template.__init__`, `TemplateLookup.put_string`,
    `codegen.compile`). Compiling and running the template text it is handed is that API's job:
    templates are code by contract. Caller data put into a template after fixed text
    (`Template("Hello " + name)`) is still reported (`library_joins.under_a_base`)."""
    return named_for(event, index, _ENGINE_WORDS)


def renders_template_source(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether an `html` flow is the template source a template engine's public API compiles
    (`render_string(self, source, context)` in `util/template.py` calling
    `self.env.from_string(source)`): the template text is the markup itself by design, never
    escaped in any environment, as `template_engine_api` already reads it for the `template`
    sink of the same call. The context values rendered into it are data (not this sink's
    argument), and caller text put after fixed template text is still reported."""
    return event.sink.rsplit(".", 1)[-1] in TEMPLATE_COMPILERS and template_engine_api(event, index)


def named_for(
    event: SinkEvent, index: ModuleIndex, api_words: frozenset[str], with_package: bool = False
) -> bool:
    """Whether a word of the public function's name, its class's, its module's (or, with
    `with_package`, a package's on the module's path, and the function's the sink is in:
    `Router.add` compiling what `Bottle.mount` handed it) is one of `api_words`."""
    parameter = event.flow.steps[0][0]
    module = PurePath(index.context.path)
    names = [index.context.qualified_scope(parameter), module.stem]
    if with_package:
        names.extend(module.parent.parts[-2:])
        names.append(index.context.qualified_scope(event.node))
    words = {word.lower() for name in names for word in NAME_WORDS.findall(name)}
    return not words.isdisjoint(api_words)


def function_named(event: SinkEvent, index: ModuleIndex, api_words: frozenset[str]) -> bool:
    """Whether a word of the public function's own name is one of `api_words`
    (`compile_regex_list(name, exps)` compiles its argument as patterns: its name says so)."""
    function = index.context.enclosing_function(event.flow.steps[0][0])
    if function is None:
        return False
    return any(word.lower() in api_words for word in NAME_WORDS.findall(function.name))
