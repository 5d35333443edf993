"""CWE-22 by data flow: untrusted input used as a file path (`path-traversal`).

Archive members that name paths outside the target are `archive_extraction.py`; existence checks
of a path (`os.path.exists`) are `file_existence_oracle.py`.
"""

from __future__ import annotations

from secreview.analysis.rules._support.path_joins import join_of
from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.analysis.rules.file_existence_oracle import is_probe
from secreview.findings import Confidence, Severity

path_traversal = taint_rule(
    TaintSpec(
        "path",
        "`../` or an absolute path lets the requester read or write any file the application can.",
        reports=lambda event, context: not is_probe(event, context),
        anchor=join_of,
    ),
    id="path-traversal",
    name="Path traversal: untrusted input in a file path",
    cwe=22,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="A file path built from untrusted input is opened, served, written or deleted.",
    fix="Reduce the input to a file name with `werkzeug.utils.secure_filename` or "
    "`os.path.basename`, join it to a fixed directory, and check the resolved path stays inside "
    "it (or serve with `send_from_directory`).",
    what_it_does="Follows request data, command-line arguments and input() to file operations "
    "(`open`, `os.remove`, `shutil`, `pathlib`, `send_file`, upload `save`). A parameter "
    "annotated `Path` (or `Optional[Path]`) is a path, so `(out / name).write_text()` is a file "
    "write, and so is any `write_text`/`write_bytes`/`read_text`/`read_bytes`/`symlink_to` "
    "receiver, methods only path objects have (`self.out / name` with `self.out` set elsewhere); "
    "the target of a link (`os.symlink`, `Path.symlink_to`) is a path like the link; a "
    "CherryPy method exposed with `name.exposed = True` takes request fields as `@expose` does. "
    "A project helper outside the scan whose name says it works on files (`fsutil.rename`, "
    "`utils.read_file`) is taken for one at low confidence, a guess its evidence names; a "
    "helper outside the scan named for making an identifier (`snake_case`, `slugify`) is taken "
    'to leave no separator, and `quote(name, safe="")` leaves one name, safe in '
    '`f"{folder}/{name}.json"`. '
    "Checks clear the path on the branch where they hold: containment after normalisation, "
    "`..` and `/` rejected, or a regex allow-list matched whole (`re.fullmatch`, `^...\\Z`) "
    "whose characters include neither `/` nor `.`. One that allows `.` but no `/` leaves a "
    "single name: joined last to a fixed folder it is safe where a file is opened (`..` names "
    "a folder, which `open` refuses) and still reported where a folder is used "
    "(`shutil.rmtree`) or joined deeper. When the path was assigned from a join "
    "(`os.path.join`, `/`, `joinpath`) in the function of the file operation, the finding "
    "points at that join, where the untrusted part enters the path and the fix goes; the "
    "file operations it reaches end its evidence, and one join reaching several is one "
    "finding.",
    why_bad="A path like `../../etc/passwd` or `/etc/shadow` escapes the intended directory, "
    "disclosing or overwriting files (CWE-22).",
    example="name = request.args['file']\nreturn open(os.path.join(BASE, name)).read()",
    use_instead="name = secure_filename(request.args['file'])\n"
    "return open(os.path.join(BASE, name)).read()",
    references=(
        "https://owasp.org/www-community/attacks/Path_Traversal",
        "https://werkzeug.palletsprojects.com/en/latest/utils/#werkzeug.utils.secure_filename",
        "https://cwe.mitre.org/data/definitions/22.html",
    ),
)
