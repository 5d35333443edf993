"""`secreview models suggest`: inferred models, grounded and voted, written as a model file
that loads with `--models` and lets the engine find what no built-in model knew."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from llm_server import Reply, scripted_server, user_prompt

from secreview.cli import cli

DB = """import warehouse


def run_query(sql):
    return warehouse.connect().submit(sql)


def clean_html(text):
    return warehouse.escape(text)
"""
VIEWS = """from flask import Flask, request

from shop.db import run_query

app = Flask(__name__)


@app.route("/items")
def items():
    return str(run_query("SELECT * FROM items WHERE name = '" + request.args["q"] + "'"))
"""
ANSWER = json.dumps(
    {
        "models": [
            {
                "name": "shop.db.run_query",
                "role": "sink",
                "kind": "sql",
                "args": [0],
                "reason": "It sends its argument to the warehouse as SQL.",
            },
            {
                "name": "warehouse.escape",
                "role": "sanitizer",
                "protects": ["html"],
                "reason": "Escapes markup.",
            },
            {"name": "warehouse.delete_everything", "role": "sink", "kind": "command"},
            {"name": "warehouse.escape", "role": "sink", "kind": "sqlx"},
            {"name": "warehouse.escape", "role": "source", "origin": "moon"},
        ]
    }
)


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SECREVIEW_LLM_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "db.py").write_text(DB)
    (tmp_path / "shop" / "views.py").write_text(VIEWS)
    return tmp_path


def test_suggested_models_are_grounded_voted_and_load_with_models(shop: Path) -> None:
    with scripted_server(lambda body, n: Reply(ANSWER)) as (url, record):
        result = CliRunner().invoke(
            cli, ["models", "suggest", "shop", "-o", "suggested", "--llm-endpoint", url]
        )
    assert result.exit_code == 0, result.output
    assert "wrote 2 suggested models" in result.output
    assert "no-such-function 3, unknown-kind 3, unknown-origin 3" in result.output
    asked = str(record.bodies[0]["messages"])
    assert "shop.db.run_query" in asked and "warehouse.connect" in asked
    written = (shop / "suggested" / "llm-suggested.toml").read_text()
    assert '[[sink]]\nkind = "sql"\ncalls = ["shop.db.run_query"]\nargs = [0]' in written
    assert "# 3 of 3 samples agree: It sends its argument to the warehouse as SQL." in written
    without = CliRunner().invoke(cli, ["scan", "shop", "--format", "json", "--no-progress"])
    with_models = CliRunner().invoke(
        cli, ["scan", "shop", "--format", "json", "--no-progress", "--models", "suggested"]
    )
    cwes = {f["cwe"] for f in json.loads(with_models.output)["findings"]}
    assert 89 not in {f["cwe"] for f in json.loads(without.output)["findings"]}
    assert 89 in cwes


def test_nothing_unknown_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plain.py").write_text("print(len('x'))\n")
    result = CliRunner().invoke(
        cli, ["models", "suggest", ".", "-o", "out", "--llm-endpoint", "http://127.0.0.1:9/v1"]
    )
    assert result.exit_code == 0 and "no model knows" in result.output
    assert not (tmp_path / "out").exists()


def inference_only(body: dict, _n: int) -> Reply:
    """ANSWER to the model-inference prompt; nothing else is asked with `--llm-role infer`."""
    assert "For a taint analysis" in user_prompt(body)
    return Reply(ANSWER)


def scan_json(*args: str) -> dict:
    result = CliRunner().invoke(
        cli, ["scan", "shop", "--format", "json", "--no-progress", *args], catch_exceptions=False
    )
    return json.loads(result.output)


def test_inferred_models_are_used_in_the_same_run_and_say_so(shop: Path) -> None:
    with scripted_server(inference_only) as (url, record):
        report = scan_json("--llm", "--llm-role", "infer", "--llm-endpoint", url)
    assert len(record.bodies) == 3  # one prompt, three samples, before the static review
    (sql,) = [f for f in report["findings"] if f["cwe"] == 89]
    assert sql["path"] == "shop/views.py" and sql["rule_id"] == "tainted-sql"
    assert sql["evidence"][-1]["note"] == (
        "reaches `shop.db.run_query` (sink modelled by the LLM: shop.db.run_query)"
    )
    inference = report["llm"]["inference"]
    assert [(m["name"], m["role"], m["kind"]) for m in inference["models"]] == [
        ("shop.db.run_query", "sink", "sql"),
        ("warehouse.escape", "sanitizer", "html"),
    ]
    assert inference["rejected"] == {"no-such-function": 3, "unknown-kind": 3, "unknown-origin": 3}
    offline = scan_json("--llm", "--llm-role", "infer", "--llm-offline")
    assert offline["findings"] == report["findings"]  # the same cache, the same models
    assert offline["llm"]["inference"] == inference and offline["llm"]["requests"] == 0


def test_without_the_infer_role_no_model_is_inferred(shop: Path) -> None:
    with scripted_server(lambda body, n: Reply(json.dumps({"defects": []}))) as (url, record):
        report = scan_json("--llm", "--llm-role", "review", "--llm-endpoint", url)
    assert all("taint analysis" not in user_prompt(body) for body in record.bodies)
    assert 89 not in {f["cwe"] for f in report["findings"]}
    assert report["llm"]["inference"] is None


def test_review_of_a_change_infers_models_for_the_changed_files(shop: Path) -> None:
    added = VIEWS.splitlines()
    diff = f"--- a/shop/views.py\n+++ b/shop/views.py\n@@ -0,0 +1,{len(added)} @@\n" + "".join(
        f"+{line}\n" for line in added
    )
    with scripted_server(
        lambda body, n: Reply(
            ANSWER if "For a taint analysis" in user_prompt(body) else '{"defects": []}'
        )
    ) as (url, _record):
        result = CliRunner().invoke(
            cli,
            ["review", "--diff", "-", "--format", "json", "--llm", "--llm-endpoint", url],
            input=diff,
        )
    report = json.loads(result.output)
    assert [(f["rule_id"], f["evidence"][-1]["note"]) for f in report["findings"]] == [
        ("tainted-sql", "reaches `shop.db.run_query` (sink modelled by the LLM: shop.db.run_query)")
    ]
    assert report["llm"]["inference"]["asked"] == 1 and result.exit_code == 1
