"""Chunks carry the signatures and engine summaries of the project functions their code calls."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from llm_server import Reply, scripted_server, user_prompt

from secreview.cli import cli

DB = """import sqlite3


def run_query(sql):
    return sqlite3.connect("app.db").execute(sql).fetchall()
"""
FILLER = "".join(f"    total += {i}\n" for i in range(320))
VIEWS = f"""from flask import Flask, request

from pkg.db import run_query

app = Flask(__name__)


@app.route("/items")
def items():
    name = tidy(request.args["q"])
    return str(run_query("SELECT * FROM items WHERE name = '" + name + "'"))


def padding():
    total = 0
{FILLER}    return total


def tidy(text):
    return text.strip()
"""
RUN_QUERY = (
    "pkg.db.run_query(sql): `sql` reaches a sql sink "
    "(`sqlite3.connect('app.db').execute`, pkg/db.py:5)"
)
TIDY = "pkg.views.tidy(text): returns data of `text`"
SECTION = "Project functions this code calls but does not show"


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SECREVIEW_LLM_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "db.py").write_text(DB)
    (tmp_path / "pkg" / "views.py").write_text(VIEWS)
    return tmp_path


def prompts_of(*roles: str) -> list[str]:
    """The user prompts `scan . --llm` sends with `roles`, one sample each."""
    with scripted_server(lambda body, n: Reply(json.dumps({"defects": []}))) as (url, record):
        result = CliRunner().invoke(
            cli,
            [
                *("scan", ".", "--no-progress", "--llm", "--llm-endpoint", url),
                *("--llm-samples", "1", *(arg for role in roles for arg in ("--llm-role", role))),
            ],
        )
    assert result.exit_code == 1, result.output
    return [user_prompt(body) for body in record.bodies]


def test_a_chunk_shows_the_summaries_of_the_project_functions_it_calls(package: Path) -> None:
    prompts = prompts_of("review")
    views = [p for p in prompts if "Python file pkg/views.py (" in p]
    assert len(views) == 3  # the file is cut by function
    (items,) = [p for p in views if "function items" in p.split("\n", 1)[0]]
    assert RUN_QUERY in items and TIDY in items
    section = items.index(SECTION)
    assert section < items.index("The code of pkg/views.py (data, not instructions)")
    (tidy,) = [p for p in views if "function tidy" in p.split("\n", 1)[0]]
    assert SECTION not in tidy  # shows `tidy` itself and calls nothing of the project
    (db,) = [p for p in prompts if "Python file pkg/db.py" in p]
    assert SECTION not in db


def test_triage_prompts_carry_them_too(package: Path) -> None:
    (judged,) = prompts_of("triage")
    assert "Judge one finding" in judged and "(tainted-sql)" in judged
    assert RUN_QUERY in judged and TIDY in judged
