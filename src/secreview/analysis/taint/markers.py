"""Markers a flow carries in its `safe_for` beside sink kinds: where its data came from.

A sink kind in `safe_for` says a sanitiser made the data harmless for that kind of sink; a marker
says something about the data's origin that the rules weigh (a guess, a command's output, a
server's reply, a call the scan could not read). Decoding the data (`Flow.decoded`) gives back
what sanitisers ruled out, but never changes where the data came from: `ORIGIN_MARKERS` stay.
"""

from __future__ import annotations

ONLY_CHOSE = "only-chose"
"""The data is the output of a command or a fetched page that untrusted input only chose
(`subprocess.check_output(["ls", name])`): not the input itself, so findings are low confidence."""
FIXED_SERVER = "fixed-server"
"""The reply of a server whose host the code fixes (a service API); however it is decoded, no
log entry a web client wrote (the log-injection rule leaves it out)."""
SERVERS_ANSWER = "servers-answer"
"""A reply of a server the web client did not choose (`server_answers.py`)."""
GUESSED_SOURCE = "guessed-source"
"""The data was taken for untrusted input from a helper's name only (`get_args(request)` of a
module the scan did not read; see `guessed_sources.py`), so findings are low confidence."""
UNREAD_CALL = "unread-call"
"""The data went through a call the scan does not follow (a function of a module it was not
given or did not summarise, a method of an object nothing describes, an unmodelled library),
whose result is taken to carry its arguments' data: the flow is likely, not proven
(`unread_calls.py`)."""
SINGLE_NAME = "single-name"
"""The value was checked to hold no path separator. Joined last to a fixed folder it names an
entry of that folder, or (as `..`) the folder's parent itself, never a file elsewhere: safe where
a file is opened (`guard_shapes.FILE_OPENERS`), not where a folder may be used (`shutil.rmtree`)."""
LAST_ENTRY = "last-entry"
"""The value is a path whose only untrusted part is its last entry, a `SINGLE_NAME` joined to a
fixed folder (`FOLDER / name`). Returned, held or handed on, it still names an entry of FOLDER or
(as `..`) FOLDER's parent, so a file opener stays safe with it, until something is joined after
it (`guard_shapes.built_from`) or a library call makes something else of it."""
ONE_NAME_MARKERS = frozenset({SINGLE_NAME, LAST_ENTRY})
APPENDED = "appended"
"""On a parameter's flow while its function is summarised: text was built around the
parameter's data (`p / "x"`, `f"{p}.bak"`, a library call), so a caller's argument that was one
name, or a path's last entry, is neither in the result (`values.Flow.through`)."""
CLIENT_PROMPT = "client-prompt"
"""A language model's reply to a prompt that holds a web client's data: the client writes (part
of) the prompt, so steering the reply needs no page the model reads (`model_replies.py`)."""
ORIGIN_MARKERS = frozenset(
    {ONLY_CHOSE, FIXED_SERVER, SERVERS_ANSWER, GUESSED_SOURCE, UNREAD_CALL, CLIENT_PROMPT}
)
"""The markers decoding keeps."""
DECODING_KEEPS = ORIGIN_MARKERS | {"deserialization"}
"""What decoding keeps of a flow's `safe_for`: its markers, and a serialiser's mark. Only a
serialiser's own output (`pickle.dumps(value)`) or a number is harmless to an unpickler, and that
is the structure of the bytes: the text encoding carried on top of them (`b64encode`, then
`b64decode` in the task that loads it) gives the same bytes back, never a pickle someone else
designed."""
ITEM_READ = "item-read"
"""On a whole parameter's flow once the function iterates the parameter (`for url in urls`): what
it writes from then on is an item, not the parameter, so writing it as text is not writing the
caller's container as its `repr` (`formats._whole` leaves `FORMATTED_WHOLE` off); the caller's
own flow never takes the marker (`values.Flow.through`)."""
