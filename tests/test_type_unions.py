"""Types after two paths meet: agreed, known on one path, a union of a few library names, or
unknown (a class of the module, or too many alternatives)."""

from __future__ import annotations

from secreview.analysis.taint.type_unions import (
    MAX_TYPE_ALTERNATIVES,
    joined_type,
    type_alternatives,
)
from secreview.analysis.taint.values import Value, join


def test_agreed_or_one_sided_types_are_kept() -> None:
    assert joined_type("gzip.open", "gzip.open") == "gzip.open"
    assert joined_type(None, "sqlite3.Connection") == "sqlite3.Connection"
    assert joined_type(None, None) is None


def test_two_library_names_give_their_sorted_union_whatever_the_order() -> None:
    union = joined_type("pyramid.httpexceptions.HTTPSeeOther", "pyramid.httpexceptions.HTTPFound")
    assert union == joined_type(
        "pyramid.httpexceptions.HTTPFound", "pyramid.httpexceptions.HTTPSeeOther"
    )
    assert type_alternatives(union or "") == [
        "pyramid.httpexceptions.HTTPFound",
        "pyramid.httpexceptions.HTTPSeeOther",
    ]
    assert joined_type(union, "pyramid.httpexceptions.HTTPFound") == union


def test_a_class_of_the_module_or_too_many_alternatives_leave_it_unknown() -> None:
    assert joined_type("class:Store", "pickle.loads") is None
    names = [f"lib.name{i}" for i in range(MAX_TYPE_ALTERNATIVES + 1)]
    union = names[0]
    for name in names[1:-1]:
        union = joined_type(union, name) or ""
    assert len(type_alternatives(union)) == MAX_TYPE_ALTERNATIVES
    assert joined_type(union, names[-1]) is None


def test_a_join_of_values_carries_the_union() -> None:
    joined = join(Value(type="json.loads"), Value(type="pickle.loads"))
    assert joined.type == "json.loads|pickle.loads"
