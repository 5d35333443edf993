"""A model on a method of a type (`openpyxl.Worksheet.append`) applies only to values some
model gives that type. A type nothing produces leaves its models silently dead: `openpyxl`'s
sheets were never typed, so no row appended to one was checked. Every such prefix must be a
type the models produce, or one of the library classes and modules listed here, which calls
reach by other routes."""

from __future__ import annotations

from dataclasses import replace

from secreview.analysis.models import Models, default_models

REACHED_OTHERWISE = {
    # Methods a project's subclass inherits (`self.redirect(...)` in a handler), matched through
    # the class's library bases rather than a produced type.
    "http.server.BaseHTTPRequestHandler",
    "http.server.SimpleHTTPRequestHandler",
    "jupyter_server.base.handlers.APIHandler",
    "jupyter_server.base.handlers.JupyterHandler",
    "notebook.base.handlers.APIHandler",
    "notebook.base.handlers.IPythonHandler",
    "tornado.web.RequestHandler",
    "tornado.websocket.WebSocketHandler",
    "pyramid.request.Request",
    "urllib3.PoolManager",
    "http.client.HTTPSConnection",
    # A project's pydantic model (`permission.dict()` of a view parameter annotated with it).
    "pydantic.BaseModel",
    "pydantic.main.BaseModel",
    "pydantic.v1.BaseModel",
    # Modules whose capitalised names are module paths, called by qualified name.
    "Crypto.Hash.MD2",
    "Crypto.Hash.MD4",
    "Crypto.Hash.MD5",
    "Crypto.Hash.SHA",
    "Crypto.Hash.SHA1",
    "Cryptodome.Hash.MD2",
    "Cryptodome.Hash.MD4",
    "Cryptodome.Hash.MD5",
    "Cryptodome.Hash.SHA1",
    "MySQLdb",
    "defusedxml.ElementTree",
    "xml.etree.ElementTree",
    # Class methods called on the class itself (`Markup.escape(text)`, `Engine.get_default()`).
    "markupsafe.Markup",
    "django.template.engine.Engine",
    "openai.ChatCompletion",  # the pre-1.0 client: `openai.ChatCompletion.create(...)`
    "openai.Completion",
    # The engine's pseudo-calls for a view's return value and headers.
    "web.View",
    # The stdlib tree object is never typed: its parser resolves no external entity.
    "xml.etree.ElementTree.ElementTree",
}


def _produced_types(models: Models) -> set[str]:
    produced = {model.type for each in models.returns.values() for model in each}
    produced |= set(models.parameter_types.values()) | set(models.object_types.values())
    produced |= {entry.type for entry in models.entries if entry.type}  # a WSGI environ
    produced |= {kind for entry in models.entries for kind in entry.types}  # an ASGI scope
    return produced | set(models.typed_sources)


def _unproduced_type_prefixes(models: Models) -> set[str]:
    """Prefixes `T` of model names `T.method` whose last part names a class (capitalised) and
    that no produced type or attribute of one (`web.Request.files`) accounts for."""
    produced = _produced_types(models)
    names = {
        *models.sinks,
        *models.sanitizers,
        *models.returns,
        *models.source_calls,
        *models.key_sanitizers,
    }
    found = set()
    for name in names:
        if name.startswith("*.") or "." not in name:
            continue
        prefix = name.rsplit(".", 1)[0]
        if not prefix.rsplit(".", 1)[-1][:1].isupper():
            continue
        parts = prefix.split(".")
        if not any(".".join(parts[:end]) in produced for end in range(len(parts), 0, -1)):
            found.add(prefix)
    return found


def test_every_modelled_type_is_produced_or_reached_otherwise() -> None:
    assert _unproduced_type_prefixes(default_models()) == REACHED_OTHERWISE


def test_a_model_on_a_type_nothing_produces_is_caught() -> None:
    models = default_models()
    sinks = {
        **models.sinks,
        "openpyxl.Chartsheet.append": models.sinks["openpyxl.Worksheet.append"],
    }
    assert "openpyxl.Chartsheet" in _unproduced_type_prefixes(replace(models, sinks=sinks))
    assert "openpyxl.Worksheet" not in _unproduced_type_prefixes(models)
