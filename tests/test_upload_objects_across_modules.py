"""An uploaded file object handed to a helper of another module that opens it as an archive is
read, not opened by name; the helper's use of the upload's `filename` is still a path."""

from __future__ import annotations

from pathlib import Path

from package_files import finding_places, write_package

ARCHIVES = """
import os
from zipfile import ZipFile


def member_names(upload):
    with ZipFile(upload) as archive:
        return archive.namelist()


def keep(upload):
    with open(os.path.join("/srv/uploads", upload.filename), "wb") as out:
        out.write(upload.read())
"""
VIEWS = """
from flask import Flask, request

from app.archives import keep, member_names

app = Flask(__name__)


@app.post("/archives")
def archives():
    upload = request.files["archive"]
    keep(upload)
    return {"members": member_names(upload)}
"""


def test_an_upload_handed_to_another_modules_archive_helper_is_no_path(tmp_path: Path) -> None:
    write_package(tmp_path, {"archives": ARCHIVES, "views": VIEWS})
    assert finding_places(tmp_path, "path-traversal") == {
        ("views.py", 12)
    }  # `keep(upload)`: its filename; not `member_names`
