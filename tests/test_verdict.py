"""yamlcheck's YAML verdict is Valohai's: VH001 exactly when PyYAML's
``yaml.safe_load`` fails on the bytes decoded as UTF-8 (valohai-yaml's
``read_yaml``), at the line PyYAML names, with the values PyYAML loads.

Thousands of mutants of the real-world corpus (tests/mutants.py), the same
ones on every run.  A longer local run:

    YAMLCHECK_VERDICT_MUTANTS=100000 YAMLCHECK_VERDICT_SEED=7 pytest tests/test_verdict.py
"""

from __future__ import annotations

import datetime
import math
import os
from collections import Counter
from typing import Any

import yaml
from helpers import CORPUS
from mutants import mutants

from yamlcheck.document.loader import load, needs_pyyaml
from yamlcheck.document.scalars import Timestamp

MUTANTS = int(os.environ.get("YAMLCHECK_VERDICT_MUTANTS", "3000"))
SEED = int(os.environ.get("YAMLCHECK_VERDICT_SEED", "20240601"))
FILES = sorted((CORPUS / "real-world").glob("*.y*ml")) + sorted(
    (CORPUS / "peer-examples").glob("*/*.y*ml"))
SEEDS = [path.read_text(encoding="utf-8") for path in FILES]


def pyyaml_load(data: bytes) -> tuple[Any, BaseException | None]:
    """What Valohai's loader makes of the bytes: (value, None) or (None, error)."""
    try:
        return yaml.safe_load(data.decode("utf-8")), None
    except Exception as exc:  # noqa: BLE001 - any exception is a refusal: ValueError, RecursionError...
        return None, exc


def comparable(value: Any, depth: int = 0) -> Any:
    """A loaded value in a form both loaders' results can be compared in:
    PyYAML's sets, pairs, dates and NaN against yamlcheck's mappings, lists
    of one-entry mappings, Timestamps and NaN."""
    if depth > 600:
        return "..."
    if isinstance(value, dict):
        return {comparable(k, depth + 1): comparable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return {comparable(k, depth + 1): None for k in value}
    if isinstance(value, list):
        if value and all(isinstance(item, tuple) for item in value):  # !!omap, !!pairs
            return [{comparable(k, depth + 1): comparable(v, depth + 1)} for k, v in value]
        return [comparable(item, depth + 1) for item in value]
    if isinstance(value, (datetime.date, Timestamp)):
        return "<date>"
    if isinstance(value, float) and math.isnan(value):
        return "<nan>"
    return value


def matches_pyyaml_line(refused: BaseException | None, ours: list[Any], text: str) -> bool:
    """PyYAML stops at its first error; yamlcheck reports that one and any
    other construction errors, so PyYAML's line must be among yamlcheck's.
    Lines are counted as editors count them, at '\\n', from the character
    offset of PyYAML's mark (PyYAML's own line number also counts a lone CR,
    NEL, LS and PS).  Errors without a mark (ValueError from an impossible
    date, RecursionError) have no line to compare.  Where yamlcheck is
    better: a merge key whose alias refers to something else than a mapping
    (``<<: *a`` with ``&a`` on a scalar): PyYAML points at the anchor, far
    away; yamlcheck at the alias, on the line of the mapping PyYAML names as
    its context."""
    mark = getattr(refused, "problem_mark", None)
    if mark is None:
        return True
    lines = {d.line for d in ours}
    if text.count("\n", 0, mark.index) + 1 in lines:
        return True
    context = getattr(refused, "context_mark", None)
    return "for merging" in str(refused) and context is not None and \
        text.count("\n", 0, context.index) + 1 in lines


def test_the_corpus_is_there() -> None:
    assert len(SEEDS) >= 150


def test_yamlcheck_verdict_is_pyyaml_verdict() -> None:
    disagreements: list[str] = []
    lines: list[str] = []
    values: list[str] = []
    seen: Counter[str] = Counter()
    for data in mutants(SEEDS, MUTANTS, SEED):
        value, refused = pyyaml_load(data)
        loaded = load("valohai.yaml", data)
        ours = [d for d in loaded.diagnostics if d.code == "VH001"]
        limited = any(d.code == "VH005" for d in loaded.diagnostics)
        seen["refused" if refused else "loaded"] += 1
        seen["PyYAML's parser" if loaded.source and needs_pyyaml(loaded.source.text)
             else "libyaml first"] += 1
        seen["VH005"] += limited
        if bool(ours) != bool(refused) and not (limited and not refused):
            disagreements.append(f"{data[:2000]!r}\n  PyYAML: {refused!r}\n  yamlcheck: "
                                 f"{[d.message for d in loaded.diagnostics]}")
            continue
        if not matches_pyyaml_line(refused, ours, data.decode("utf-8", errors="replace")):
            lines.append(f"{data[:2000]!r}\n  PyYAML: {refused}\n  "
                         f"yamlcheck: {[(d.line, d.message) for d in ours]}")
        if not refused and not ours and not limited and \
                comparable(loaded.root) != comparable(value):
            values.append(f"{data[:2000]!r}\n  PyYAML: {value!r:.300}\n  yamlcheck: "
                          f"{loaded.root!r:.300}")
    assert not disagreements, f"{len(disagreements)} of {MUTANTS}:\n" + "\n".join(disagreements[:5])
    assert not lines, f"{len(lines)} of {MUTANTS}:\n" + "\n".join(lines[:5])
    assert not values, f"{len(values)} of {MUTANTS}:\n" + "\n".join(values[:5])
    # Both verdicts and both ways of reading are exercised in earnest.
    for kind in ("refused", "loaded", "PyYAML's parser", "libyaml first"):
        assert seen[kind] > MUTANTS // 5, seen
    assert seen["VH005"] < MUTANTS // 50, seen


def test_a_file_only_pyyaml_reads_is_linted_and_fixed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """libyaml 0.1.7 refuses ':' in a plain value inside brackets; PyYAML,
    and so Valohai, reads it.  The other findings and --fix still work, at
    the right places."""
    from helpers import run_cli

    text = ("- step: {name: prepare, image: 'python:3.12', command: python prepare.py}\n"
            "- step:\n    name: train\n    image: python:3.12\n    command: python train.py\n"
            "    inputs:\n      - {name: data, default: s3://bucket/data.csv}\n"
            "      - {name: extra, default: [s3://a/1.csv, s3://a/2.csv]}\n"
            "    environment-variables:\n      - {name: URI, default: http://mlflow:5000}\n")
    path = tmp_path / "valohai.yaml"
    path.write_text(text)
    _, out, _ = run_cli("lint", "--format", "concise", str(path))
    assert "VH001" not in out and ":4:12: VH203" in out and ":1:32: VH203" in out, out
    run_cli("lint", "--fix", "--format", "concise", str(path))
    fixed = path.read_text()
    assert fixed == text.replace("python:3.12", "docker.io/library/python:3.12"), fixed
    assert yaml.safe_load(fixed)[1]["step"]["inputs"][1]["default"] == ["s3://a/1.csv",
                                                                      "s3://a/2.csv"]
