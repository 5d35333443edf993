"""Guards the fixtures do not show well: what a check does *not* prove."""

from __future__ import annotations

import ast
import textwrap

from secreview.analysis.taint import AnalysisContext, taint_events

HEADER = "import os\nfrom flask import request, abort\nBASE = '/srv/files'\n"


def lines(code: str) -> list[int]:
    """Lines of the sinks reached in `code` (after `HEADER`)."""
    text = HEADER + textwrap.dedent(code)
    context = AnalysisContext(path="app.py", text=text, tree=ast.parse(text))
    return [e.node.lineno - 3 for e in taint_events(context).events]  # type: ignore[attr-defined]


def test_a_prefix_check_before_normalising_proves_nothing() -> None:
    # "/srv/files/../../etc/passwd" starts with BASE; normalised afterwards it does not.
    assert lines(
        """
        def view():
            path = os.path.join(BASE, request.args["f"])
            if not path.startswith(BASE):
                abort(404)
            path = os.path.normpath(path)
            return open(path).read()
        """
    ) == [7]


def test_a_stored_check_counts_only_on_the_path_it_was_made() -> None:
    assert lines(
        """
        def view():
            name = request.args["f"]
            ok = name.isalnum()
            if request.args.get("other"):
                name = request.args["other"]
            if not ok:
                abort(400)
            os.system("cat " + name)
        """
    ) == [9]


def test_a_check_of_another_variable_does_not_clean_this_one() -> None:
    assert lines(
        """
        from urllib.parse import urlparse
        import requests
        HOSTS = {"example.com"}
        def view():
            url = request.args["u"]
            other = request.args["o"]
            parsed = urlparse(other)
            if parsed.netloc not in HOSTS:
                abort(400)
            return requests.get(url, timeout=5).text
        """
    ) == [11]


def test_a_separator_rejected_without_dots_still_allows_parent_names() -> None:
    # ".." alone climbs out of BASE although it holds no "/".
    assert lines(
        """
        def view():
            name = request.args["f"]
            if "/" in name:
                abort(400)
            return open(os.path.join(BASE, name)).read()
        """
    ) == [6]
