"""Module names start at the top package, even when the scan starts inside it.

A project scanned as its package folder (`secreview scan site-packages/sphinx`) imports itself
absolutely (`from sphinx.util import osutil`); its modules must be named as those imports spell
them, or the cross-module pass never connects them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from annotated_projects import annotation_problems

from secreview.analysis.taint.project import module_path
from secreview.config import ScanConfig
from secreview.scanner import scan
from secreview.sources.discovery import discover
from secreview.sources.packages import enclosing_package

RUNNER = """\
import os


def run_it(command):
    os.system(command)
"""
VIEWS = """\
from flask import request

from mypkg.util.runner import run_it


def handler():
    run_it(request.args["cmd"])
"""


def _project(tmp_path: Path) -> Path:
    """`proj/mypkg/{views.py, util/runner.py}`: a package importing itself absolutely."""
    package = tmp_path / "proj" / "mypkg"
    (package / "util").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "util" / "__init__.py").write_text("")
    (package / "util" / "runner.py").write_text(RUNNER)
    (package / "views.py").write_text(VIEWS)
    return package


def _command_notes(root: Path, cache: Path | None = None) -> list[str]:
    config = ScanConfig(cache_dir=str(cache) if cache else None)
    result = scan([str(root)], config, jobs=1)
    found = [f for f in result.findings if f.rule_id == "tainted-command"]
    assert len(found) == 1, found
    assert found[0].location.path.endswith("mypkg/views.py") and found[0].location.line == 7
    return [step.note for step in found[0].evidence]


@pytest.mark.parametrize("scanned", ["package", "parent"])
def test_an_absolute_import_is_followed_whether_the_package_or_its_parent_is_scanned(
    tmp_path: Path, scanned: str
) -> None:
    package = _project(tmp_path)
    root = package if scanned == "package" else package.parent
    notes = _command_notes(root)
    # Evidence paths stay relative to the scanned folder, like the report's paths.
    expected = " at util/runner.py:5" if scanned == "package" else " at mypkg/util/runner.py:5"
    assert any(expected in note for note in notes), notes


def test_the_cache_keeps_the_evidence_paths_of_each_scanned_folder(tmp_path: Path) -> None:
    package = _project(tmp_path)
    cache = tmp_path / "cache"
    assert any(" at mypkg/util/runner.py:5" in n for n in _command_notes(package.parent, cache))
    notes = _command_notes(package, cache)
    assert any(" at util/runner.py:5" in note for note in notes), notes


def test_module_names_start_at_the_top_package(tmp_path: Path) -> None:
    package = _project(tmp_path)
    (package / "scripts").mkdir()  # a plain folder inside the package: named as before
    (package / "scripts" / "tool.py").write_text("")
    sources, _ = discover([str(package / "util")], [])
    assert {s.module for s in sources} == {"mypkg.util", "mypkg.util.runner"}
    sources, _ = discover([str(package)], [])
    modules = {s.module for s in sources}
    assert modules >= {"mypkg", "mypkg.views", "mypkg.util.runner", "mypkg.scripts.tool"}
    sources, _ = discover([str(package / "views.py")], [])
    assert [s.module for s in sources] == ["mypkg.views"]


def test_a_plain_or_unspellable_folder_stops_the_walk(tmp_path: Path) -> None:
    plain = tmp_path / "plain" / "src"
    plain.mkdir(parents=True)
    (plain / "app.py").write_text("")
    sources, _ = discover([str(plain.parent)], [])
    assert [s.module for s in sources] == ["app"]  # src layout, as before
    dashed = tmp_path / "my-project" / "inner"
    dashed.mkdir(parents=True)
    (dashed.parent / "__init__.py").write_text("")
    (dashed / "__init__.py").write_text("")
    assert enclosing_package(str(dashed)) == "inner"
    assert enclosing_package(str(plain)) == ""


def test_a_scanned_namespace_package_is_named_as_its_files_import_it(tmp_path: Path) -> None:
    """`site-packages/mypkg/` with no `__init__.py` (a namespace package) whose files import
    `mypkg.util.runner`: its modules are `mypkg.*`, and the flow crosses them."""
    package = _project(tmp_path)
    (package / "__init__.py").unlink()
    sources, _ = discover([str(package)], [])
    assert {s.module for s in sources} >= {"mypkg.views", "mypkg.util.runner"}
    notes = _command_notes(package)
    assert any(" at util/runner.py:5" in note for note in notes), notes
    (package / "views.py").write_text(VIEWS.replace("mypkg.util.runner", "util.runner"))
    sources, _ = discover([str(package)], [])  # imported from the folder itself: named so
    assert {s.module for s in sources} >= {"views", "util.runner"}


INIT_VIEWS = """\
from flask import request

from .util.runner import run_it


def handler():
    run_it(request.args["cmd"])
