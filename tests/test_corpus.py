"""The 150 real-world files and valohai-yaml's 68 examples, end to end."""

from __future__ import annotations

import difflib
import subprocess
import sys
from pathlib import Path

import yaml
from helpers import corpus_dir

from yamlcheck.core.settings import Config
from yamlcheck.engine import lint_bytes
from yamlcheck.images.fix import apply_fixes

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from compare_with_valohai_yaml import compare, files_of

# Files valohai-yaml accepts in which yamlcheck finds real mistakes it misses
# (listed in the README's "Differences from valohai-yaml" table).
# Files valohai-yaml accepts and yamlcheck rejects, each for a certain failure.
KNOWN_STRICTER = {
    "nonsensical-task-bits.yaml": "VH450",  # the task's step is not defined: vh task run refuses
    "Qiminfo__glove-mlops__valohai.yaml": "VH002",  # a step repeats `inputs`: the first is dropped
    # a string parameter's date default: Valohai passes '2020-09-02 00:00:00+00:00'
    "invalid-string-parameter-default.yaml": "VH417",
}
# Files valohai-yaml rejects and yamlcheck only warns about: plural edge types,
# which Valohai's web UI and its own documentation accept (VH439).
KNOWN_SOFTER = {
    "DrazenDodik__valohai-academy-debugging__valohai.yaml": "VH439",
    "hassanelsheikh__Valohai-BioNeMo-NIMs__valohai.yaml": "VH439",
    "hassanelsheikh__Valohai-NVIDIA-TAO__valohai.yaml": "VH439",
    "valohai__NVIDIA-MONAI-Valohai__valohai.yaml": "VH439",
}


def real_world() -> list[Path]:
    return sorted(p for p in corpus_dir("real-world").iterdir() if p.suffix in (".yaml", ".yml"))


def test_the_whole_corpus_runs_without_internal_errors() -> None:
    folder = corpus_dir("real-world")
    result = subprocess.run([sys.executable, "-m", "yamlcheck", "lint", "--format", "json",
                             str(folder)], capture_output=True, timeout=120, check=False)
    assert result.returncode == 1, result.stderr.decode()[-500:]
    assert b"Traceback" not in result.stderr and result.stderr == b""
    import json

    data = json.loads(result.stdout)
    assert data["summary"]["files"] == 150


def test_every_position_is_inside_its_file() -> None:
    for path in real_world():
        text = path.read_text(encoding="utf-8", errors="replace")
        lines = text.split("\n")
        for finding in lint_bytes(str(path), path.read_bytes(), Config()).diagnostics:
            assert 1 <= finding.line <= len(lines), (path.name, finding)
            assert 1 <= finding.column <= len(lines[finding.line - 1]) + 1, (path.name, finding)


def _expected_images(data: object) -> list[str]:
    """Every image an independent PyYAML reading finds."""
    found: list[str] = []
    for item in data if isinstance(data, list) else []:
        if not isinstance(item, dict):
            continue
        for kind in ("step", "endpoint"):
            body = item.get(kind)
            if isinstance(body, dict) and isinstance(body.get("image"), str):
                found.append(body["image"])
            if kind in item:
                break  # Valohai reads the first kind key only
        pipeline = item.get("pipeline") if "step" not in item and "endpoint" not in item else None
        for node in (pipeline or {}).get("nodes") or [] if isinstance(pipeline, dict) else []:
            override = node.get("override") if isinstance(node, dict) else None
            if isinstance(override, dict) and isinstance(override.get("image"), str):
                found.append(override["image"])
    return found


def test_images_list_is_complete_and_classified() -> None:
    total = 0
    for path in real_world():
        try:
            data = yaml.safe_load(path.read_text())
        except yaml.YAMLError:
            continue
        result = lint_bytes(str(path), path.read_bytes(), Config())
        ours = [image.image for image in result.images]
        assert sorted(ours) == sorted(_expected_images(data)), path.name
        total += len(ours)
        for image in result.images:
            ref = image.reference
            if ref is None:
                assert image.error
                continue
            assert ref.normalized.startswith(f"{ref.registry}/{ref.repository}")
            if ref.domain is None:  # written without a host: Docker Hub
                assert ref.registry == "docker.io"
                assert ref.repository.count("/") >= 1
    assert total > 400


def _changed_ranges(before: str, after: str) -> list[tuple[int, int, int]]:
    """(line index, start column, end column in ``before``) of every change,
    from a line diff refined character by character within changed lines."""
    old, new = before.split("\n"), after.split("\n")
    ranges = []
    lines = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, a0, a1, b0, b1 in lines.get_opcodes():
        if tag == "equal":
            continue
        assert tag == "replace" and a1 - a0 == b1 - b0, "a fix never adds or removes lines"
        for index in range(a1 - a0):
            chars = difflib.SequenceMatcher(None, old[a0 + index], new[b0 + index],
                                            autojunk=False)
            for ctag, c0, c1, _, _ in chars.get_opcodes():
                if ctag != "equal":
                    ranges.append((a0 + index, c0, c1))
    return ranges


def test_fix_changes_only_image_scalars_and_leaves_no_vh203() -> None:
    fixed_files = 0
    for path in real_world():
        data = path.read_bytes()
        result = lint_bytes(str(path), data, Config())
        fixes = [d.fix for d in result.diagnostics if d.fix is not None]
        if not fixes:
            continue
        source = result.source
        assert source is not None
        text, _ = apply_fixes(source.text, fixes)
        spans = [i.span for i in result.images]
        for line, start, end in _changed_ranges(source.text, text):
            assert any(s[0] == line == s[2] and s[1] <= start and end <= s[3] for s in spans), \
                (path.name, line, start, end)
        again = lint_bytes(str(path), source.encode(text), Config())
        assert not [d for d in again.diagnostics if d.code == "VH203" and d.fix], path.name
        assert [i.reference.normalized for i in again.images if i.reference] == [
            i.reference.normalized for i in result.images if i.reference]
        fixed_files += 1
    assert fixed_files > 100


def test_agreement_with_valohai_yaml() -> None:
    paths = files_of([str(corpus_dir("peer-examples")), str(corpus_dir("real-world"))])
    result = compare(paths, with_images=False)
    assert len(result["rows"]) == 218
    softer = {Path(r["file"]).name: r["yamlcheck"] for r in result["only_peer_rejects"]}
    assert set(softer) == set(KNOWN_SOFTER)
    for name, code in KNOWN_SOFTER.items():
        assert any(f" {code} " in message for message in softer[name]), name
    stricter = {Path(r["file"]).name: r["yamlcheck"] for r in result["only_yamlcheck_rejects"]}
    assert set(stricter) == set(KNOWN_STRICTER)
    for name, code in KNOWN_STRICTER.items():
        assert any(f" {code} " in message for message in stricter[name]), name


def test_peer_verdicts_on_its_own_examples() -> None:
    folder = corpus_dir("peer-examples")
    for path in sorted((folder / "error_examples").glob("*.yaml")):
        result = lint_bytes(str(path), path.read_bytes(), Config())
        assert any(d.severity.label == "error" for d in result.diagnostics), path.name
