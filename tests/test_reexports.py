"""Re-exports and star imports across a scanned project (`secreview.index.reexports`).

The annotated project in `tests/fixtures/projects/reexports/` is scanned whole
(`annotated_projects`).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from annotated_projects import annotation_problems

from secreview.analysis.taint import ProjectIndex
from secreview.config import ScanConfig
from secreview.index.facts import ModuleFacts
from secreview.index.reexports import ReExports, alias_table, followed_imports, module_bindings
from secreview.scanner import scan

PROJECT = Path(__file__).parent / "fixtures" / "projects" / "reexports"


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_annotated_project_holds_with_one_or_two_jobs(tmp_path: Path, jobs: int) -> None:
    checked, problems = annotation_problems("reexports", tmp_path, jobs)
    assert checked >= 20 and not problems, problems


def _bindings(source: str, module: str = "pkg", is_package: bool = True) -> tuple[str, ...]:
    return module_bindings(ast.parse(source), module, is_package)


def test_bindings_record_imports_stars_definitions_and_all_in_order() -> None:
    source = (
        "from .shell import run as execute\n"
        "import pkg.util as u\n"
        "from . import *\n"
        "from os import *\n"
        "__all__ = ['execute', 'u']\n"
        "execute = wrap(execute)\n"
        "try:\n"
        "    from .fast import parse\n"
        "except ImportError:\n"
        "    parse = None\n"
        "    fallback = 1\n"
        "if FLAG:\n"
        "    def helper(): pass\n"
    )
    assert _bindings(source) == (
        "execute=pkg.shell.run",
        "u=pkg.util",
        "*pkg",
        "*os",
        "__all__",
        "!",
        "!execute",
        "!u",
        "execute",
        "parse=pkg.fast.parse",
        "fallback",
        "helper",
    )
    # In a plain module, relative imports start at its package.
    assert _bindings("from .shell import run\n", "pkg.views", False) == ("run=pkg.shell.run",)


def test_a_plain_alias_of_an_imported_name_hands_the_import_on() -> None:
    # `logger = base_logger` binds the object the import did (a project's logging facade);
    # an alias of the module's own name, of a name a star import may have rebound, or of a
    # call's result is the module's own binding.
    source = (
        "from loguru import logger as base_logger\n"
        "logger = base_logger\n"
        "def helper(): pass\n"
        "run = helper\n"
        "log2 = base_logger.bind(x=1)\n"
        "from os import *\n"
        "again = base_logger\n"
    )
    assert _bindings(source, "pkg.log", False) == (
        "base_logger=loguru.logger",
        "logger=loguru.logger",
        "helper",
        "run",
        "log2",
        "*os",
        "again",
    )
    names = _names({"pkg": "from .log import logger\n", "pkg.log": source})
    assert names.defining_name("pkg.logger.info") == "loguru.logger.info"


def _names(modules: dict[str, str]) -> ReExports:
    return ReExports(
        {
            name: module_bindings(ast.parse(source), name, name in ("pkg", "pkg.sub"))
            for name, source in modules.items()
        }
    )


def test_chains_end_where_the_name_is_defined_and_cycles_end() -> None:
    names = _names(
        {
            "pkg": "from .sub import run\nfrom .a import ping\nfrom . import shell as tools\n",
            "pkg.sub": "from .core import run\n",
            "pkg.sub.core": "from ..shell import run\n",
            "pkg.shell": "def run(c): pass\n",
            "pkg.a": "from .b import ping\n",
            "pkg.b": "from .a import ping\n",
            "pkg.wrapped": "from .shell import run\nrun = wrap(run)\n",
        }
    )
    assert names.defining_name("pkg.run") == "pkg.shell.run"
    assert names.defining_name("pkg.tools.run") == "pkg.shell.run"
    assert names.defining_name("pkg.shell.run") == "pkg.shell.run"
    assert names.defining_name("pkg.ping") in ("pkg.a.ping", "pkg.b.ping")  # ends
    assert names.defining_name("pkg.wrapped.run") == "pkg.wrapped.run"  # rebound there
    assert names.defining_name("flask.request") == "flask.request"


def test_the_last_star_import_exporting_a_name_wins() -> None:
    modules = {
        "pkg.plain": "def process(v): pass\ndef _private(v): pass\n",
        "pkg.bad": "def process(v): pass\n",
        "pkg.listed": "__all__ = ['other']\ndef process(v): pass\ndef other(v): pass\n",
        "pkg.both": "from .plain import *\nfrom .bad import *\n",
        "pkg.reversed": "from .bad import *\nfrom .plain import *\n",
        "pkg.limited": "from .plain import *\nfrom .listed import *\n",
        "pkg.own": "from .bad import *\ndef process(v): pass\n",
        "pkg.lib": "from os import *\n",
        "pkg.cycle": "from .cycle import *\n",
    }
    names = _names(modules)
    assert names.defining_name("pkg.both.process") == "pkg.bad.process"
    assert names.defining_name("pkg.reversed.process") == "pkg.plain.process"
    assert names.defining_name("pkg.limited.process") == "pkg.plain.process"
    assert names.defining_name("pkg.limited.other") == "pkg.listed.other"
    assert names.defining_name("pkg.both._private") == "pkg.both._private"  # not exported
    assert names.defining_name("pkg.own.process") == "pkg.own.process"
    assert names.defining_name("pkg.lib.system") == "os.system"
    assert names.defining_name("pkg.cycle.anything") == "pkg.cycle.anything"
    assert names.exported_names("pkg.limited") == {"process", "other"}


def test_tables_do_not_depend_on_the_order_of_the_facts() -> None:
    modules = {
        "pkg": "from .shell import run\n",
        "pkg.shell": "def run(c): pass\n",
        "pkg.stars": "from .shell import *\n",
        "pkg.views": "from pkg import run\nfrom .stars import *\nrun(x)\n",
    }
    names = _names(modules)
    facts = []
    for module, source in modules.items():
        tree = ast.parse(source)
        imported = {
            f"{module.rpartition('.')[0] or module}.{a.name}"
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom)
            for a in n.names
        }
        facts.append(
            ModuleFacts(
                module,
                False,
                frozenset(imported),
                bindings=module_bindings(tree, module, module == "pkg"),
            )
        )
    plan = frozenset(modules)
    tables = [
        (followed_imports(order, names), alias_table(order, names, plan))
        for order in (facts, facts[::-1])
    ]
    assert sorted(tables[0][0]) == sorted(tables[1][0])
    assert tables[0][1] == tables[1][1]
    assert tables[0][1]["pkg.run"] == "pkg.shell.run"
    views = next(f for f in tables[0][0] if f.module == "pkg.views")
    assert "pkg.shell" in views.imports


def test_the_index_replaces_the_longest_handed_on_prefix() -> None:
    index = ProjectIndex(aliases={"pkg.run": "pkg.shell.run", "pkg.tools": "pkg.shell"})
    assert index.defining_name("pkg.run") == "pkg.shell.run"
    assert index.defining_name("pkg.tools.run") == "pkg.shell.run"
    assert index.defining_name("pkg.tools") == "pkg.shell"
    assert index.defining_name("pkg.other") == "pkg.other"
    assert ProjectIndex().defining_name("pkg.run") == "pkg.run"
    looping = ProjectIndex(aliases={"a.x": "b.x", "b.x": "a.x"})
    assert looping.defining_name("a.x") in ("a.x", "b.x")  # bounded


PACKAGE_INIT = "from .shell import run_command\n"
SHELL = "import subprocess\n\n\ndef run_command(cmd):\n    subprocess.run(cmd, shell=True)\n"
SAFE = "import subprocess\n\n\ndef run_command(cmd):\n    subprocess.run(['echo', cmd])\n"
VIEWS = (
    "from flask import request\n\nfrom pkg import run_command\n\n\n"
    "def handler():\n    run_command(request.args['c'])\n"
)


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_cache_sees_a_re_export_change(tmp_path: Path, jobs: int) -> None:
    package = tmp_path / "tree" / "pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(PACKAGE_INIT)
    (package / "shell.py").write_text(SHELL)
    (package / "safe.py").write_text(SAFE)
    (package / "views.py").write_text(VIEWS)
    config = ScanConfig(cache_dir=str(tmp_path / "cache"))

    def commands() -> list[int]:
        result = scan([str(tmp_path / "tree")], config, jobs=jobs)
        return [f.location.line for f in result.findings if f.rule_id == "tainted-command"]

    assert commands() == [7]
    (package / "__init__.py").write_text("from .safe import run_command\n")
    assert commands() == []
    (package / "__init__.py").write_text(PACKAGE_INIT)
    assert commands() == [7]
