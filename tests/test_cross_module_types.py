"""Types a project helper hands across modules: what the models say a library call returns."""

from __future__ import annotations

from pathlib import Path

import pytest
from annotated_projects import annotation_problems


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_template_from_a_wrapper_of_djangos_loader_renders_escaped_in_its_callers(
    tmp_path: Path, jobs: int
) -> None:
    """`def get_template(request, name): return loader.get_template(name)` in one module gives
    its callers a Django template, whose `render` autoescapes; a Jinja template built without
    autoescaping by the same kind of helper still renders the text as markup."""
    checked, problems = annotation_problems("templatewrappers", tmp_path, jobs)
    assert checked >= 3 and not problems, problems
