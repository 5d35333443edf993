"""The taint interpreter is one class composed of rule mixins: a method name defined in two of
them would silently shadow one (the mixin later in the method resolution order never runs for
its own callers), which is how two helpers' `_is_request` once crashed a rule on real code."""

from collections import defaultdict

from secreview.analysis.taint.frame import Frame


def test_no_two_mixins_of_the_frame_define_the_same_method() -> None:
    defined_in: dict[str, list[str]] = defaultdict(list)
    for base in Frame.__mro__[1:]:
        for name, value in vars(base).items():
            if callable(value) and not (name.startswith("__") and name.endswith("__")):
                defined_in[name].append(base.__name__)
    shadowed = {name: owners for name, owners in defined_in.items() if len(owners) > 1}
    assert shadowed == {}
