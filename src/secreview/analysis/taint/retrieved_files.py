"""`urlretrieve`'s answer: the local file it wrote and the response's headers, apart.

`urllib.request.urlretrieve(url, filename=None)` returns `(filename, headers)`. Without a
`filename` it writes to a `tempfile.NamedTemporaryFile` urllib names itself, so the name it
returns is that temporary file's: the URL picks what is downloaded, never where it lands
(Tube Archivist's ffmpeg download opens the returned name with `tarfile.open`). With one, the
name returned is the one given, carrying whatever chose it. The headers come from the server
the URL names, so they keep every argument's data, as an unknown call's result would.
"""

from __future__ import annotations

from collections.abc import Callable

from secreview.analysis.taint.values import CLEAN, Value

_RETRIEVERS = frozenset({"urllib.request.urlretrieve", "urllib.urlretrieve"})
_FILENAME_POSITION = 1


def retrieved_file(
    names: list[str], args: list[Value], kwargs: dict[str, Value], default: Callable[[], Value]
) -> Value | None:
    """The `(filename, headers)` tuple `urlretrieve` returns (see the module docstring), the
    headers being what `default()` says an unknown call returns; None for any other call."""
    if not names or names[0] not in _RETRIEVERS:
        return None
    given = args[_FILENAME_POSITION] if len(args) > _FILENAME_POSITION else kwargs.get("filename")
    filename = CLEAN if given is None or given.const is None else given
    return Value(parts={0: filename, 1: default()}, exact=True, shape="tuple")
