"""Scripts beside a package (`setup.py`, `docs/` and `tools/` helpers) are no part of its API
under `--threat-model library` (`secreview.project_scripts`); a single-module library and the
modules `src/` holds still are. Under every threat model, their findings are rated low where the
script reads no network input: a maintainer runs it with their own arguments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from annotated_projects import annotation_problems
from click.testing import CliRunner

from secreview.cli import cli
from secreview.config import ScanConfig
from secreview.context.maintenance import maintainer_script
from secreview.project_scripts import project_scripts, with_project_scripts
from secreview.sources.discovery import SourceFile


@pytest.mark.parametrize("name", ["scripts", "srclayout", "singlemodule"])
def test_scripts_beside_a_package_are_reviewed_as_programs(tmp_path: Path, name: str) -> None:
    checked, problems = annotation_problems(name, tmp_path, jobs=1, threat_model="library")
    assert checked >= 1 and not problems, problems


def test_which_modules_are_scripts() -> None:
    paths = [
        "repo/setup.py",
        "repo/publish.py",
        "repo/lib/__init__.py",
        "repo/lib/core.py",
        "repo/lib/data/gen.py",  # a plain folder inside the package: still the package's
        "repo/docs/conf.py",
        "repo/tests/__init__.py",
        "repo/tests/test_core.py",
    ]
    assert project_scripts(paths) == {"repo/setup.py", "repo/publish.py", "repo/docs/conf.py"}


def test_packages_named_for_maintenance_beside_the_project_are_scripts() -> None:
    """`examples/` and `devscripts/` with an `__init__.py`, a Sphinx extension package under
    `docs/`: maintainers' code beside the shipped package. A folder above the two (`dev/`, the
    checkout's place) says nothing, a `contrib/` package may ship, and a project whose only
    package is named for maintenance ships it."""
    paths = [
        "dev/repo/luigi/__init__.py",
        "dev/repo/luigi/scheduler.py",
        "dev/repo/examples/__init__.py",
        "dev/repo/examples/top_artists.py",
        "dev/repo/devscripts/__init__.py",
        "dev/repo/devscripts/standalone/create.py",
        "dev/repo/docs/source/ext/__init__.py",
        "dev/repo/docs/source/ext/model.py",
        "dev/repo/contrib/__init__.py",
        "dev/repo/contrib/extra.py",
        "dev/repo/tests/__init__.py",
        "dev/repo/tests/test_x.py",
    ]
    assert project_scripts(paths) == {
        "dev/repo/examples/top_artists.py",
        "dev/repo/devscripts/standalone/create.py",
        "dev/repo/docs/source/ext/model.py",
    }
    assert not project_scripts(["scripts/__init__.py", "scripts/run.py", "tests/__init__.py"])


def test_without_a_package_every_module_is_api() -> None:
    assert not project_scripts(["bottle.py", "setup.py", "test/__init__.py", "docs/conf.py"])
    assert not project_scripts(["case/vulnerable.py"])
    assert not project_scripts([])


def test_a_scanned_package_holds_no_script() -> None:
    paths = ["/site/sphinx/__init__.py", "/site/sphinx/util/osutil.py", "/site/sphinx/x.py"]
    assert not project_scripts(paths)


def test_folders_above_the_scan_root_do_not_make_a_module_private(tmp_path: Path) -> None:
    """`_checkout/` above the scanned folder is no part of the package's module names."""
    checked, problems = annotation_problems(
        "singlemodule", tmp_path / "_checkout", jobs=1, threat_model="library"
    )
    assert checked >= 1 and not problems, problems


def test_which_scripts_are_named_for_maintenance() -> None:
    named_for_maintenance = {
        "setup.py",
        "scripts/release.py",
        "docs/conf.py",
        "devscripts/standalone/create-testdata.py",
        "deploy/deploy_beanstalk.py",
        "docker/entrypoint.py",
        "frontend/.claude/scripts/sync-types-helper.py",
        ".opencode/skills/liveserver/liveserver_settings.py",
    }
    scripts = frozenset({*named_for_maintenance, "run.py", "install/agent.py", "server/app.py"})
    named = {path for path in scripts if maintainer_script(path, scripts)}
    assert named == named_for_maintenance
    assert not maintainer_script("pkg/scripts/x.py", scripts)  # not a script beside the package


def test_every_threat_model_looks_for_scripts() -> None:
    sources = [SourceFile(p, Path(p)) for p in ("setup.py", "pkg/__init__.py", "pkg/x.py")]
    for model in ("web", "library", "all"):
        found = with_project_scripts(ScanConfig(threat_model=model), sources)
        assert found.project_scripts == {"setup.py"}


SHELL = "import subprocess\n\ndef tag(v):\n    subprocess.run('git tag ' + v, shell=True)\n"
VIEW = (
    "import subprocess\nfrom flask import Flask, request\napp = Flask(__name__)\n\n"
    "@app.route('/')\ndef tag():\n    subprocess.run('git tag ' + request.args['v'], shell=True)\n"
)


def test_a_script_reading_no_network_input_is_rated_low(tmp_path: Path) -> None:
    """The same shell line is medium in the package, low in a release script beside it; a
    script serving requests (an `app.py` beside a package) keeps its findings, and so does one
    at the root not named for maintenance (it may be what deploys the application)."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "tags.py").write_text(SHELL)
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "release.py").write_text(SHELL)
    (tmp_path / "app.py").write_text(VIEW)
    (tmp_path / "run_agent.py").write_text(SHELL)  # at the root: may be what is deployed
    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--format", "json", "-j", "1"])
    found = {
        Path(f["path"]).name: (f["rule_id"], f["confidence"], "maintainer-script" in f["tags"])
        for f in json.loads(result.output)["findings"]
    }
    assert found == {
        "tags.py": ("shell-command-injection", "medium", False),
        "release.py": ("shell-command-injection", "low", True),
        "app.py": ("tainted-command", "high", False),
        "run_agent.py": ("shell-command-injection", "medium", False),
    }


def _script_ratings(tmp_path: Path, scripts: dict[str, str]) -> dict[str, str]:
    """The confidence of each script's finding, scanned beside a package."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "scripts").mkdir()
    for name, text in scripts.items():
        (tmp_path / "scripts" / name).write_text(text)
    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--format", "json", "-j", "1"])
    return {Path(f["path"]).name: f["confidence"] for f in json.loads(result.output)["findings"]}


def test_rows_fetched_from_a_database_are_no_download(tmp_path: Path) -> None:
    """A maintenance script that reads rows (`cursor.fetchall()`) beside an `https` setting
    reads no network input and stays low; one whose client's method is named for a download
    (`http_client.fetch_page(url)`) may be handed what a server sent, and keeps its rating."""
    rows = SHELL + "\nHTTPS_HOST = 'db'\n\ndef rows(cursor):\n    return cursor.fetchall()\n"
    pages = SHELL + "\ndef page(http_client, url):\n    return http_client.fetch_page(url)\n"
    assert _script_ratings(tmp_path, {"rows.py": rows, "pages.py": pages}) == {
        "rows.py": "low",
        "pages.py": "medium",
    }
