"""What the project's types say before any function is summarised: its fixed-value types, the
validated fields of its models, the keywords its decorators fill, each class's project
ancestors (where a method it inherits from another module's class is summarised), and the
models whose text lists their fields' `repr`s.

Read from each module's `choice_bases`, `decorator_fills`, `keyword_classes` and
`own_text_classes` facts (`secreview.index`), so the
scanner builds it from facts alone and the summary rounds start from it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from secreview.analysis.taint.summaries import ProjectIndex
from secreview.index.choices import project_ancestors, project_choices, validated_fields
from secreview.index.decorator_fills import project_fills
from secreview.index.keyword_fields import project_keyword_fields
from secreview.index.model_text import repr_models


def project_types(
    bases: Mapping[str, tuple[str, ...]],
    defining_name: Callable[[str], str],
    clean: frozenset[str],
    fills: Mapping[str, tuple[str, ...]],
    keywords: Mapping[str, tuple[str, ...]],
    own_text: Mapping[str, tuple[str, ...]],
) -> ProjectIndex:
    """An index of the project's fixed-value types and validated model fields, from each
    module's `choice_bases` (`secreview.index.choices`), and of the keywords its decorators
    fill (`fills`: each module's `decorator_fills`), before any summary."""
    choices = project_choices(bases, defining_name)
    ancestors = project_ancestors(bases, defining_name)
    return ProjectIndex(
        choices=choices,
        fields=validated_fields(bases, defining_name, choices, clean),
        filled=project_fills(fills, bases, defining_name),
        keyword_fields=project_keyword_fields(keywords, ancestors),
        ancestors=ancestors,
        repr_models=repr_models(bases, own_text, defining_name),
    )
