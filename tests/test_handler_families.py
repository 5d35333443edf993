"""A request handler's attribute holds what its own framework puts there.

`self.request` is Tornado's parsed request in a Tornado handler, typed so that its raw `path`
holds no line break, and the client's socket in a `socketserver` or `http.server` handler. The
models give each handler family its own note and type; a handler takes its family's, not the
last family's that names the attribute.
"""

from __future__ import annotations

import textwrap

from secreview.pipeline import review_source


def _source_notes(source: str) -> list[str]:
    """The first evidence step (the source) of each log-injection finding, in line order."""
    report = review_source(textwrap.dedent(source), "app.py")
    assert report.error is None, report.error
    return [f.evidence[0].note for f in report.findings if f.rule_id == "log-injection"]


def test_a_socketserver_handlers_request_is_its_socket_not_tornados_request() -> None:
    notes = _source_notes(
        """
        import logging
        import socketserver

        logger = logging.getLogger(__name__)


        class Proxy(socketserver.BaseRequestHandler):
            def handle(self):
                logger.warning("got %s", self.request.recv(1024))
                logger.warning("path %s", self.request.path)
        """
    )
    assert notes == ["`self.request` is HTTP request data (request handler) (remote)"] * 2


def test_a_tornado_handlers_request_keeps_tornados_type() -> None:
    notes = _source_notes(
        """
        import logging
        import tornado.web

        logger = logging.getLogger(__name__)


        class Page(tornado.web.RequestHandler):
            def get(self):
                logger.warning("path %s", self.request.path)
                logger.warning("body %s", self.request.body)
        """
    )
    assert notes == ["`self.request` is HTTP request data (Tornado handler) (remote)"]
