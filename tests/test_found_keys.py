"""Which look-ups prove their key found, and which names name a key (`taint/found_keys.py`)."""

from __future__ import annotations

import ast

import pytest

from secreview.analysis.taint.found_keys import (
    found_if_answered,
    found_once_completed,
    names_a_key,
    reads_one_record,
)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("id", True),
        ("pk", True),
        ("episode_id", True),
        ("AuthorID", True),
        ("event__slug", True),
        ("pk__exact", True),
        ("_id", True),
        ("name", False),
        ("id__in", False),
        ("slug__icontains", False),
        ("title", False),
        ("key", False),
    ],
)
def test_names_a_key(name: str, key: bool) -> None:
    assert names_a_key(name) is key


@pytest.mark.parametrize(
    ("name", "reads"),
    [
        ("get", True),
        ("get_episode", True),
        ("find_one", True),
        ("get_by_id", True),
        ("lookup", True),
        ("find", False),
        ("get_by_name", False),
        ("get_or_create", False),
        ("get_argument", False),
        ("search_by_id", False),
        ("getattr", False),
    ],
)
def test_reads_one_record(name: str, reads: bool) -> None:
    assert reads_one_record(name) is reads


def _keys(found: list[ast.expr]) -> list[str]:
    return [ast.unparse(k) for k in found]


@pytest.mark.parametrize(
    ("code", "answered", "completed"),
    [
        ("Source.get(source_id)", ["source_id"], []),
        ("store.get(job_id, 'none')", [], []),
        ("Profile.get_by_name(profile_id)", [], []),
        ("session.get(Model, model_id)", ["model_id"], []),
        ("Ticket.objects.get(pk=ticket_id)", ["ticket_id"], ["ticket_id"]),
        ("Ticket.objects.get(name=ticket_name)", [], []),
        ("get_object_or_404(Ticket, queue__slug=s)", ["s"], ["s"]),
        ("get_object_or_404(Ticket, title__icontains=t_id)", [], []),
        ("q.filter(Ticket.id == agent_id).first_or_404()", ["agent_id"], ["agent_id"]),
        ("q.filter_by(id=agent_id).first()", ["agent_id"], []),
        ("Ticket.objects.filter(pk=t_id).exists()", ["t_id"], []),
        ("Episode.get(Episode.id == e_id)", ["e_id"], ["e_id"]),
        ("requests.get(page_id)", ["page_id"], []),
    ],
)
def test_found_keys(code: str, answered: list[str], completed: list[str]) -> None:
    call = ast.parse(code, mode="eval").body
    assert isinstance(call, ast.Call)
    assert _keys(found_if_answered(call, "")) == answered
    assert _keys(found_once_completed(call, "")) == completed
    assert found_if_answered(call, "requests.get") == []
