"""Compatibility spellings and star imports resolve to the names the models use."""

import ast

from secreview.index.context import ModuleContext
from secreview.index.import_names import canonical


def test_six_moves_and_future_spellings_become_standard_names() -> None:
    assert canonical("six.moves.cPickle.loads") == "pickle.loads"
    assert canonical("six.moves.urllib.request.urlopen") == "urllib.request.urlopen"
    assert canonical("six.moves.urllib_parse.urljoin") == "urllib.parse.urljoin"
    assert canonical("future.moves.urllib.request.urlopen") == "urllib.request.urlopen"
    assert canonical("six.moves.unknown_thing") == "six.moves.unknown_thing"
    assert canonical("os.system") == "os.system"


def _resolved_calls(source: str) -> list[str | None]:
    tree = ast.parse(source)
    context = ModuleContext(path="m.py", text=source, tree=tree)
    return [context.resolve(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)]


def test_a_single_star_import_names_what_the_module_does_not_bind() -> None:
    source = "from os import *\ndef popen(c):\n    return c\nsystem('x')\npopen('y')\n"
    assert sorted(map(str, _resolved_calls(source))) == ["None", "os.system"]


def test_two_star_imports_leave_a_bare_name_unresolved() -> None:
    source = "from os import *\nfrom shutil import *\nsystem('x')\n"
    assert _resolved_calls(source) == [None]


def test_framework_names_from_their_defining_modules_are_the_public_names() -> None:
    """`django.http.response.X` is `django.http.X`, `flask.helpers.X` is `flask.X`: the names
    the models use; other modules keep their names."""
    assert (
        canonical("django.http.response.HttpResponseRedirect") == "django.http.HttpResponseRedirect"
    )
    assert canonical("django.http.request.QueryDict") == "django.http.QueryDict"
    assert canonical("django.http.HttpResponse") == "django.http.HttpResponse"
    assert canonical("django.http.responses.X") == "django.http.responses.X"
    assert canonical("flask.helpers.send_file") == "flask.send_file"
    assert canonical("werkzeug.wrappers.response.Response") == "werkzeug.wrappers.Response"
    calls = _resolved_calls("from django.http.response import JsonResponse as J\nJ({})\n")
    assert calls == ["django.http.JsonResponse"]
