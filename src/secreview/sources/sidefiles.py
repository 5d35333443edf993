"""Read and write the side files a run is told about: configuration, baselines, models, diffs.

Any of these paths can be named by the repository under review (its pyproject.toml names a
baseline and model folders), so each is hostile input like the code itself. Whatever the file
is - a named pipe that would block forever, `/dev/zero` that never ends, a 10 GB file, binary
bytes, TOML nested 100,000 deep - the caller gets one `SideFileError` whose message names the
file and says what is wrong, never a hang, a traceback or an exhausted memory.
"""

from __future__ import annotations

import json
import os
import stat
from typing import BinaryIO

MIB = 1024 * 1024
_READ_CHUNK = 64 * 1024


class SideFileError(Exception):
    """A side file that cannot be used; the message is one line naming the file and the reason."""


def shown(path: str | os.PathLike[str]) -> str:
    """`path` as one printable line: a path holding newlines or terminal escapes (a hostile
    repository may choose it) is shown escaped, the way Python writes a string literal."""
    text = os.fspath(path)
    return text if text.isprintable() else repr(text)[1:-1]


def _size(limit: int) -> str:
    return f"{limit // MIB} MiB" if limit % MIB == 0 else f"{limit:,} bytes"


def _not_regular(mode: int) -> str | None:
    """Why a file of this mode is not read, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a directory, not a file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a regular file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a regular file"
    return "is a device, not a regular file"


def _read_capped(read: BinaryIO | int, limit: int) -> tuple[bytes, bool]:
    """Up to `limit` bytes and whether there was more (read one byte past the limit, no more)."""
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        want = min(_READ_CHUNK, limit + 1 - total)
        chunk = os.read(read, want) if isinstance(read, int) else read.read(want)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    data = b"".join(chunks)
    return data[:limit], total > limit


def read_side_file(path: str | os.PathLike[str], *, what: str, max_bytes: int) -> bytes:
    """The bytes of the regular file `path`, or SideFileError saying why not.

    `what` names the file's role in messages ("baseline", "configuration file"). Only regular
    files are opened: the mode is checked before opening (opening some devices has effects) and
    again on the open descriptor (the path may have been swapped in between); the open itself
    never blocks (O_NONBLOCK), and at most `max_bytes` + 1 bytes are ever read.
    """
    name = f"{shown(path)}: the {what}"
    try:
        reason = _not_regular(os.stat(path).st_mode)
        if reason:
            raise SideFileError(f"{name} {reason}")
        flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)
        descriptor = os.open(path, flags)
        try:
            status = os.fstat(descriptor)
            reason = _not_regular(status.st_mode)
            if reason:
                raise SideFileError(f"{name} {reason}")
            # A huge file is refused unread; the capped read still stops at the limit should
            # the file grow in between.
            data, more = (
                (b"", True) if status.st_size > max_bytes else _read_capped(descriptor, max_bytes)
            )
        finally:
            os.close(descriptor)
    except FileNotFoundError:
        raise SideFileError(f"{name} does not exist") from None
    except PermissionError:
        raise SideFileError(f"{name} cannot be read (permission denied)") from None
    except (OSError, ValueError) as error:  # ValueError: a NUL byte in the path
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise SideFileError(f"{name} cannot be read ({reason})") from None
    if more:
        raise SideFileError(f"{name} is larger than the {_size(max_bytes)} limit; it was not read")
    return data


def read_side_stream(stream: BinaryIO, *, shown_as: str, what: str, max_bytes: int) -> bytes:
    """At most `max_bytes` of an already open stream (standard input), else SideFileError."""
    try:
        data, more = _read_capped(stream, max_bytes)
    except OSError as error:
        raise SideFileError(f"{shown_as}: cannot be read ({error.strerror or error})") from None
    if more:
        raise SideFileError(
            f"{shown_as}: the {what} is larger than the {_size(max_bytes)} limit; it was not read"
        )
    return data


def decode_side_text(data: bytes, *, path: str | os.PathLike[str], what: str) -> str:
    """`data` as UTF-8 text; NUL bytes and undecodable bytes are SideFileError."""
    name = f"{shown(path)}: the {what}"
    if b"\x00" in data:
        raise SideFileError(f"{name} is binary (it contains NUL bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SideFileError(
            f"{name} is not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from None


def read_side_text(path: str | os.PathLike[str], *, what: str, max_bytes: int) -> str:
    """The UTF-8 text of the regular file `path` (see `read_side_file`), else SideFileError."""
    return decode_side_text(
        read_side_file(path, what=what, max_bytes=max_bytes), path=path, what=what
    )


def parse_toml(text: str, *, path: str | os.PathLike[str], what: str) -> dict[str, object]:
    """The TOML document `text` read from `path`, else SideFileError.

    tomllib parses nested arrays and inline tables by recursion, so a deeply nested value
    raises RecursionError (not TOMLDecodeError): that is a malformed file too. tomllib is
    imported here, by the runs that find a TOML file to read (it compiles patterns as it loads).
    """
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SideFileError(f"{shown(path)}: the {what} is not valid TOML ({error})") from None
    except RecursionError:
        raise SideFileError(f"{shown(path)}: the {what} is nested too deeply to read") from None


def parse_json(text: str, *, path: str | os.PathLike[str], what: str) -> object:
    """The JSON document `text` read from `path`, else SideFileError (a number of over 4,300
    digits is a ValueError, deep nesting a RecursionError: both are malformed files)."""
    try:
        return json.loads(text)
    except RecursionError:
        raise SideFileError(f"{shown(path)}: the {what} is nested too deeply to read") from None
    except ValueError as error:  # json.JSONDecodeError is a ValueError
        raise SideFileError(f"{shown(path)}: the {what} is not valid JSON ({error})") from None


def write_side_file(path: str | os.PathLike[str], text: str, *, what: str) -> None:
    """Write `text` to `path` as UTF-8, replacing a regular file's content, else SideFileError.

    A named pipe or device is refused without writing (a pipe with no reader would block
    forever; `/dev/full` fails half way), and so is a directory; full disks and permission
    errors become one message naming the file.
    """
    name = f"{shown(path)}: the {what}"
    try:
        existing = os.stat(path)
    except FileNotFoundError:
        existing = None
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise SideFileError(f"{name} cannot be written ({reason})") from None
    if existing is not None and (reason := _not_regular(existing.st_mode)):
        raise SideFileError(f"{name} {reason}; it was not written")
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)
        descriptor = os.open(path, flags, 0o666)
        try:
            reason = _not_regular(os.fstat(descriptor).st_mode)
            if reason:
                raise SideFileError(f"{name} {reason}; it was not written")
            os.ftruncate(descriptor, 0)
            data = memoryview(text.encode("utf-8"))
            while data:
                data = data[os.write(descriptor, data) :]
        finally:
            os.close(descriptor)
    except PermissionError:
        raise SideFileError(f"{name} cannot be written (permission denied)") from None
    except OSError as error:
        raise SideFileError(f"{name} cannot be written ({error.strerror or error})") from None
