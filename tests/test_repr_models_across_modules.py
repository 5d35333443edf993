"""A pydantic model of another module of the project, formatted whole into a log line, writes
its fields' `repr`s (`secreview.index.model_text`), unless a class of its line, in any module,
writes its own text."""

from __future__ import annotations

import ast
from pathlib import Path

from package_files import finding_places, write_package

from secreview.index.model_text import own_text_classes, repr_models

SCHEMAS = """
from pydantic import BaseModel

from app.bases import Shown


class Base(BaseModel):
    id: int


class Item(Base):
    name: str


class Below(Shown):
    colour: str
"""
BASES = """
from pydantic import BaseModel


class Shown(BaseModel):
    name: str

    def __str__(self):
        return self.name
"""
VIEWS = """
import logging

from fastapi import FastAPI

from app.schemas import Below, Item

app = FastAPI()
log = logging.getLogger(__name__)


@app.post("/items")
def create(item: Item, below: Below):
    log.info(f"creating {item}")
    log.info(f"creating {item.name}")
    log.info("creating %s", below)
    return {}
"""


def test_a_model_of_another_module_writes_its_fields_reprs(tmp_path: Path) -> None:
    write_package(tmp_path, {"schemas": SCHEMAS, "bases": BASES, "views": VIEWS})
    # `item.name` (a field read out) and `below` (its base writes its own text); not `item`
    assert finding_places(tmp_path, "log-injection") == {("views.py", 15), ("views.py", 16)}


def test_which_classes_list_their_fields_reprs() -> None:
    bases = {
        "app.schemas": ("Base:BaseModel", "Item:Base", "Below:Shown", "Plain:object"),
        "app.bases": ("Shown:BaseModel", "Generic:BaseModel Generic"),
    }
    spelled = {"BaseModel": "pydantic.BaseModel", "Shown": "app.bases.Shown"}
    spelled["Generic"] = "typing.Generic"

    def defining_name(name: str) -> str:
        return spelled.get(name.rpartition(".")[2], name)

    own_text = {"app.bases": own_text_classes(ast.parse(BASES))}
    assert own_text == {"app.bases": ("Shown",)}
    found = repr_models(bases, own_text, defining_name)
    assert found == {"app.schemas.Base", "app.schemas.Item", "app.bases.Generic"}


def test_a_plain_class_writes_no_data_unless_a_subclass_writes_text() -> None:
    """`class Job:` writes `<app.jobs.Job object at 0x...>`; a subclass of it writing its own
    text makes a value declared `Job` unsafe, and so does one deriving from a library class."""
    jobs = "class Job:\n    pass\n\n\nclass Task:\n    pass\n\n\nclass Step:\n    pass\n"
    own_text = {
        "app.jobs": own_text_classes(ast.parse(jobs)),
        "app.more": ("Loud",),
    }
    assert own_text["app.jobs"] == ("Job:plain", "Task:plain", "Step:plain")
    bases = {"app.more": ("Loud:Task", "Failed:Step Exception", "Quiet:Job")}
    spelled = {"Task": "app.jobs.Task", "Step": "app.jobs.Step", "Job": "app.jobs.Job"}

    def defining_name(name: str) -> str:
        return spelled.get(name.rpartition(".")[2], name)

    found = repr_models(bases, own_text, defining_name)
    assert found == {"app.jobs.Job", "app.more.Quiet"}
