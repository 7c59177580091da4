#!/usr/bin/env python3
"""Run valohai-yaml's linter and yamlcheck over the same files and print where
they agree.

    python scripts/compare_with_valohai_yaml.py FILE_OR_FOLDER ... [--with-images] [--json]

A file is *rejected* by valohai-yaml when its lint reports an error (or the
parse crashes), and by yamlcheck when it reports an error.  valohai-yaml does
not look at image names or registries, so yamlcheck's image and registry rules
(VH2xx, VH3xx) are left out unless --with-images is given; nor at the files
commands need or at input URIs, so the repository checks (VH5xx) are left out.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
from pathlib import Path
from typing import Any

from yamlcheck.core.diagnostic import Severity
from yamlcheck.core.settings import Config, RuleSelection
from yamlcheck.engine import lint_bytes


def files_of(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml")))
        else:
            found.append(path)
    return found


def peer_messages(path: Path) -> list[tuple[str, str]]:
    from valohai_yaml.lint import lint_file

    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            result = lint_file(str(path))
    except Exception as exc:  # noqa: BLE001  (the peer crashing is a rejection)
        return [("error", f"crash: {type(exc).__name__}: {exc}")]
    return [(m["type"], _plain(str(m["message"]))) for m in result.messages]


def _plain(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text).strip()


def ours(path: Path, with_images: bool) -> list[tuple[str, str]]:
    ignore = ("VH5",) if with_images else ("VH2", "VH3", "VH5")
    config = Config(rules=RuleSelection(ignore=ignore))
    result = lint_bytes(str(path), path.read_bytes(), config)
    return [(d.severity.label, f"{d.line}:{d.column} {d.code} {d.message}")
            for d in result.diagnostics]


def compare(paths: list[Path], with_images: bool) -> dict[str, Any]:
    rows = []
    for path in paths:
        theirs = peer_messages(path)
        mine = ours(path, with_images)
        rows.append({
            "file": str(path),
            "peer_rejects": any(kind in ("error", "crash") for kind, _ in theirs),
            "peer_warns": any(kind == "warning" for kind, _ in theirs),
            "yamlcheck_rejects": any(kind == Severity.ERROR.label for kind, _ in mine),
            "peer": [m for k, m in theirs if k in ("error", "warning")],
            "yamlcheck": [m for k, m in mine if k in ("error", "warning")],
        })
    return {
        "rows": rows,
        "both_reject": [r for r in rows if r["peer_rejects"] and r["yamlcheck_rejects"]],
        "only_peer_rejects": [r for r in rows if r["peer_rejects"] and not r["yamlcheck_rejects"]],
        "only_yamlcheck_rejects": [r for r in rows
                                   if r["yamlcheck_rejects"] and not r["peer_rejects"]],
        "both_accept": [r for r in rows if not r["peer_rejects"] and not r["yamlcheck_rejects"]],
    }


def print_table(result: dict[str, Any], out: Any = sys.stdout) -> None:
    total = len(result["rows"])
    print(f"{total} files: both reject {len(result['both_reject'])}, both accept "
          f"{len(result['both_accept'])}, only valohai-yaml rejects "
          f"{len(result['only_peer_rejects'])}, only yamlcheck rejects "
          f"{len(result['only_yamlcheck_rejects'])}", file=out)
    for title, key in (("Only valohai-yaml rejects", "only_peer_rejects"),
                       ("Only yamlcheck rejects", "only_yamlcheck_rejects"),
                       ("Both reject", "both_reject")):
        print(f"\n## {title} ({len(result[key])})", file=out)
        for row in result[key]:
            print(f"\n{row['file']}", file=out)
            for message in row["peer"][:3]:
                print(f"  valohai-yaml: {message[:160]}", file=out)
            for message in row["yamlcheck"][:3]:
                print(f"  yamlcheck:    {message[:160]}", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--with-images", action="store_true",
                        help="also count yamlcheck's image and registry rules")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args(argv)
    try:
        import valohai_yaml  # noqa: F401
    except ImportError:
        print("valohai-yaml is not installed: pip install valohai-yaml==0.61.0", file=sys.stderr)
        return 2
    result = compare(files_of(args.paths), args.with_images)
    if args.json:
        print(json.dumps(result["rows"], indent=2))
    else:
        print_table(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
