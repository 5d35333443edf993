"""Sanitisers guessed from a name: a helper the scan could not read that makes an identifier,
or one that cleans HTML.

A code generator or an exporter turns names it reads from a document into file and module names
through helpers (`utils.snake_case(tag)`, `text.slugify(title)`). When the helper's module is not
scanned (one file in a review, a diff) or it is a library function no model describes, the call
would pass its argument on unchanged and every file written under the converted name would be
reported, although converting text to a case style or a slug splits it into words of letters and
digits joined by `_` or `-`, which leaves no `/`. An imported function the scan did not read and
no model describes, whose name says it converts to such a name (`snake_case`, `kebab_case`,
`camel_case`, `pascal_case`, `spinal_case`, `slugify`, `camelize`, `dasherize`), is taken to make
its result safe as a path. It is a guess from the name, so it only ever removes a path finding; a
helper the scan did read is judged by its body, and a modelled function by its model.

The same holds for HTML: a project's own cleaner (`utils.clean_html(html)`, `sanitize_html`,
`purify_markup`), usually a wrapper of `bleach` or `nh3` with the project's allowed tags, is what
stands between rendered user text and `mark_safe`. An unread function whose name has a word for
cleaning (`clean`, `sanitize`, `sanitise`, `purify`, `scrub`) and one for markup (`html`,
`markup`) is taken to make its result safe as HTML; it only ever removes an HTML finding.

And for paths the other way round: a project that confines paths to a sandbox or a workspace
does it in one helper its modules import and call on each path they are handed
(`file_path = validate_path_with_env_config(file_path)`, `safe_path(p)`, `confine_path(p)`),
which raises for a path outside and returns the one to use. An unread function whose name has a
word for vetting (`validate`, `sanitize`, `secure`, `safe`, `confine`, `restrict`) and the word
`path` is taken to make its result safe as a path (a helper that only normalises, `normpath`,
`resolve_path`, has no such word). A helper the scan read is judged by its body.

And for redirects: an unread `url_for` given a constant first argument (`url_for('browse', repo,
path)`, a route name or the site's own path, as in cherrypy_foundation or a project's own
helper) builds a URL of this site, as Flask's does; it only ever removes a redirect finding.
So does the `url_for` method of an object the scan cannot read (a service a Pyramid request finds,
`svc.url_for(url, mime_type, params)`) for what its other arguments carry: the route or the
service's own base, with its first argument, picks the host, and the other arguments go into
its path or query string. What the first argument carries is still reported.
"""

from __future__ import annotations

import ast

from secreview.analysis.taint.frame_state import FrameState
from secreview.analysis.taint.name_words import words_of
from secreview.analysis.taint.values import Value

_CASE_STYLES = frozenset({"snake", "kebab", "camel", "pascal", "spinal"})
"""Words that, with `case`, name a conversion to an identifier (`snake_case`, `to_kebab_case`)."""
_CONVERTERS = frozenset({"slug", "slugify", "slugified", "camelize", "dasherize"})
"""Words that alone name a conversion to an identifier or a slug."""
PROTECTS = frozenset({"path"})
_CLEANING = frozenset({"clean", "cleaned", "sanitize", "sanitise", "sanitized", "sanitised"})
_CLEANING |= {"purify", "scrub", "cleanse"}
_MARKUP = frozenset({"html", "markup"})
_PROTECTS_HTML = frozenset({"html"})
VALIDATING_WORDS = frozenset(
    {"validate", "validated", "sanitize", "sanitise", "sanitized", "sanitised"}
)
"""Words of a function's name that say it vets what it returns (`validate_next_path`)."""
_VETTING = VALIDATING_WORDS | {"secure", "safe", "confine", "confined", "restrict", "restricted"}
_PATH_WORDS = frozenset({"path", "filepath"})
_SITE_URL_BUILDERS = frozenset({"url_for"})
_PROTECTS_REDIRECT = frozenset({"redirect"})


def names_an_identifier_conversion(function: str) -> bool:
    """Whether a function's name says it converts text to a case style or a slug."""
    words = words_of(function)
    return bool(words & _CONVERTERS) or bool(words & _CASE_STYLES and "case" in words)


def names_an_html_cleaner(function: str) -> bool:
    """Whether a function's name says it cleans HTML (`clean_html`, `sanitize_markup`)."""
    words = words_of(function)
    return bool(words & _CLEANING) and bool(words & _MARKUP)


def names_a_path_confinement(function: str) -> bool:
    """Whether a function's name says it vets a path (`validate_path`, `safe_path`)."""
    words = words_of(function)
    return bool(words & _PATH_WORDS) and bool(words & _VETTING)


class GuessedSanitizerRules(FrameState):
    """Unread project helpers named for making identifiers or vetting paths, taken to clear a
    path's text, for cleaning HTML, taken to clear it for HTML, or `url_for` of a route, taken to
    clear it for redirects."""

    def guessed_sanitiser(self, node: ast.Call, result: Value, args: list[Value]) -> Value:
        """`result` cleared for paths when `node` calls an unread project helper named for a
        conversion to a case style or a slug or for vetting a path, for HTML when it is named
        for cleaning HTML (see the module docstring), else unchanged."""
        if _unread_url_for_method(node, args):
            first = args[0].all_flows()
            note = "`url_for` of an unread object: past the base it picks (guessed: not scanned)"
            return result.mapped(
                lambda flow: (
                    flow if flow in first else flow.then(node, note).sanitised(_PROTECTS_REDIRECT)
                )
            )
        qualified = self.unread_function(node.func)
        if qualified is None:
            return result
        function = qualified.rpartition(".")[2]
        if names_an_identifier_conversion(function):
            note = f"`{qualified}` makes a name of it (guessed from its name: it was not scanned)"
            return result.mapped(lambda flow: flow.then(node, note).sanitised(PROTECTS))
        if names_a_path_confinement(function):
            note = f"`{qualified}` vets it as a path (guessed from its name: it was not scanned)"
            return result.mapped(lambda flow: flow.then(node, note).sanitised(PROTECTS))
        if names_an_html_cleaner(function):
            note = f"`{qualified}` cleans it as HTML (guessed from its name: it was not scanned)"
            return result.mapped(lambda flow: flow.then(node, note).sanitised(_PROTECTS_HTML))
        route = self.context.constant_value(node.args[0]) if node.args else None
        if function in _SITE_URL_BUILDERS and isinstance(route, str):
            note = f"`{qualified}` builds a URL of this site from a route (guessed: not scanned)"
            return result.mapped(lambda flow: flow.then(node, note).sanitised(_PROTECTS_REDIRECT))
        return result


def _unread_url_for_method(node: ast.Call, args: list[Value]) -> bool:
    """Whether `node` calls the `url_for` method of a local object (`svc.url_for(url, ...)`):
    its route or base and its first argument pick the URL, so only the first argument's flows
    stay (see the module docstring). The caller reaches here only for calls no model or summary
    describes."""
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr in _SITE_URL_BUILDERS):
        return False
    return isinstance(func.value, ast.Name) and bool(args)
