"""Rewrite the rule table in README.md from the rules (`secreview rules --format markdown`).

A test fails when the README's table differs from the rules, so run this after adding a rule.
"""

from __future__ import annotations

import re
from pathlib import Path

from secreview.commands.info import rules_markdown

README = Path(__file__).resolve().parent.parent / "README.md"
TABLE = re.compile(r"(<!-- rules-table:start -->\n).*?(<!-- rules-table:end -->)", re.DOTALL)


def main() -> None:
    """Replace the text between the README's rules-table markers."""
    text = README.read_text(encoding="utf-8")
    updated = TABLE.sub(lambda m: m[1] + rules_markdown() + "\n" + m[2], text)
    README.write_text(updated, encoding="utf-8")


if __name__ == "__main__":
    main()
