"""A cookie setting turned off only for development (a `DevelopmentConfig` class, a branch for
Django's `runserver` or test runner) is still reported, at low confidence: a deployment that
runs those settings is the mistake, not the setting. The same setting elsewhere keeps the
rule's high confidence."""

from __future__ import annotations

import textwrap

from secreview.config import ScanConfig
from secreview.findings import Confidence
from secreview.pipeline import review_source

SETTINGS = textwrap.dedent(
    """
    import sys

    SESSION_COOKIE_SECURE = False

    if "runserver" in sys.argv:
        CSRF_COOKIE_SECURE = False

    if len(sys.argv) > 1 and sys.argv[1] == "test":
        SESSION_COOKIE_SECURE = False

    if "migrate" in sys.argv:
        CSRF_COOKIE_SECURE = False


    class DevelopmentConfig:
        SESSION_COOKIE_SECURE = False
    """
)


def _secure_flag_confidence(source: str, path: str) -> dict[int, Confidence]:
    """The confidence of each `cookie-without-secure` finding of `source`, by line."""
    report = review_source(source, path, ScanConfig())
    return {
        f.location.line: f.confidence
        for f in report.findings
        if f.rule_id == "cookie-without-secure"
    }


def test_development_settings_are_low_confidence_and_others_high() -> None:
    assert _secure_flag_confidence(SETTINGS, "app/settings.py") == {
        4: Confidence.HIGH,
        7: Confidence.LOW,
        10: Confidence.LOW,
        13: Confidence.HIGH,
        17: Confidence.LOW,
    }


VIEW = textwrap.dedent(
    """
    from flask import Flask, make_response, request

    app = Flask(__name__)


    @app.route("/")
    def index():
        response = make_response("hi")
        response.set_cookie("visitor", "abc")
        response.set_cookie("session_id", "abc")
        response.set_cookie("userauthcookie", "abc")
        name = request.args.get("which", "tokens")
        response.set_cookie(name, "abc")
        return response
    """
)


def test_a_cookie_named_as_no_login_is_low_confidence() -> None:
    """`visitor` names no session or token: its missing Secure flag is likely harmless. A
    session cookie keeps high confidence, and so does a name that runs its words together
    around a login word (`userauthcookie`), and one held in a variable whose own name says
    nothing of the cookie's."""
    assert _secure_flag_confidence(VIEW, "app/views.py") == {
        10: Confidence.LOW,
        11: Confidence.HIGH,
        12: Confidence.HIGH,
        14: Confidence.HIGH,
    }
