"""--fix: image qualification in place, every other byte kept."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from helpers import run_cli

from yamlcheck.images.fix import apply_fixes, scalar_fix

SOURCE = """\
# training steps
- step:
    name: train   # the main one
    image: python:3.9   # keep this comment
    command: python train.py
- step:
    name: "serve"
    image: 'tensorflow/serving:2'
    command: ["serve"]
- endpoint:
    name: predict
    image: "busybox:1.36"
    wsgi: app:app
- step:
    name: already
    image: docker.io/library/python:3.12
    command: x
"""
FIXED = """\
# training steps
- step:
    name: train   # the main one
    image: docker.io/library/python:3.9   # keep this comment
    command: python train.py
- step:
    name: "serve"
    image: 'docker.io/tensorflow/serving:2'
    command: ["serve"]
- endpoint:
    name: predict
    image: "docker.io/library/busybox:1.36"
    wsgi: app:app
- step:
    name: already
    image: docker.io/library/python:3.12
    command: x
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    for name in ("train.py", "app.py"):  # what SOURCE runs and serves
        (tmp_path / name).write_text("print('hello')\n")
    return tmp_path


def test_fix_rewrites_only_the_image_scalars(project: Path) -> None:
    path = project / "valohai.yaml"
    path.write_text(SOURCE)
    status, out, _ = run_cli("lint", "--fix", str(path), "--format", "concise", "--ignore", "VH204")
    assert path.read_text() == FIXED
    assert status == 0, out
    again, _, _ = run_cli("lint", "--fix", str(path))
    assert path.read_text() == FIXED  # a second run changes nothing
    assert again == 0


def test_fix_keeps_crlf_bom_and_mode(project: Path) -> None:
    path = project / "valohai.yaml"
    data = b"\xef\xbb\xbf" + SOURCE.replace("\n", "\r\n").encode()
    path.write_bytes(data)
    os.chmod(path, 0o640)
    run_cli("lint", "--fix", str(path))
    assert path.read_bytes() == b"\xef\xbb\xbf" + FIXED.replace("\n", "\r\n").encode()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_fix_follows_a_symlink_and_keeps_it(project: Path) -> None:
    real = project / "real.yaml"
    real.write_text(SOURCE)
    link = project / "valohai.yaml"
    link.symlink_to(real)
    run_cli("lint", "--fix", str(link))
    assert link.is_symlink()
    assert real.read_text() == FIXED


def test_fix_from_stdin_prints_the_document(project: Path) -> None:
    status, out, _ = run_cli("lint", "--fix", "-", "--format", "concise",
                           stdin=SOURCE.encode())
    assert out == FIXED
    assert "Fixed" not in out and status in (0, 1)


def test_fix_leaves_no_temporary_files(project: Path) -> None:
    path = project / "valohai.yaml"
    path.write_text(SOURCE)
    run_cli("lint", "--fix", str(path))
    assert sorted(p.name for p in project.iterdir()) == [".git", "app.py", "train.py",
                                                         "valohai.yaml"]


@pytest.mark.parametrize(("raw", "value", "expected"), [
    ("python:3.9", "docker.io/library/python:3.9", "docker.io/library/python:3.9"),
    ("'py'", "it's", "'it''s'"),
    ('"py"', 'a"b\\c', '"a\\"b\\\\c"'),
    ("|\n  python:3.9", "x", None),
    ("python:3.9", "has: colon", None),
])
def test_scalar_fix_keeps_the_quoting_style(raw: str, value: str, expected: str | None) -> None:
    text = f"image: {raw}\n"
    start, end = 7, 7 + len(raw)
    line_end = raw.count("\n")
    span = (0, 7, line_end, end, start, end)
    fix = scalar_fix(text, span, value)
    assert (fix.replacement if fix else None) == expected


def test_overlapping_fixes_are_applied_once() -> None:
    from yamlcheck.core.diagnostic import Fix

    text = "a: x\n"
    fixed, count = apply_fixes(text, [Fix("y", "y", 3, 4), Fix("y", "y", 3, 4)])
    assert (fixed, count) == ("a: y\n", 1)


def test_no_fix_when_qualifying_would_lose_a_hostless_pattern(tmp_path: Path) -> None:
    """With the pattern `acme/*`, `acme/trainer:1.0` matches as written; the
    qualified name would not, so --fix leaves it alone and says why."""
    (tmp_path / ".yamlcheck.yaml").write_text(
        'registries:\n  - {match: "acme/*", type: docker-hub, username: ci, password-env: HUB}\n')
    text = ("- step:\n    name: train\n    image: acme/trainer:1.0\n    command: x\n"
            "- step:\n    name: other\n    image: python:3.12\n    command: x\n")
    target = tmp_path / "valohai.yaml"
    target.write_text(text)
    status, out, _ = run_cli("lint", "--fix", "--format", "concise", str(target))
    fixed = target.read_text()
    assert "image: acme/trainer:1.0" in fixed  # untouched: it would lose the credentials
    assert "image: docker.io/library/python:3.12" in fixed  # no pattern involved: fixed
    assert status == 1 and "change both together" in out and "'docker.io/acme/*'" in out
