"""Calls into code the engine cannot read: library APIs described by the models, builtin methods.

A library call's result comes from its models (a source, a sanitiser, a typed result such as a
cursor or a response) or, for the common `str`/`list`/`dict` methods, from what those methods do
to their receiver and arguments (`append` stores into a list, `strip` keeps the taint, the `keys`
of request data are chosen by the sender). `calls.py` follows the code the engine can read.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import replace

from secreview.analysis.models import ALL_KINDS
from secreview.analysis.taint.alphabets import kinds_safe_after_filter
from secreview.analysis.taint.builtin_calls import (
    as_text,
    config_option,
    constant_attribute,
    dict_of_keywords,
    sequence_of_elements,
)
from secreview.analysis.taint.configured_urls import keeps_path_start
from secreview.analysis.taint.containers import items_of
from secreview.analysis.taint.declared_media import not_a_page
from secreview.analysis.taint.escapers import (
    PERCENT_ENCODERS,
    percent_encoded_name,
    replace_chain_table,
    replaced_again,
    translation_kinds,
)
from secreview.analysis.taint.formats import (
    BYTES_TYPES,
    brace_arguments,
    brace_prefix,
    encoded_type,
    formatted,
    is_plain_container,
)
from secreview.analysis.taint.frame_state import FrameState
from secreview.analysis.taint.guard_shapes import without_leading_slashes
from secreview.analysis.taint.identity_lookups import (
    answers_with_rows,
    consumed_kinds,
    reads_a_store,
)
from secreview.analysis.taint.line_break_subs import removed_line_breaks
from secreview.analysis.taint.markers import ONLY_CHOSE
from secreview.analysis.taint.matched_groups import (
    MATCH_METHODS,
    MATCHERS,
    compiled_pattern,
    group_of,
    match_object,
)
from secreview.analysis.taint.model_replies import prompted
from secreview.analysis.taint.name_words import named_to_store
from secreview.analysis.taint.parameter_settings import settings_with_defaults
from secreview.analysis.taint.request_bodies import url_chooses_server
from secreview.analysis.taint.retrieved_files import retrieved_file
from secreview.analysis.taint.semantics import (
    CLEAN_METHODS,
    CODE_COMPILERS,
    HEX_DIGESTS,
    MUTATORS,
    TEXT_DECODERS,
    TEXT_KEEPING_METHODS,
    compiled_for_a_dialect,
    is_module_type,
    only_chooses_output,
    source_flow,
    without_line_breaks,
    without_path_parts,
)
from secreview.analysis.taint.server_answers import answered
from secreview.analysis.taint.sinks import arguments_match
from secreview.analysis.taint.unread_calls import through_unread_call
from secreview.analysis.taint.url_parts import rebuilt_url
from secreview.analysis.taint.values import (
    CLEAN,
    KEYS,
    Flow,
    Value,
    has_query_mark,
    join,
    merge_flows,
    narrowed,
    tainted,
)


class LibraryRules(FrameState):
    """Results of library calls: models, and the builtin methods of strings and containers."""

    def _mapped_sanitizer(self, node: ast.Call, names: list[str]) -> str | None:
        """The sanitiser `map(SANITISER, items)` applies to every item, if it is one."""
        if "map" not in names or len(node.args) < 2 or node.keywords:
            return None
        function = node.args[0]
        if not isinstance(function, ast.Name | ast.Attribute):
            return None
        name = self.qualified(function)
        return name if name in self.models.sanitizers else None

    def modelled_result(
        self,
        node: ast.Call,
        names: list[str],
        receiver: Value | None,
        method: str | None,
        args: list[Value],
        kwargs: dict[str, Value],
    ) -> Value:
        """The result of a library call, from sources, sanitisers, types and string semantics."""
        named = constant_attribute(names, args, lambda obj, key: self.read_member(obj, key, node))
        if named is not None:
            return named  # `getattr(row, "id", None)` is `row.id`
        sequence = sequence_of_elements(names, args, kwargs, self.element_of)
        if sequence is not None:
            return sequence  # `zip(names, ids)`, `list(xs)`: each element as it was built
        keyed = dict_of_keywords(node, names, args, kwargs)
        if keyed is not None:
            return keyed  # `dict(template="x.html", form=form)`: each key holds its own value
        rebuilt = rebuilt_url(node, names, receiver, args, kwargs)
        if rebuilt is not None:
            return rebuilt  # `urlunparse(parts)`: its query and fragment are past the host
        retrieved = retrieved_file(
            names, args, kwargs, lambda: self.default_result([receiver, *args], kwargs, node)
        )
        if retrieved is not None:
            return retrieved  # `urlretrieve(url)`: a temporary file urllib named, and headers
        if answers_with_rows(node, names, self.models):
            return CLEAN  # `session.get(User, user_id)`, `repo.find_by_email(e)`: rows, not keys
        keys = 1 if method == "get" and reads_a_store(node, names, self.models) else 0
        # `cache.get(key)`, `store.get(key, default)`: an element or the default, not the key
        inputs: list[Value | None] = [receiver, *args[keys:], *kwargs.values()]
        settings = (  # only settings a model types the result by are worth reading
            settings_with_defaults(self.node, node, kwargs, self.context)
            if any(model.when for name in names for model in self.models.returns.get(name, ()))
            else kwargs
        )
        consumed = consumed_kinds(node, names, self.models)
        if (  # a query's rows, an opened file, a compiled pattern: not the text passed in
            consumed
            and all(kind in self.models.consuming_sinks for kind in consumed)
            and not any(name in self.models.source_calls for name in names)
        ):  # (unless a source model names the call: IMAP's `fetch` is no database's `*.fetch`)
            return self.typed_result(CLEAN, names[0], settings, args)
        if names and names[0] in CODE_COMPILERS:  # the code of `source`; a file name is a label
            return self.default_result([args[0] if args else kwargs.get("source")], {}, node)
        if only_chooses_output(consumed, args, kwargs):
            result = self.default_result(inputs, kwargs, node)
            chosen = url_chooses_server(result, names, args, kwargs).mapped(
                lambda f: f.then(node, "output it chose").sanitised((ONLY_CHOSE,))
            )
            return self.typed_result(Value(flows=chosen.all_flows()), names[0], settings, args)
        if receiver is not None and method is not None and receiver.type:
            source = self.typed_source(receiver.type, method, node)
            if source is not None:  # `request.get_json()`, `await request.body()`
                return answered(source, receiver)
            converter = kwargs.get("type")
            if (
                method == "get"
                and converter is not None
                and (converter.type in self.models.clean_annotations)
            ):
                return CLEAN  # `request.args.get("page", type=int)` converts (or drops) the value
        mapped = self._mapped_sanitizer(node, names)
        if mapped is not None:
            # `map(re.escape, words)`: each element goes through the sanitiser, as one call would.
            return self.modelled_result(node, [mapped], None, None, args[1:], {})
        if names and names[0] == "str" and len(args) == 1:  # `"%s" % x`: the reprs of an object
            written = self.analysis.text_form(args[0], node)  # or container, or bytes
            if written is not args[0] or is_plain_container(written) or written.type in BYTES_TYPES:
                model = self.models.sanitizers.get("str")
                return formatted(written, frozenset(model.protects if model else ()), node)
        for name in names:
            source = self.models.source_calls.get(name)
            if source is not None:
                flow = source_flow(node, source, self.analysis.shown(node) or name)
                flow = prompted(flow, inputs)  # a prompt holding a client's data
                if source.returns_arguments:  # `random.choice(options)` is one of the options
                    return self.default_result(inputs, kwargs, node).with_flows([flow])
                return self.typed_result(tainted([flow]), name, settings)  # an ASGI message
            sanitizer = self.models.sanitizers.get(name)
            if sanitizer is not None:
                if ALL_KINDS in sanitizer.protects:
                    # A cast or a digest leaves no attacker-chosen text, but a password stays a
                    # secret and a predictable number stays predictable: dedicated origins go on.
                    kept = self._dedicated_flows(inputs, kwargs, node, name)
                    return self.typed_result(tainted(kept) if kept else CLEAN, name, settings)
                kinds = (*sanitizer.protects, *percent_encoded_name(name, args, kwargs))
                protected = self.default_result(inputs, kwargs, node).mapped(
                    lambda f, s=sanitizer, n=name, k=kinds: f.then(
                        node, f"`{n}`: {s.note}"
                    ).sanitised(k)
                )
                text = as_text(protected, name, args)
                if name in PERCENT_ENCODERS and len(kinds) == len(sanitizer.protects):
                    text = keeps_path_start(text, args)  # `quote(request.path)` keeps its `/`
                return self.typed_result(text, name, settings)
        if isinstance(node.func, ast.Attribute) and method in MATCH_METHODS and args:
            pattern = self.compiled_pattern(node.func.value)
            if pattern is not None:
                return match_object(node, pattern, args[0])  # `MARGIN.match(line)`
        if names and names[0] in MATCHERS and len(args) > 1 and args[0].is_constant:
            return match_object(node, args[0].const, args[1])
        if method == "sub" and len(args) > 1 and isinstance(node.func, ast.Attribute):
            pattern = self.compiled_pattern(node.func.value)
            filtered = self.alphabet_filter(node, pattern, args[0], args[1])
            if filtered is not None:
                return filtered
        if receiver is not None and method is not None and not is_module_type(receiver):
            handled = self.method_result(node, receiver, method, args, kwargs)
            if handled is not None:
                return self.typed_result(handled, names[0] if names else "", settings)
        if names and names[0] in ("re.sub", "regex.sub") and len(args) > 2:
            filtered = self.alphabet_filter(node, args[0].const, args[1], args[2])
            if filtered is not None:
                return filtered
        result = self.guessed_sanitiser(node, self.default_result(inputs, kwargs, node), args)
        result = through_unread_call(result, names, node, self.context, self.models)
        result = url_chooses_server(not_a_page(result, node, self.context), names, args, kwargs)
        guessed = self.guessed_request_read(node, args, kwargs) or self.guessed_download(
            node, receiver, method
        )
        if guessed is not None:
            result = result.with_flows([guessed])
        if names:
            result = as_text(result, names[0], args)
            if names[0] in TEXT_DECODERS:
                note = TEXT_DECODERS[names[0]]
                result = result.mapped(lambda f: f.decoded(node, note))
        return self.typed_result(result, names[0] if names else "", settings, args)

    def typed_result(
        self,
        value: Value,
        name: str,
        kwargs: Mapping[str, Value],
        args: list[Value] | None = None,
    ) -> Value:
        """`value` with the type the models give the result of `name` (called with `args`)."""
        for model in self.models.returns.get(name, ()):
            if (
                all(kwargs.get(k, CLEAN).const == v for k, v in model.when)
                and all(kwargs.get(k, CLEAN).type in types for k, types in model.when_types)
                and arguments_match(model.arg_patterns, args or [])
            ):
                return replace(value, type=model.type)
        return value

    def _dedicated_flows(
        self, inputs: list[Value | None], kwargs: dict[str, Value], node: ast.AST, name: str
    ) -> list[Flow]:
        """Flows of dedicated origins in a call's inputs, continued through the call `name`."""
        dedicated = self.models.dedicated_origins
        if not dedicated:
            return []
        return [
            flow.then(node, f"still {flow.origin} after `{name}`")
            for flow in self.default_result(inputs, kwargs, node).flows
            if flow.origin in dedicated
        ]

    def alphabet_filter(
        self, node: ast.Call, pattern: object, replacement: Value, text: Value
    ) -> Value | None:
        """`re.sub("[^...]", repl, text)`: the text can then hold only the class's characters,
        safe for the sink kinds none of whose dangerous characters is among them (None when the
        call is no such filter)."""
        if replacement.all_flows():
            return None
        count_at = 3 if self.qualified(node.func) in ("re.sub", "regex.sub") else 2
        removed = removed_line_breaks(pattern, replacement.const, node, count_at)
        if removed:
            return text.mapped(lambda f: without_line_breaks(f, removed, node))
        kinds = kinds_safe_after_filter(pattern, replacement.const)
        if kinds is not None and not kinds:
            return None
        return self.escaped(node, text, kinds, "only the characters of a fixed class kept")

    def compiled_pattern(self, expression: ast.expr) -> object:
        """The pattern text a constant compiled once holds (`matched_groups.compiled_pattern`)."""
        owner = self.analysis.method_class.get(id(self.node))
        return compiled_pattern(expression, self.context, self.qualified, owner)

    def method_result(
        self,
        node: ast.Call,
        receiver: Value,
        method: str,
        args: list[Value],
        kwargs: dict[str, Value],
    ) -> Value | None:
        """Results and side effects of common str/list/dict methods; None to use the default."""
        base = node.func.value if isinstance(node.func, ast.Attribute) else None
        if method in CLEAN_METHODS:
            return CLEAN
        if method in HEX_DIGESTS:
            kept = self._dedicated_flows([receiver], {}, node, method)
            return tainted(kept) if kept else CLEAN
        if compiled_for_a_dialect(node):
            return Value(flows=receiver.all_flows())
        group = group_of(receiver, method, args)
        if group is not None:
            return group
        option = config_option(method, args)
        if option is not None and base is not None and isinstance(base, ast.Name | ast.Attribute):
            if method == "set":
                self.store_back(base, receiver.with_part(option, args[2]))
                return CLEAN
            if option in receiver.parts:
                return receiver.parts[option]
        stores = method in MUTATORS or (receiver.type is None and named_to_store(method))
        if stores and base is not None and isinstance(base, ast.Name | ast.Attribute):
            self.store_back(base, self.stored_by(node, receiver, method, args, kwargs))
            return CLEAN
        if method in ("get", "pop", "setdefault") and args:
            key = args[0]
            default = args[1] if len(args) > 1 else CLEAN
            if receiver.type in self.models.typed_sources:
                return Value(flows=receiver.all_flows())
            if key.is_constant:
                found = receiver.part(key.const)  # of a parameter: that part of it
                if method == "pop" and base is not None and isinstance(base, ast.Name):
                    self.remove_key(base, receiver, key.const)
                return join(found, default) if key.const not in receiver.parts else found
            return join(receiver.any_part(), default)
        if method == "pop" and not args and receiver.exact and receiver.parts:
            last = max((k for k in receiver.parts if isinstance(k, int)), default=None)
            if last is not None:
                if isinstance(base, ast.Name):
                    self.remove_key(base, receiver, last)
                return receiver.parts[last]
        if method == "clear" and isinstance(base, ast.Name):
            self.bind(base.id, replace(receiver, flows=frozenset(), parts={}, exact=True))
            return CLEAN
        if method == "keys":
            # Keys of request data are chosen by the sender; of a parameter, they are the keys
            # of what each caller passes, not the values it holds at constant keys (`KEYS`).
            return Value(flows=narrowed(receiver.flows, KEYS))
        if method in ("values", "items", "copy"):
            return items_of(receiver, method) if method != "copy" else receiver
        if method == "join" and args:
            return Value(
                flows=merge_flows(receiver.all_flows(), args[0].all_flows()),
                prefix=receiver.prefix if not args[0].is_constant else "",
            )
        if method == "translate" and len(node.args) == 1 and isinstance(node.func, ast.Attribute):
            kinds = translation_kinds(self.translation_table(node.args[0]))
            return self.escaped(node, Value(flows=receiver.all_flows()), kinds)
        if method == "format":
            if isinstance(receiver.const, str):  # an object written as its fields' reprs
                texts = [self.analysis.text_form(a, node) for a in args]
                args, kwargs = brace_arguments(receiver.const, texts, kwargs, node)
            flows = merge_flows(
                receiver.all_flows(),
                *(a.all_flows() for a in args),
                *(v.all_flows() for v in kwargs.values()),
            )
            prefix = (
                brace_prefix(receiver.const, args, kwargs)
                if isinstance(receiver.const, str)
                else receiver.prefix
            )
            query = isinstance(receiver.const, str) and has_query_mark(receiver.const)
            return Value(flows=flows, prefix=prefix, query=query or receiver.query)
        if method == "replace" and len(args) > 1:
            flows = merge_flows(receiver.all_flows(), args[1].all_flows())
            removed = args[0].const
            if (
                isinstance(removed, str)
                and ("\n" in removed or "\r" in removed)
                and not args[1].all_flows()
            ):
                flows = merge_flows(without_line_breaks(f, removed, node) for f in flows)
            elif isinstance(removed, str) and isinstance(args[1].const, str):
                flows = merge_flows(
                    without_path_parts(f, removed, args[1].const, node) for f in flows
                )
            replaced = Value(
                flows=flows,
                prefix=receiver.prefix if receiver.prefix.find(str(removed)) < 0 else "",
            )
            table = replace_chain_table(node, self.context.constant_value)
            kinds = False if replaced_again(node, self.context) else translation_kinds(table)
            return self.escaped(node, replaced, kinds, "characters replaced by fixed text")
        if method in ("split", "rsplit", "splitlines", "partition", "rpartition"):
            return Value(flows=receiver.all_flows(), shape="list")
        if method in TEXT_KEEPING_METHODS:
            keeps_prefix = method in ("rstrip", "encode", "decode", "ljust", "removesuffix")
            flows = without_leading_slashes(receiver.all_flows(), method, args)
            kind = encoded_type(method, args, kwargs)  # `text.encode()` is bytes
            return Value(flows=flows, prefix=receiver.prefix if keeps_prefix else "", type=kind)
        return None
