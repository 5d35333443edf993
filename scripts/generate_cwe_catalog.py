"""Generate src/secreview/cwe/catalog.json from MITRE's CWE data shipped by the `cwe2` package.

Why a generated file: the catalog is read on every run and must be fast and offline, while
`cwe2` ships 15 MB of XML/CSV. We keep MITRE's data as the single source of truth: every name and
every CWE-1000 pillar comes from the "Research Concepts" view (CWE-1000) CSV, where each weakness
names its primary parent (`ChildOf ... VIEW ID:1000 ... ORDINAL:Primary`). Walking those parents up
to an entry whose abstraction is `Pillar` gives the pillar. Nothing is typed by hand.

Usage: pip install -e '.[catalog]' && python scripts/generate_cwe_catalog.py [OUTPUT]
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

import cwe2

VIEW_CSV = Path(cwe2.__file__).parent / "database_v49" / "navigate_cwe" / "1000.csv"
OUTPUT = Path(__file__).resolve().parent.parent / "src" / "secreview" / "cwe" / "catalog.json"
PARENT_IN_VIEW_1000 = re.compile(r"NATURE:ChildOf:CWE ID:(\d+):VIEW ID:1000:ORDINAL:Primary")
ANY_PARENT_IN_VIEW_1000 = re.compile(r"NATURE:ChildOf:CWE ID:(\d+):VIEW ID:1000")
NEWER_THAN_CWE2: dict[int, dict[str, object]] = {
    # Added by MITRE in CWE 4.15 (July 2024), after the 4.14 data cwe2 ships; name, abstraction
    # and primary parent (ChildOf CWE-77 in view 1000) as MITRE publishes them. The LLM stage
    # and the prompt-injection rule report it.
    1427: {
        "name": "Improper Neutralization of Input Used for LLM Prompting",
        "abstraction": "Base",
        "parent": 77,
    },
}


def read_view(path: Path) -> dict[int, dict[str, object]]:
    """Read each weakness of view 1000: name, abstraction and primary parent."""
    csv.field_size_limit(sys.maxsize)
    entries: dict[int, dict[str, object]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            related = row["Related Weaknesses"] or ""
            parent = PARENT_IN_VIEW_1000.search(related) or ANY_PARENT_IN_VIEW_1000.search(related)
            entries[int(row["CWE-ID"])] = {
                "name": row["Name"],
                "abstraction": row["Weakness Abstraction"],
                "parent": int(parent.group(1)) if parent else None,
            }
    return entries


def pillar_of(cwe_id: int, entries: dict[int, dict[str, object]]) -> int | None:
    """Follow primary parents until a Pillar; None when the chain leaves the view."""
    seen: set[int] = set()
    current: int | None = cwe_id
    while current is not None and current not in seen:
        seen.add(current)
        entry = entries.get(current)
        if entry is None:
            return None
        if entry["abstraction"] == "Pillar":
            return current
        current = entry["parent"]  # type: ignore[assignment]
    return None


def main(output: Path = OUTPUT) -> None:
    """Write the compact catalog: {"source": ..., "weaknesses": {id: [name, pillar, parent]}}."""
    entries = read_view(VIEW_CSV) | NEWER_THAN_CWE2
    weaknesses = {
        str(cwe_id): [entry["name"], pillar_of(cwe_id, entries), entry["parent"]]
        for cwe_id, entry in sorted(entries.items())
    }
    payload = {"source": "MITRE CWE 4.14, view CWE-1000 (via cwe2)", "weaknesses": weaknesses}
    output.write_text(json.dumps(payload, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {len(weaknesses)} weaknesses to {output}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT)
