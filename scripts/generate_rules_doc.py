#!/usr/bin/env python3
"""Write docs/rules.md from the rule classes (``--check`` fails when it is stale)."""

from __future__ import annotations

import sys
from pathlib import Path

from yamlcheck.commands import rules_markdown

TARGET = Path(__file__).resolve().parents[1] / "docs" / "rules.md"


def main(argv: list[str]) -> int:
    text = rules_markdown()
    if "--check" in argv:
        if not TARGET.exists() or TARGET.read_text() != text:
            print(f"{TARGET} is stale; run python scripts/generate_rules_doc.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
