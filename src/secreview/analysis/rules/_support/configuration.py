"""Values read from the program's configuration, which its operator writes.

A setting (`self.cfg.statsd_prefix`, `settings.STARTUP`, `app.config["hook"]`) is chosen by
whoever deploys the program, not by the people who use it: rules whose danger lies in who
chooses the data (code run from it, a pattern's cost on it) treat it as the operator's own.
"""

from __future__ import annotations

import ast

CONFIGURATION_NAMES = frozenset({"config", "configuration", "settings", "conf", "cfg"})
"""Names under which programs keep the configuration their operator writes."""


def configuration_value(expr: ast.expr) -> bool:
    """Whether `expr` reads the program's configuration: `self.config.setup_code`,
    `settings.STARTUP`, `app.config["hook"]`, `cfg.statsd_prefix`."""
    while isinstance(expr, ast.Attribute | ast.Subscript):
        inner = expr.value
        if isinstance(inner, ast.Name) and inner.id in CONFIGURATION_NAMES:
            return True
        if isinstance(inner, ast.Attribute) and inner.attr in CONFIGURATION_NAMES:
            return True
        expr = inner
    return False
