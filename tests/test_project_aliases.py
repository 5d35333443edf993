"""A name imported from the project's compatibility module is the library's it imports."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from secreview.config import ScanConfig
from secreview.index.import_names import shim_bindings
from secreview.project_aliases import with_project_shims
from secreview.scanner import scan
from secreview.sources.discovery import discover

SHIM = """
from owslib_like.util import local_name


def patch_namespaces(module):
    module.register_namespace("ows", "http://www.opengis.net/ows")


try:
    from lxml import etree
except ImportError:
    import xml.etree.ElementTree as etree

try:
    from yaml import CLoader as Loader
except ModuleNotFoundError:
    from yaml import Loader
from .helpers import parse_config
from html import escape
"""
USER = """
import requests

from owslib_like.etree import etree as ET


def fetch(url):
    response = requests.get(url, timeout=10)
    return ET.fromstring(response.content)
"""


def _write_project(root: Path, shim: str = SHIM) -> None:
    package = root / "owslib_like"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "etree.py").write_text(textwrap.dedent(shim))
    (package / "util.py").write_text(textwrap.dedent(USER))


def _xxe_lines(root: Path) -> dict[int, str]:
    result = scan([str(root)], ScanConfig(), jobs=1)
    return {
        f.location.line: f.message
        for r in result.files
        for f in r.findings
        if f.rule_id == "tainted-xxe" and r.path.endswith("util.py")
    }


def test_the_try_branch_names_the_library_and_relative_imports_are_left_out() -> None:
    """Read from the whole module; `with_project_shims` reads it up to its last handler."""
    bound = shim_bindings(ast.parse(textwrap.dedent(SHIM)))
    assert bound == {
        "etree": "lxml.etree",
        "Loader": "yaml.CLoader",
        "local_name": "owslib_like.util.local_name",
        "escape": "html.escape",
    }


def test_a_shim_outside_module_level_binds_nothing() -> None:
    nested = (
        "def load():\n    try:\n        import lxml.etree as etree\n"
        "    except ImportError:\n        pass\n"
    )
    assert shim_bindings(ast.parse(nested)) == {}


def test_the_project_map_keeps_library_names_only(tmp_path: Path) -> None:
    """The project's own names (`owslib_like.util.local_name`) are the cross-module pass's; the
    module is read up to its last `except ImportError` (after a `def`), not to its end."""
    _write_project(tmp_path)
    sources, _ = discover([str(tmp_path)], (), False)
    config = with_project_shims(ScanConfig(), sources)
    assert config.project_shims == (
        ("owslib_like.etree.Loader", "yaml.CLoader"),
        ("owslib_like.etree.etree", "lxml.etree"),
    )


def test_network_xml_parsed_through_the_shim_is_found(tmp_path: Path) -> None:
    _write_project(tmp_path)
    found = _xxe_lines(tmp_path)
    assert list(found) == [9]
    assert "`lxml.etree.fromstring`" in found[9]


@pytest.mark.parametrize(
    "shim",
    [
        "try:\n    import defusedxml.ElementTree as etree\nexcept ImportError:\n    etree = None\n",
        "try:\n    import xml.etree.cElementTree as etree\nexcept ImportError:\n"
        "    from lxml import etree\n",
    ],
)
def test_a_safe_parser_behind_the_name_is_quiet(tmp_path: Path, shim: str) -> None:
    """defusedxml, or the standard parser preferred over lxml: no entity is resolved."""
    _write_project(tmp_path, shim)
    assert _xxe_lines(tmp_path) == {}


def test_a_relative_import_of_the_shim_is_the_library_too(tmp_path: Path) -> None:
    """`from .etree import etree` in `owslib_like.util` reads the same module."""
    _write_project(tmp_path)
    user = tmp_path / "owslib_like" / "util.py"
    user.write_text(user.read_text().replace("from owslib_like.etree import", "from .etree import"))
    assert list(_xxe_lines(tmp_path)) == [9]
