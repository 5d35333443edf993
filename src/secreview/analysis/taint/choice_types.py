"""What a module knows of types that admit only fixed values: its own enums, and the project's
(`secreview.index.choices`), for view parameters a framework validates and model fields.

A mixin of `ModuleIndex`, kept apart because the index of one module's names is a different
question from what a value of a type can hold. It also answers which keywords of a view the
project's decorators fill with values they build (`secreview.index.decorator_fills`), another
project fact with the same fallback to the module's own definitions.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING

from secreview.analysis.models import Models
from secreview.analysis.taint.formats import as_field_reprs
from secreview.analysis.taint.pattern_types import library_kinds
from secreview.analysis.taint.summaries import ProjectIndex
from secreview.analysis.taint.values import CLEAN, Flow, Value
from secreview.index.choices import (
    ENUM_BASES,
    choice_bases,
    patterned_fields,
    project_ancestors,
    project_choices,
    validated_fields,
    without_none,
)
from secreview.index.context import ModuleContext
from secreview.index.decorator_fills import decorator_fills, project_fills
from secreview.index.dependencies import annotated_metadata, is_dependency, is_marker_call
from secreview.index.keyword_fields import keyword_classes, project_keyword_fields
from secreview.index.model_text import own_text_classes, repr_models
from secreview.index.node_types import nodes_of

_PROVIDERS = frozenset({"litestar.di.Provide", "litestar.Provide"})
"""Litestar's dependency marker: `dependencies = {"users_service": Provide(provide_users)}`."""


