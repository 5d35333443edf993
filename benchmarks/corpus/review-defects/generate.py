"""Write the review-defects corpus: races, timing leaks and failing-open checks as reviewers see them.

Code review of OpenStack and Qt shows that the security defects human reviewers raise are mostly
not injections: race conditions lead, then error handling and access control (Yu et al., ESEM
2023). Each case here is a small piece of service, CLI, threaded-worker or async code in the shape
such defects take, and each vulnerable case has a safe twin that differs by the one thing that
makes it safe: the atomic form of a file operation, the mode given at creation, a constant-time
comparison, a denial on the error path, the lock taken. A case is a template with numbered slots
`«0»`, `«1»`, ...; the vulnerable file fills them with the first piece of each swap, the safe
twin with the second (the later lines of a piece are written relative to the slot's column;
an empty piece removes the slot's line).

Run `python benchmarks/corpus/review-defects/generate.py` to rewrite `cases/` and
`expected.csv`; the output is committed and the script is the record of how it was made.
Score: `secreview bench benchmarks/corpus/review-defects --expected
benchmarks/corpus/review-defects/expected.csv`.
"""

from __future__ import annotations

import csv
import shutil
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from case_library import CASES  # noqa: E402


@dataclass(frozen=True)
class Case:
    """One defect in context: category, CWE, code with slots, and the (vulnerable, safe) swaps."""

    name: str
    category: str
    cwe: int
    code: str
    swaps: tuple[tuple[str, str], ...]


def render(case: Case, vulnerable: bool) -> str:
    """The case's code with every slot filled by its vulnerable or its safe piece."""
    text = textwrap.dedent(case.code).lstrip("\n")
    for index, (bad, good) in enumerate(case.swaps):
        slot = f"«{index}»"
        if slot not in text:
            raise ValueError(f"{case.name}: slot {slot} is not in the code")
        text = _fill(text, slot, bad if vulnerable else good)
    return text


def _fill(text: str, slot: str, piece: str) -> str:
    """Put `piece` where `slot` is, indenting its later lines to the slot's column."""
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if slot in line:
            indent = " " * (len(line) - len(line.lstrip()))
            first, *rest = piece.split("\n")
            filled = [line.replace(slot, first)] + [indent + more for more in rest]
            if not first and not rest:
                filled = [] if not line.replace(slot, "").strip() else filled
            lines[number : number + 1] = filled
    return "\n".join(lines)


def main() -> None:
    cases_dir = HERE / "cases"
    shutil.rmtree(cases_dir, ignore_errors=True)
    rows = []
    for raw in CASES:
        case = Case(*raw)
        folder = cases_dir / case.category
        folder.mkdir(parents=True, exist_ok=True)
        for vulnerable, suffix in ((True, "vuln"), (False, "safe")):
            name = f"rd_{case.category}_{case.name}_{suffix}"
            (folder / f"{name}.py").write_text(render(case, vulnerable), encoding="utf-8")
            rows.append((name, case.category, "true" if vulnerable else "false", case.cwe))
    with (HERE / "expected.csv").open("w", newline="", encoding="utf-8") as out:
        out.write("# test name, category, real vulnerability, cwe\n")
        csv.writer(out, lineterminator="\n").writerows(rows)
    print(f"wrote {len(rows)} cases")


if __name__ == "__main__":
    main()
