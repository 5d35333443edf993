"""Read one file as text, turning every way it can be unreadable into one clear sentence.

The code is only ever read as text: never imported, never executed. Only regular files are read,
and that is checked on the open file descriptor, so a FIFO or device swapped in after discovery
can neither block the scan nor feed it endless data.
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import stat
import tokenize
from pathlib import Path

from secreview.findings import ErrorKind

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
_BINARY_SNIFF_BYTES = 8192
_DECODE_CHUNK_BYTES = 8192
"""What io.TextIOWrapper decodes at a time when Python runs a script."""
# O_NONBLOCK: opening a FIFO must not wait for a writer. O_NOCTTY: a terminal must not become ours.
_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)

_FILE_TYPES = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


class UnreadableSourceError(Exception):
    """The file cannot be reviewed; the message says why, in one sentence, and `kind` the class."""

    def __init__(self, message: str, kind: ErrorKind = ErrorKind.UNREADABLE) -> None:
        super().__init__(message)
        self.kind = kind


def not_regular_reason(mode: int) -> str:
    """Why a file of this mode is not read: the same sentence in discovery and in reading."""
    if stat.S_ISDIR(mode):
        return "is a directory, not a file"
    kind = next((name for is_kind, name in _FILE_TYPES if is_kind(mode)), "a special file")
    return f"is not a regular file ({kind})"


def _text_codec(encoding: str) -> codecs.CodecInfo:
    """The codec Python would decode this source with, refusing what Python itself refuses."""
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        raise UnreadableSourceError(
            f"declares an unknown encoding: {encoding}", ErrorKind.ENCODING
        ) from None
    # rot13, hex, base64, zlib... transform bytes to bytes; Python will not run such a file.
    if not getattr(codec, "_is_text_encoding", True):
        raise UnreadableSourceError(
            f"declares the {encoding} codec, which is not a text encoding (Python refuses "
            "to run such a file)",
            ErrorKind.ENCODING,
        )
    return codec


def _decode_as_python_reads(data: bytes, codec: codecs.CodecInfo) -> str:
    """Decode in chunks with the codec's incremental decoder, as the interpreter reads a script.

    For every real text encoding this is the same text as one `bytes.decode`; for the stateless
    domain-name codecs (punycode, idna) it is what `python file.py` sees, and it keeps their
    quadratic decoding bounded by the chunk size instead of by the file size.
    """
    if codec.incrementaldecoder is None:
        return str(codec.decode(data, "strict")[0])
    decoder = codec.incrementaldecoder("strict")
    parts = [
        decoder.decode(data[start : start + _DECODE_CHUNK_BYTES])
        for start in range(0, len(data), _DECODE_CHUNK_BYTES)
    ]
    parts.append(decoder.decode(b"", True))
    return "".join(parts)


def decode_source(data: bytes) -> str:
    """Decode Python source bytes honouring a BOM or a PEP 263 coding declaration."""
    if b"\x00" in data[:_BINARY_SNIFF_BYTES]:
        raise UnreadableSourceError(
            "is a binary file (it contains NUL bytes), not Python source", ErrorKind.ENCODING
        )
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        if "unknown encoding" in error.msg:
            declared = error.msg.rsplit(": ", 1)[-1]
            raise UnreadableSourceError(
                f"declares an unknown encoding: {declared}", ErrorKind.ENCODING
            ) from None
        if "encoding problem" in error.msg:
            raise UnreadableSourceError(
                "has a UTF-8 byte-order mark but declares another encoding (Python refuses "
                "such a file)",
                ErrorKind.ENCODING,
            ) from None
        encoding = "utf-8"  # undecodable first lines: let the decode below say so precisely
    codec = _text_codec(encoding)
    try:
        text = _decode_as_python_reads(data, codec)
    except UnicodeDecodeError as error:
        raise UnreadableSourceError(
            f"is not valid {encoding} text ({error.reason}); declare its encoding with a "
            "'# -*- coding: ... -*-' line or convert it to UTF-8",
            ErrorKind.ENCODING,
        ) from None
    except Exception as error:  # a codec may raise anything; each is the input's fault
        raise UnreadableSourceError(
            f"cannot be decoded with its declared {encoding} encoding ({error})",
            ErrorKind.ENCODING,
        ) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def too_large(size: int, max_bytes: int) -> UnreadableSourceError:
    """The error of a file of `size` bytes over `max_bytes`, one sentence wherever a file is
    found too large (on disk, in git's objects, in a project a change is reviewed in)."""
    return UnreadableSourceError(
        f"is {size:,} bytes, over the {max_bytes:,}-byte limit; raise --max-file-size to review it",
        ErrorKind.TOO_LARGE,
    )


def open_path(path: str | os.PathLike[str], *, folder: bool = False) -> int:
    """A descriptor to read `path` (a folder's, to list it, when `folder`), never blocking on a
    pipe, also for a path longer than PATH_MAX (opened one folder at a time).

    The kernel refuses whole paths over PATH_MAX (ENAMETOOLONG) although each folder on the way
    can be opened relative to the previous one (`openat`), which is how such files are read.
    """
    flags = _FOLDER_FLAGS if folder else _READ_FLAGS
    try:
        return os.open(path, flags)
    except OSError as error:
        if error.errno != errno.ENAMETOOLONG or os.open not in os.supports_dir_fd:
            raise
    text = os.fspath(path)
    *folders, name = text.split(os.sep)
    parent = os.open(os.sep if text.startswith(os.sep) else os.curdir, _FOLDER_FLAGS)
    try:
        for part in folders:
            if part not in ("", os.curdir):
                inner = os.open(part, _FOLDER_FLAGS, dir_fd=parent)
                os.close(parent)
                parent = inner
        return os.open(name or os.curdir, flags, dir_fd=parent)
    finally:
        os.close(parent)


def _read_bounded(handle: int, max_bytes: int) -> bytes:
    """At most `max_bytes + 1` bytes: enough to tell a file is over the limit, whatever its size
    said (a /proc file says 0; a file may grow between the stat and the read)."""
    chunks: list[bytes] = []
    remaining = max_bytes + 1
    while remaining > 0:
        chunk = os.read(handle, min(remaining, 1024 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _unreadable(error: OSError) -> UnreadableSourceError:
    if isinstance(error, PermissionError):
        return UnreadableSourceError("cannot be read (permission denied)")
    return UnreadableSourceError(f"cannot be read ({error.strerror or error})")


def read_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of the regular file `path` (at most `max_bytes`), or UnreadableSourceError."""
    try:
        handle = open_path(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise UnreadableSourceError("is a broken symbolic link") from None
        raise UnreadableSourceError("does not exist (no such file or directory)") from None
    except OSError as error:
        raise _unreadable(error) from None
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode):
            raise UnreadableSourceError(not_regular_reason(status.st_mode))
        if status.st_size > max_bytes:
            raise too_large(status.st_size, max_bytes)
        data = _read_bounded(handle, max_bytes)
    except OSError as error:
        raise _unreadable(error) from None
    finally:
        os.close(handle)
    if len(data) > max_bytes:
        raise UnreadableSourceError(
            f"is over the {max_bytes:,}-byte limit (it grew while read, or its size is not "
            "known in advance); raise --max-file-size to review it",
            ErrorKind.TOO_LARGE,
        )
    return data


def read_source(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read `path` as Python source text or raise UnreadableSourceError saying why not."""
    return decode_source(read_bytes(path, max_bytes))
