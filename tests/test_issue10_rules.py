"""Confidence and quiet cases of the rules added for recall on real fixed vulnerabilities.

The annotated fixtures say where each rule speaks; these tests pin what a fixture cannot: the
confidence a finding carries, and the module-wide evidence some rules need before they speak.
"""

from __future__ import annotations

import textwrap

from secreview.findings import Confidence, Finding
from secreview.pipeline import review_source


def _findings(source: str, rule_id: str) -> list[Finding]:
    report = review_source(textwrap.dedent(source), "app.py")
    assert report.error is None, report.error
    return [f for f in report.findings if f.rule_id == rule_id]


_GIT_CALLS = """
    import subprocess

    def {name}(url):
        return subprocess.check_output(["git", "ls-remote", url])
"""


def test_argument_injection_in_a_public_function_keeps_medium_confidence() -> None:
    [finding] = _findings(_GIT_CALLS.format(name="list_refs"), "argument-injection")
    assert finding.confidence is Confidence.MEDIUM
    assert "--upload-pack" in finding.message


def test_argument_injection_in_a_private_helper_is_rated_low() -> None:
    [finding] = _findings(_GIT_CALLS.format(name="_list_refs"), "argument-injection")
    assert finding.confidence is Confidence.LOW


def test_argument_injection_is_quiet_for_values_fixed_in_the_source() -> None:
    source = """
        import subprocess

        def status():
            branch = "main"
            return subprocess.check_output(["git", "log", branch])
    """
    assert _findings(source, "argument-injection") == []


_ENVIRONMENT = """
    from jinja2 import Environment, FileSystemLoader

    def render(folder, name):
        env = Environment(loader=FileSystemLoader(folder))
        return env.get_template({template!r}).render(name=name)
"""


def test_autoescape_needs_a_sign_that_the_module_renders_html() -> None:
    assert _findings(_ENVIRONMENT.format(template="page.html"), "template-autoescape-off")
    assert not _findings(_ENVIRONMENT.format(template="setup.cfg.j2"), "template-autoescape-off")


def test_markup_with_escaped_siblings_is_medium_and_says_so() -> None:
    source = """
        from django.utils.html import escape
        from django.utils.safestring import mark_safe

        def link(url, title):
            return mark_safe('<a href="%s">%s</a>' % (url, escape(title)))
    """
    [finding] = _findings(source, "markup-built-from-text")
    assert finding.confidence is Confidence.MEDIUM
    assert "other values of the same string are escaped" in finding.message


def test_a_translated_literal_beside_markup_is_no_escaped_sibling() -> None:
    """`_("Played")` is the program's own text, not a value the author escaped: the raw value
    beside it keeps the rule's default confidence."""
    source = """
        from django.utils.safestring import mark_safe
        from django.utils.translation import gettext as _

        def played(when):
            return mark_safe('<img title="%s%s"/>' % (_("Played"), when))
    """
    [finding] = _findings(source, "markup-built-from-text")
    assert finding.confidence is Confidence.LOW
    assert "escaped" not in finding.message.split("without escaping")[1]


_WEBHOOK_CHECK = """
    from urllib.parse import urlparse

    def webhook_target(url):
        assert urlparse(url).hostname.endswith("example.com")
        return url
"""


def test_incomplete_host_check_is_quiet_in_tests() -> None:
    """A test's assert checks what the code under test made; it admits no host."""
    source = textwrap.dedent(_WEBHOOK_CHECK)
    assert _findings(_WEBHOOK_CHECK, "incomplete-host-check")
    report = review_source(source, "tests/test_webhooks.py")
    assert report.error is None
    assert not [f for f in report.findings if f.rule_id == "incomplete-host-check"]


_VIEW_WITH_BASES = """
    from django.views.generic import UpdateView
    from {mixin_module} import FormMixin

    class ConfigUpdateView(FormMixin, UpdateView):
        permission_required = "config.change_config"
"""


def test_a_view_whose_mixin_is_the_projects_own_is_rated_low_and_says_which() -> None:
    """The project's mixin is read elsewhere and may enforce the permission through a base of
    its own; a library mixin's name is all there is, so that hit stays medium."""
    source = textwrap.dedent(_VIEW_WITH_BASES.format(mixin_module="shop.generic_views"))
    report = review_source(source, "shop/views.py", module="shop.views")
    [own] = [f for f in report.findings if f.rule_id == "permission-required-not-enforced"]
    assert own.confidence is Confidence.LOW
    assert "shop.generic_views.FormMixin" in own.message
    source = textwrap.dedent(_VIEW_WITH_BASES.format(mixin_module="formtools.mixins"))
    report = review_source(source, "shop/views.py", module="shop.views")
    [library] = [f for f in report.findings if f.rule_id == "permission-required-not-enforced"]
    assert library.confidence is Confidence.MEDIUM