class ChoiceTypes:
    """Fixed-value types and validated model fields, as one module's analysis asks them."""

    if TYPE_CHECKING:
        # What `ModuleIndex` provides.
        classes: dict[str, ast.ClassDef]
        project: ProjectIndex
        models: Models
        context: ModuleContext
        module_name: str

        def base_names(self, cls: ast.ClassDef) -> list[str]: ...

        def qualified(self, node: ast.AST) -> str | None: ...

    def is_enum_class(self, class_name: str, depth: int = 0) -> bool:
        """Whether a class of the module is an `enum.Enum` (its calls return a member)."""
        cls = self.classes.get(class_name)
        if cls is None or depth > 8:
            return False
        for name in self.base_names(cls):
            short = name.rsplit(".", 1)[-1]
            if short in ENUM_BASES:
                return True
            if short != class_name and self.is_enum_class(short, depth + 1):
                return True
        return False

    def is_choice_type(self, annotation: str, qualified: str | None) -> bool:
        """Whether an annotation admits only fixed values, which a framework validating by
        annotations checks before the view runs: a `Literal`, an enum of the module, or by its
        `qualified` name a type another module of the project defines (`ProjectIndex.choices`),
        or an alias of this module's (a `Literal`, a FastAPI dependency: `choices.choice_bases`);
        a type FastAPI fills from a dependency holds no request text either."""
        if annotation.startswith(("Literal[", "typing.Literal[")):
            return True
        if self.is_enum_class(annotation) or qualified in self.project.choices:
            return True
        if "Depends(" in annotation or "Security(" in annotation:  # `Annotated[T, Depends(f)]`
            return is_dependency(ast.parse(annotation, mode="eval").body)
        return f"{self.module_name}.{annotation}" in self._own_choices

    def fills_from_dependency(self, annotation: ast.expr | None, default: ast.expr | None) -> bool:
        """Whether FastAPI fills a view parameter by calling a dependency: its default is a
        `Depends(...)` or a call of a function giving one (`RoleACL(...)`), or names one held at
        module level (`event_service_dependency`); its `Annotated` metadata calls such a function
        (`Annotated[Role, RoleACL(...)]`). `secreview.index.dependencies` finds the project's."""
        if default is not None and (is_marker_call(default) or self._names_dependency(default)):
            return True
        if annotation is None:
            return False
        return any(self._names_dependency(item) for item in annotated_metadata(annotation))

    def _names_dependency(self, node: ast.expr) -> bool:
        """Whether `node` is a dependency the module or the project declares by name, or a
        call of a function giving one."""
        named = node.func if isinstance(node, ast.Call) else node
        if isinstance(named, ast.Name):  # the module's own (its imports resolve below)
            own = f"{self.module_name}.{named.id}"
            if own in self._own_choices or own in self.project.choices:
                return True
        return self.qualified(named) in self.project.choices

    @cached_property
    def _own_choices(self) -> frozenset[str]:
        """`project_choices` of this module's own classes and aliases (a single file has no
        project, and a name the module defines is not qualified through its imports)."""
        own = {self.module_name: choice_bases(self.context.tree)}
        return project_choices(own, self._own_name)

    def text_form(self, value: Value, node: ast.AST) -> Value:
        """`value` as formatting it writes it: an object whose text is its fields' `repr`s or
        no data (`writes_field_reprs`: a pydantic model, a plain class) is safe for line
        breaks, and so is one among a tuple of arguments (`"%s: %s" % (name, model)`);
        anything else is itself."""
        if self.writes_field_reprs(value):
            return as_field_reprs(value, node)
        if value.shape == "tuple" and any(map(self.writes_field_reprs, value.parts.values())):
            return replace(
                value, parts={k: self.text_form(v, node) for k, v in value.parts.items()}
            )
        return value

    def writes_field_reprs(self, value: Value) -> bool:
        """Whether `value` is an object whose text lists each field's `repr` or no data (a
        pydantic model, a class whose `__repr__` writes reprs, a plain class:
        `secreview.index.model_text`): of this module's classes by its own tree, of another
        module's by `ProjectIndex.repr_models`. Formatted whole, it writes no line break."""
        kind = value.type or ""
        if kind.startswith("class:"):
            return f"{self.module_name}.{kind.removeprefix('class:')}" in self._own_repr_models
        return kind in self.project.repr_models

    @cached_property
    def _own_repr_models(self) -> frozenset[str]:
        """`repr_models` of this module's own classes, on top of the project's."""
        tree, module = self.context.tree, self.module_name
        return repr_models(
            {module: choice_bases(tree)},
            {module: own_text_classes(tree)},
            self._own_name,
            self.project.repr_models,
        )

    def validated_parts(
        self, annotation: ast.expr | None, qualified: str | None, flows: Iterable[Flow]
    ) -> dict[object, Value]:
        """The parts of a parameter typed by a validating model (pydantic's): the fields it
        declares with a fixed-value type hold no free text, and those it declares with a
        library type the models give a pattern (`FidesKey`) hold the parameter's `flows` made
        safe for what the pattern allows. A model of another module is known by its
        `qualified` name (`ProjectIndex.fields`, `.patterned`), one of this module by its own."""
        fields = self.project.fields.get(qualified or "")
        own = ""
        if annotation is not None and (self._own_validated_fields or self._own_patterned):
            own = f"{self.module_name}.{ast.unparse(without_none(annotation))}"
        if fields is None and own:
            fields = self._own_validated_fields.get(own)
        parts: dict[object, Value] = {}
        typed = self.project.patterned.get(qualified or "") or self._own_patterned.get(own, {})
        for field, library_type in sorted(typed.items()):
            kinds = library_kinds(library_type, self.models.pattern_types)
            if kinds:
                parts[f".{field}"] = Value(flows=frozenset(f.sanitised(kinds) for f in flows))
        return parts | {f".{field}": CLEAN for field in sorted(fields or ())}

    @cached_property
    def _own_patterned(self) -> dict[str, dict[str, str]]:
        """`patterned_fields` of this module's own models (a single file has no project)."""
        own = {self.module_name: choice_bases(self.context.tree)}
        return patterned_fields(own, self._own_name, self.models.pattern_types)

    @cached_property
    def _own_validated_fields(self) -> dict[str, frozenset[str]]:
        """`validated_fields` of this module's own models (a single file has no project)."""
        own = {self.module_name: choice_bases(self.context.tree)}
        choices = project_choices(own, self._own_name) | self.project.choices
        clean = self.models.clean_annotations
        return validated_fields(own, self._own_name, choices, clean)

    def _own_name(self, name: str) -> str:
        """`module.name` as the module's imports define it (`module.Enum` -> `enum.Enum`)."""
        spelled = name.removeprefix(f"{self.module_name}.")
        head, dot, rest = spelled.partition(".")
        imported = self.context.import_aliases.get(head)
        return f"{imported}{dot}{rest}" if imported else name

    def filled_by_decorators(
        self, decorators: list[ast.expr], parameters: Sequence[ast.arg] = ()
    ) -> frozenset[str]:
        """Keywords the project's decorators among `decorators` fill for the view they wrap
        with values they build (`ProjectIndex.filled`; a decorator of this module by its own
        definition, as a single file has no project), and the Litestar dependencies the module
        declares (`_provided`): not the request's data. A positional fill (`#1`, see
        `decorator_fills`) names the view's parameter at that place in `parameters`."""
        fills = self.project.filled or self._own_filled  # the project's holds this module's
        found: set[str] = set()
        for decorator in decorators:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            name = self.qualified(target)
            if name is None and isinstance(target, ast.Name):
                name = f"{self.module_name}.{target.id}"
            if name is not None:
                found |= fills.get(name, frozenset())
        for fill in [f for f in found if f.startswith("#")]:
            found.discard(fill)
            if int(fill[1:]) < len(parameters):
                found.add(parameters[int(fill[1:])].arg)
        return frozenset(found) | self._provided

    @cached_property
    def _provided(self) -> frozenset[str]:
        """Names this module declares as Litestar dependencies (`dependencies = {"users_service":
        Provide(provide_users_service)}` on a controller, a router or a handler's decorator).

        Litestar fills a handler parameter of such a name with what the provider built (a
        service, a repository, a session), never with the request's data.
        """
        if "Provide" not in self.context.text:
            return frozenset()  # the cheap test first: most modules declare no dependency
        found: set[str] = set()
        for node in nodes_of(self.context, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                    continue
                if isinstance(value, ast.Call) and self.qualified(value.func) in _PROVIDERS:
                    found.add(key.value)
        return frozenset(found)

    @cached_property
    def _own_filled(self) -> dict[str, frozenset[str]]:
        """`project_fills` of this module's own decorators."""
        tree = self.context.tree
        own = {self.module_name: decorator_fills(tree, self.context.text)}
        return project_fills(own, {self.module_name: choice_bases(tree)}, self._own_name)

    def keyword_fields(self, qualified: str) -> frozenset[str]:
        """The fields of the class `qualified` if it is built field by field from keywords (a
        model, a dataclass: `ProjectIndex.keyword_fields`; of this module by its own classes,
        as a single file has no project), else none."""
        fields = self.project.keyword_fields.get(qualified)
        if fields is None and not self.project.keyword_fields:
            fields = self._own_keyword_fields.get(qualified)
        return fields or frozenset()

    @cached_property
    def _own_keyword_fields(self) -> dict[str, frozenset[str]]:
        """`project_keyword_fields` of this module's own classes."""
        tree = self.context.tree
        ancestors = project_ancestors({self.module_name: choice_bases(tree)}, self._own_name)
        return project_keyword_fields({self.module_name: keyword_classes(tree)}, ancestors)
