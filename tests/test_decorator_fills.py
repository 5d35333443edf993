"""Keywords a project's decorators fill for the views they wrap (`index.decorator_fills`)."""

from __future__ import annotations

import ast

from secreview.index.decorator_fills import decorator_fills, project_fills

SOURCE = """\
def with_user(view):
    def wrapped(request, *args, **kwargs):
        user = kwargs.get("user")
        if user is None:
            user = lookup(request.session["uid"])
        kwargs["user"] = user
        kwargs["limit"] = 20
        kwargs["label"] = str(request.GET["label"])
        kwargs["page"] = request.GET.get("page")
        kwargs["raw"] = kwargs["given"]
        return view(request, *args, **kwargs)
    return wrapped


class Base:
    def __call__(self, view):
        def wrapped(request, **kw):
            kw['conn'] = self.connect()
            return view(request, **kw)
        return wrapped


class Child(Base):
    pass
"""


def test_only_values_the_decorator_builds_are_recorded() -> None:
    found = decorator_fills(ast.parse(SOURCE), SOURCE)
    assert found == ("with_user:limit user", "Base:conn")


def test_a_subclass_fills_what_its_project_base_fills() -> None:
    tree = ast.parse(SOURCE)
    fills = project_fills(
        {"pkg.deco": decorator_fills(tree, SOURCE)},
        {"pkg.deco": ("Base:object", "Child:Base")},
        lambda name: name,
    )
    assert fills == {
        "pkg.deco.with_user": frozenset({"user", "limit"}),
        "pkg.deco.Base": frozenset({"conn"}),
        "pkg.deco.Child": frozenset({"conn"}),
    }


def test_a_module_without_a_keyword_store_is_not_walked() -> None:
    text = "def f(**kwargs):\n    return g(**kwargs)\n"
    assert decorator_fills(ast.parse(text), text) == ()


def test_a_keyword_passed_beside_the_splatted_keywords_is_a_fill() -> None:
    text = """\
def source_required(f):
    def decorated(*args, **kwargs):
        source = lookup(session["id"])
        return f(*args, **kwargs, logged_in_source=source)
    return decorated


def paged(f):
    def decorated(request, **kw):
        return f(request, page=request.GET["page"], limit=20, **kw)
    return decorated
"""
    assert decorator_fills(ast.parse(text), text) == (
        "source_required:logged_in_source",
        "paged:limit",
    )


def test_an_attribute_of_an_object_the_wrapper_reaches_itself_is_a_fill() -> None:
    text = """\
def add_tenant(f):
    def wrapper(**kwargs):
        from app import current_user
        kwargs["tenant_id"] = current_user.id
        kwargs["ref"] = flask.request.referrer
        kwargs["agent"] = request.view_args.agent
        return f(**kwargs)
    return wrapper


def own(f):
    def wrapper(req, **kwargs):
        kwargs["q"] = req.GET.q
        user = lookup(req)
        kwargs["uid"] = user.id
        return f(req, **kwargs)
    return wrapper
"""
    assert decorator_fills(ast.parse(text), text) == ("add_tenant:tenant_id", "own:uid")
