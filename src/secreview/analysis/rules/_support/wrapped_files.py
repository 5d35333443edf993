"""Archive and compression readers wrapped around a file object someone else opened.

`zipfile.ZipFile`, `tarfile.open`, `gzip.open`, `bz2.open` and `lzma.open` take a path or an
open file object. Given a path they open (and own) a descriptor; given a file object they read
through it and leave it open when closed (`ZipFile._filePassed`, `TarFile._extfileobj`,
`GzipFile` without `filename`): the descriptor is whoever opened it, so forgetting to close the
wrapper leaks nothing (`resource-leak` judges the `open` that made it, if this function did).
The argument is a file object when the call says so (`fileobj=`), when it is an in-memory
buffer or a file this function opened (`open(...)`, `path.open()`), when a parameter's
annotation says so (`IO[bytes]`, `BinaryIO`, an upload), or when its name says so
(`file_buffer`, `fileobj`, `fp`, `stream`), as Python code names file objects apart from the
paths they come from.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.local_bindings import bindings_before, single_value
from secreview.analysis.taint.name_words import last_word
from secreview.index.context import ModuleContext

_BUFFERS = frozenset({"io.BytesIO", "io.StringIO"})
_OPENERS = frozenset({"open", "io.open", "builtins.open"})
_FILE_OBJECT_WORDS = frozenset({"buffer", "buf", "fileobj", "fobj", "fp", "fh", "stream"})
"""Last words of a name that hold an open file object, not a path (`file_buffer`, `src_fp`)."""
_FILE_OBJECT_NAMES = frozenset({"file_obj", "f_obj", "file_object"})
"""Whole names of one (`obj` alone also ends `path_obj`, a path)."""
_FILE_OBJECT_TYPES = frozenset(
    {
        "IO", "BinaryIO", "TextIO", "BytesIO", "BufferedReader", "BufferedIOBase", "RawIOBase",
        "IOBase", "SpooledTemporaryFile", "UploadedFile", "InMemoryUploadedFile",
        "TemporaryUploadedFile", "UploadFile", "FileStorage", "File",
    }
)  # fmt: skip
"""Annotations of a parameter holding an open file (typing, io, Django/Starlette/Werkzeug
uploads): the last part of the annotation's name, without its subscript."""


def wraps_file_object(call: ast.Call, context: ModuleContext) -> bool:
    """Whether the archive or compression reader `call` reads a file object it was handed
    rather than a path it opens (see the module docstring)."""
    if any(k.arg == "fileobj" for k in call.keywords):
        return True
    given = call.args[0] if call.args else context.keyword(call, "file")
    return given is not None and _is_file_object(given, context)


def _is_file_object(expr: ast.expr, context: ModuleContext) -> bool:
    value = single_value(context, expr)
    if isinstance(value, ast.Call):
        name = context.call_name(value) or ""
        opened = isinstance(value.func, ast.Attribute) and value.func.attr == "open"
        return name in _BUFFERS or name in _OPENERS or opened
    if isinstance(value, ast.Name) and _annotated_as_file(value, context):
        return True
    named = value.id if isinstance(value, ast.Name) else getattr(value, "attr", "")
    return last_word(named) in _FILE_OBJECT_WORDS or named.lower() in _FILE_OBJECT_NAMES


def _annotated_as_file(name: ast.Name, context: ModuleContext) -> bool:
    """Whether `name` is a parameter annotated as an open file (`IO[bytes]`, `UploadFile`)."""
    bindings = bindings_before(context, name) or []
    annotations = [b.node.annotation for b in bindings if isinstance(b.node, ast.arg)]
    return bool(annotations) and all(_file_type(a) for a in annotations)


def _file_type(annotation: ast.expr | None) -> bool:
    if isinstance(annotation, ast.Subscript):
        annotation = annotation.value
    if isinstance(annotation, ast.Attribute):
        return annotation.attr in _FILE_OBJECT_TYPES
    return isinstance(annotation, ast.Name) and annotation.id in _FILE_OBJECT_TYPES
