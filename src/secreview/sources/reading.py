"""Read one file as text, turning every way it can be unreadable into one clear sentence.

The code is only ever read as text: never imported, never executed.
"""

from __future__ import annotations

import io
import stat
import tokenize
from pathlib import Path

from secreview.findings import ErrorKind

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
_BINARY_SNIFF_BYTES = 8192


class UnreadableSourceError(Exception):
    """The file cannot be reviewed; the message says why, in one sentence, and `kind` the class."""

    def __init__(self, message: str, kind: ErrorKind = ErrorKind.UNREADABLE) -> None:
        super().__init__(message)
        self.kind = kind


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
            raise UnreadableSourceError(f"declares an {error.msg}", ErrorKind.ENCODING) from None
        encoding = "utf-8"  # undecodable first lines: let the decode below say so precisely
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        reason = error.reason if isinstance(error, UnicodeDecodeError) else str(error)
        raise UnreadableSourceError(
            f"is not valid {encoding} text ({reason}); declare its encoding with a "
            "'# -*- coding: ... -*-' line or convert it to UTF-8",
            ErrorKind.ENCODING,
        ) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def read_source(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read `path` as Python source text or raise UnreadableSourceError saying why not."""
    if path.is_symlink() and not path.exists():
        raise UnreadableSourceError("is a broken symbolic link")
    try:
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise UnreadableSourceError("is a directory, not a file")
        if not stat.S_ISREG(status.st_mode):
            # A FIFO or device would block or never end; only regular files are read.
            raise UnreadableSourceError("is not a regular file (a pipe, socket or device)")
        size = status.st_size
        if size > max_bytes:
            raise UnreadableSourceError(
                f"is {size:,} bytes, over the {max_bytes:,}-byte limit; raise --max-file-size "
                "to review it",
                ErrorKind.TOO_LARGE,
            )
        data = path.read_bytes()
    except PermissionError:
        raise UnreadableSourceError("cannot be read (permission denied)") from None
    except OSError as error:
        raise UnreadableSourceError(f"cannot be read ({error.strerror or error})") from None
    return decode_source(data)
