"""Property-based fuzzing over the real-world corpus: whatever the bytes, the
linter reports located findings and never fails internally."""

from __future__ import annotations

import os
from pathlib import Path

from helpers import CORPUS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yamlcheck.core.settings import Config, RuleSelection
from yamlcheck.engine import lint_bytes
from yamlcheck.report.base import Report, get_reporter

FILES = sorted((CORPUS / "real-world").glob("*.y*ml")) if CORPUS.is_dir() else []
SEEDS = [path.read_bytes() for path in FILES[:60]] or [
    b"- step:\n    name: train\n    image: python:3.9\n    command: python t.py {parameters}\n"
    b"    parameters:\n      - {name: lr, type: float, default: 0.1}\n"
    b"- pipeline:\n    name: p\n    nodes:\n      - {name: a, type: execution, step: train}\n"
    b"    edges: [[a.output.x, a.input.y]]\n"]
EVERYTHING = Config(rules=RuleSelection(select=("VH0", "VH1", "VH2", "VH3", "VH4")))
TOKENS = [b":", b"- ", b"{", b"}", b"[", b"]", b"&a ", b"*a", b"<<: ", b"!!str ", b"'", b'"',
          b"\t", b"\n", b"  ", b"# ", b"{parameter:x}", b"null", b"~", b"yes", b"0x1", b"1e3",
          b"\xff", b"\x00", b"step:", b"pipeline:", b"edges:", b"image: ", b"name: ", b"---\n"]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            data.extend(draw(st.sampled_from(TOKENS)))
            continue
        position = draw(st.integers(0, len(data) - 1))
        action = draw(st.integers(0, 3))
        if action == 0:  # insert a YAML-significant token
            data[position:position] = draw(st.sampled_from(TOKENS))
        elif action == 1:  # delete a run
            del data[position:position + draw(st.integers(1, 40))]
        elif action == 2:  # duplicate a run elsewhere
            run = data[position:position + draw(st.integers(1, 200))]
            target = draw(st.integers(0, len(data)))
            data[target:target] = run
        else:  # flip one byte
            data[position] = draw(st.integers(0, 255))
    return bytes(data)


EXAMPLES = int(os.environ.get("YAMLCHECK_FUZZ_EXAMPLES", "250"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated())
def test_mutated_files_never_break_the_linter(data: bytes) -> None:
    result = lint_bytes("valohai.yaml", data, EVERYTHING)
    text = data.decode("utf-8", errors="replace")
    lines = text.split("\n")
    for finding in result.diagnostics:
        assert 1 <= finding.line <= max(len(lines), 1), finding
        assert finding.column >= 1 and finding.end_line >= finding.line, finding
        assert (finding.end_line, finding.end_column) > (finding.line, finding.column), finding
    report = Report([result])
    for name in ("text", "json", "sarif", "github", "concise"):
        get_reporter(name)().render(report)


def test_corpus_is_used() -> None:
    assert len(SEEDS) >= 1
    assert all(isinstance(seed, bytes) for seed in SEEDS)
    assert Path(__file__).exists()
