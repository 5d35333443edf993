"""Types that admit only fixed values across a project (`secreview.index.choices`)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from annotated_projects import annotation_problems

from secreview.config import ScanConfig
from secreview.index.choices import choice_bases, project_choices, validated_fields
from secreview.index.reexports import ReExports, module_bindings
from secreview.scanner import scan


@pytest.mark.parametrize("jobs", [1, 2])
def test_view_parameters_typed_by_other_modules_enums_are_validated(
    tmp_path: Path, jobs: int
) -> None:
    checked, problems = annotation_problems("choices", tmp_path, jobs)
    assert checked >= 7 and not problems, problems


def _choices(modules: dict[str, str]) -> frozenset[str]:
    trees = {name: ast.parse(text) for name, text in modules.items()}
    bindings = ReExports({name: module_bindings(tree, name, False) for name, tree in trees.items()})
    bases = {name: choice_bases(tree) for name, tree in trees.items()}
    return project_choices(bases, bindings.defining_name)


def test_bases_resolve_through_imports_and_re_exports() -> None:
    found = _choices(
        {
            "pkg.base": "import enum\nclass Base(str, enum.Enum): pass\nclass Text(str): pass\n",
            "pkg.types": "from pkg.base import Base as B, Text\nclass A(B): X = 'x'\n"
            "class T(Text): pass\nMode = Literal['a']\nclass Plain: pass\n",
            "pkg.api": "from pkg.types import A\nclass Deeper(A): pass\n",
        }
    )
    assert found == {"pkg.base.Base", "pkg.types.A", "pkg.types.Mode", "pkg.api.Deeper"}


def test_a_project_class_named_like_an_enum_base_is_judged_by_its_own_bases() -> None:
    found = _choices(
        {
            "pkg.compat": "class Enum(object): pass\n",
            "pkg.models": "from pkg.compat import Enum\nclass Kind(Enum): pass\n",
            "pkg.other": "from enum import Enum\nclass Kind(Enum): pass\n",
        }
    )
    assert found == {"pkg.other.Kind"}


def test_choices_do_not_depend_on_module_order() -> None:
    modules = {
        f"pkg.m{i}": f"from pkg.m{i + 1} import C{i + 1}\nclass C{i}(C{i + 1}): pass\n"
        for i in range(5)
    }
    modules["pkg.m5"] = "from enum import Enum\nclass C5(Enum): pass\n"
    forward = _choices(modules)
    backward = _choices(dict(reversed(modules.items())))
    assert forward == backward == {f"pkg.m{i}.C{i}" for i in range(6)}


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_cache_sees_an_enum_become_free_text(tmp_path: Path, jobs: int) -> None:
    package = tmp_path / "tree" / "pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "kinds.py").write_text(ENUM)
    (package / "views.py").write_text(VIEWS)
    config = ScanConfig(cache_dir=str(tmp_path / "cache"))

    def logged() -> list[int]:
        result = scan([str(tmp_path / "tree")], config, jobs=jobs)
        return [f.location.line for f in result.findings if f.rule_id == "log-injection"]

    assert logged() == []
    (package / "kinds.py").write_text(ENUM.replace("(str, Enum)", "(str)"))
    assert logged() == [11]
    (package / "kinds.py").write_text(ENUM)
    assert logged() == []


ENUM = "from enum import Enum\n\n\nclass Kind(str, Enum):\n    BOOK = 'book'\n"
VIEWS = (
    "import logging\n\nfrom fastapi import FastAPI\n\nfrom pkg.kinds import Kind\n\n"
    "app = FastAPI()\n\n@app.get('/{kind}')\ndef view(kind: Kind):\n"
    "    logging.info('kind %s', kind)\n"
)


def test_model_fields_of_fixed_types_are_validated_and_inherited_unless_declared_again() -> None:
    modules = {
        "pkg.base": "import pydantic\nclass Record(pydantic.BaseModel):\n    id: int\n"
        "    note: str\n    tags: list[str]\n",
        "pkg.kinds": "from enum import Enum\nclass Kind(Enum): pass\n",
        "pkg.orders": "from pkg.base import Record\nfrom pkg.kinds import Kind\n"
        "from uuid import UUID\nclass Order(Record):\n    kind: Kind\n    ref: UUID\n"
        "    mode: Literal['r']\nclass Loose(Order):\n    id: str\n"
        "class Plain:\n    count: int\nclass Other(Unknown):\n    count: int\n",
    }
    trees = {name: ast.parse(text) for name, text in modules.items()}
    names = ReExports({name: module_bindings(tree, name, False) for name, tree in trees.items()})
    bases = {name: choice_bases(tree) for name, tree in trees.items()}
    choices = project_choices(bases, names.defining_name)
    fields = validated_fields(bases, names.defining_name, choices, frozenset({"int", "uuid.UUID"}))
    assert fields == {
        "pkg.base.Record": {"id"},
        "pkg.orders.Order": {"id", "kind", "ref", "mode"},
        "pkg.orders.Loose": {"kind", "ref", "mode"},
    }


@pytest.mark.parametrize("jobs", [1, 2])
def test_view_parameters_typed_by_other_modules_dependency_aliases_are_not_request_data(
    tmp_path: Path, jobs: int
) -> None:
    checked, problems = annotation_problems("dependencies", tmp_path, jobs)
    assert checked >= 3 and not problems, problems