"""


@pytest.mark.parametrize("scanned", ["package", "parent"])
def test_a_package_init_imports_relative_to_itself(tmp_path: Path, scanned: str) -> None:
    """`from .util.runner import run_it` in `mypkg/__init__.py` names `mypkg.util.runner`
    (Python's `__package__` of an `__init__` is the package itself)."""
    package = _project(tmp_path)
    (package / "views.py").unlink()
    (package / "__init__.py").write_text(INIT_VIEWS)
    root = package if scanned == "package" else package.parent
    result = scan([str(root)], ScanConfig(), jobs=1)
    found = [f for f in result.findings if f.rule_id == "tainted-command"]
    assert [(Path(f.location.path).name, f.location.line) for f in found] == [("__init__.py", 7)]


def test_evidence_paths_read_like_report_paths() -> None:
    assert module_path("mypkg.util.runner", "mypkg") == "util/runner.py"
    assert module_path("mypkg", "mypkg", is_package=True) == "__init__.py"
    assert module_path("mypkg.util", "", is_package=True) == "mypkg/util/__init__.py"
    assert module_path("mypkg.views") == "mypkg/views.py"


def _tree(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    return root


def _modules(root: Path) -> dict[str, tuple[str, str]]:
    sources, _ = discover([str(root)], ScanConfig().excludes)
    return {s.path.relative_to(root).as_posix(): (s.module, s.folder) for s in sources}


def test_packages_below_the_scanned_folder_are_named_as_the_project_imports_them(
    tmp_path: Path,
) -> None:
    """A namespace package in a distribution folder (`dist-a/ns/core`, imported `ns.core`) and
    a service folder holding its package (`backend/app`, imported `app`) are renamed; a tests
    package nothing imports keeps its name."""
    root = _tree(
        tmp_path,
        {
            "dist-a/ns/core/__init__.py": "",
            "dist-a/ns/core/util.py": "from ns.core import helpers\n",
            "dist-a/ns/core/helpers.py": "",
            "backend/app/__init__.py": "",
            "backend/app/main.py": "from app.util import run\n",
            "backend/app/util.py": "",
            "tests/unit/__init__.py": "",
            "tests/unit/test_x.py": "import os\n",
        },
    )
    assert _modules(root) == {
        "dist-a/ns/core/__init__.py": ("ns.core", "dist-a"),
        "dist-a/ns/core/util.py": ("ns.core.util", "dist-a"),
        "dist-a/ns/core/helpers.py": ("ns.core.helpers", "dist-a"),
        "backend/app/__init__.py": ("app", "backend"),
        "backend/app/main.py": ("app.main", "backend"),
        "backend/app/util.py": ("app.util", "backend"),
        "tests/unit/__init__.py": ("tests.unit", ""),
        "tests/unit/test_x.py": ("tests.unit.test_x", ""),
    }


def test_two_packages_that_would_share_a_name_keep_their_folder_names(tmp_path: Path) -> None:
    """`svc1/app` and `svc2/app`, both imported as `app`: renaming both would make one module
    name stand for two files, so neither is renamed."""
    root = _tree(
        tmp_path,
        {
            "svc1/app/__init__.py": "",
            "svc1/app/main.py": "from app import models\n",
            "svc2/app/__init__.py": "",
            "svc2/app/main.py": "from app import models\n",
        },
    )
    modules = _modules(root)
    assert modules["svc1/app/main.py"] == ("svc1.app.main", "")
    assert modules["svc2/app/main.py"] == ("svc2.app.main", "")


def test_the_largest_of_packages_sharing_a_name_takes_it(tmp_path: Path) -> None:
    """`server/polar` (the application) and `sdk/python/polar` (its client), both imported as
    `polar`: the application, at least twice the client's size, is named `polar`; the client
    keeps its folder names, so no module name stands for two files."""
    files = {"sdk/python/polar/__init__.py": "", "sdk/python/polar/models.py": ""}
    files.update({"server/polar/__init__.py": "", "server/polar/models.py": ""})
    files.update({f"server/polar/kit/mod{n}.py": "from polar import models\n" for n in range(4)})
    files["server/polar/kit/__init__.py"] = ""
    modules = _modules(_tree(tmp_path, files))
    assert modules["server/polar/models.py"] == ("polar.models", "server")
    assert modules["server/polar/kit/mod0.py"] == ("polar.kit.mod0", "server")
    assert modules["sdk/python/polar/models.py"] == ("sdk.python.polar.models", "")


def test_a_package_holding_manage_py_has_its_packages_named_from_the_top(tmp_path: Path) -> None:
    """`manage.py` runs with its folder first on `sys.path`: beside `tabbycat/__init__.py` the
    project imports `utils.misc`, so the modules below are named so (the folder kept for
    evidence paths) and the folder's own `__init__` keeps its name. A project that imports the
    folder's own name (`from site.utils import x`) keeps every name."""
    root = _tree(
        tmp_path,
        {
            "tabbycat/__init__.py": "",
            "tabbycat/manage.py": "import os\n",
            "tabbycat/utils/__init__.py": "",
            "tabbycat/utils/misc.py": "",
            "tabbycat/participants/tags.py": "from utils.misc import reverse_tournament\n",
        },
    )
    assert _modules(root) == {
        "tabbycat/__init__.py": ("tabbycat", ""),
        "tabbycat/manage.py": ("manage", "tabbycat"),
        "tabbycat/utils/__init__.py": ("utils", "tabbycat"),
        "tabbycat/utils/misc.py": ("utils.misc", "tabbycat"),
        "tabbycat/participants/tags.py": ("participants.tags", "tabbycat"),
    }
    other = _tree(
        tmp_path / "other",
        {
            "site/__init__.py": "",
            "site/manage.py": "",
            "site/utils/__init__.py": "",
            "site/utils/misc.py": "from site.utils import helpers\n",
            "site/utils/helpers.py": "from utils import misc\n",
        },
    )
    assert _modules(other)["site/utils/misc.py"] == ("site.utils.misc", "")


@pytest.mark.parametrize("jobs", [1, 2])
def test_flows_cross_modules_of_packages_below_the_scanned_folder(
    tmp_path: Path, jobs: int
) -> None:
    """The `monorepo` project: a shared helper's shell and a project lookup's row (not the name
    it was found by) reached through namespace and service-folder imports."""
    checked, problems = annotation_problems("monorepo", tmp_path, jobs)
    assert checked >= 3 and not problems, problems


def test_a_src_package_its_project_imports_by_name_keeps_src_in_module_names(
    tmp_path: Path,
) -> None:
    """`src/__init__.py` and `from src.site.urls import x` (AMY's layout): `src` is the top
    package. A src layout without `__init__.py`, or one whose packages are imported by their
    own names, keeps `src` out of the names."""
    files = {
        "src/__init__.py": "",
        "src/site/__init__.py": "",
        "src/site/urls.py": "",
        "src/views/main.py": "from src.site.urls import safe_url\n",
        "manage.py": "import os\n",
    }
    assert _modules(_tree(tmp_path / "a", files)) == {
        "src/__init__.py": ("src", ""),
        "src/site/__init__.py": ("src.site", ""),
        "src/site/urls.py": ("src.site.urls", ""),
        "src/views/main.py": ("src.views.main", ""),
        "manage.py": ("manage", ""),
    }
    bare = {**files, "src/views/main.py": "from site.urls import safe_url\n"}
    assert _modules(_tree(tmp_path / "b", bare))["src/site/urls.py"] == ("site.urls", "")
    layout = {k: v for k, v in files.items() if k != "src/__init__.py"}
    assert _modules(_tree(tmp_path / "c", layout))["src/site/urls.py"] == ("site.urls", "")


@pytest.mark.parametrize("jobs", [1, 2])
def test_flows_cross_modules_of_a_src_package(tmp_path: Path, jobs: int) -> None:
    """The `srcpackage` project: a redirect helper imported through `src.` checks the host (its
    view is quiet); its unchecked twin is reported."""
    checked, problems = annotation_problems("srcpackage", tmp_path, jobs)
    assert checked >= 2 and not problems, problems


def test_modules_a_script_folder_imports_by_bare_name_are_named_so(tmp_path: Path) -> None:
    """`python admin/server/app.py` puts `admin/server/` first on `sys.path`: the siblings its
    files import by bare name are named so (the folder kept for evidence paths). A sibling the
    project also imports through the folder, one named like a standard module, one nothing
    imports, one only its own file names (`import requests` in `requests.py`: the library) and
    one in a folder below a package (an absolute import there reads the library) keep their
    names."""
    root = _tree(
        tmp_path,
        {
            "admin/server/app.py": "from routes import bp\n",
            "admin/server/routes.py": "from responses import ok\nimport config\nimport logging\n",
            "admin/server/responses.py": "",
            "admin/server/config.py": "",
            "admin/server/logging.py": "",
            "admin/server/unused.py": "",
            "admin/server/requests.py": "import requests\n",
            "admin/tests/test_config.py": "from admin.server import config as admin_config\n",
            "pkg/__init__.py": "",
            "pkg/core/duckdb.py": "import duckdb\n",
            "pkg/core/store.py": "import duckdb\n",
        },
    )
    modules = _modules(root)
    assert modules["admin/server/routes.py"] == ("routes", "admin/server")
    assert modules["admin/server/responses.py"] == ("responses", "admin/server")
    for kept in ("config", "logging", "unused", "app", "requests"):
        assert modules[f"admin/server/{kept}.py"] == (f"admin.server.{kept}", "")
    assert modules["pkg/core/duckdb.py"] == ("pkg.core.duckdb", "")


@pytest.mark.parametrize("jobs", [1, 2])
def test_flows_cross_modules_of_a_script_folder(tmp_path: Path, jobs: int) -> None:
    """The `scriptfolder` project: a sibling's shell command is reached, and the sibling's JSON
    answer is no HTML page."""
    checked, problems = annotation_problems("scriptfolder", tmp_path, jobs)
    assert checked >= 2 and not problems, problems
