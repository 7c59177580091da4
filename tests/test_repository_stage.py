"""The repository stage in the engine and on the command line: what is
checked (steps, node overrides, endpoints, modules), what stays silent, spans
in block scalars, --no-repo, stdin, and suppressions."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_cli
from repository_support import make_project

from yamlcheck.core.diagnostic import Severity
from yamlcheck.core.options import LintOptions
from yamlcheck.core.settings import Config
from yamlcheck.engine.run import Source, lint_sources

BLOCK = """\
- step:
    name: train
    image: docker.io/library/python:3.12
    command: |
      set -e
      cd src
      python -m pkg.train \\
        --epochs 3
      python   evaluate.py
"""
STEP = "- step:\n    name: t\n    image: docker.io/library/python:3.12\n    command: {command}\n"


def lint_file(path: Path, **options: object):  # type: ignore[no-untyped-def]
    source = Source(str(path), path.read_bytes(), Config())
    (result,) = lint_sources([source], LintOptions(**options))  # type: ignore[arg-type]
    return [d for d in result.diagnostics if d.code.startswith("VH5")]


def test_spans_inside_a_block_scalar_follow_cd(tmp_path: Path) -> None:
    path = make_project(tmp_path, BLOCK, [("committed", "src/pkg/__init__.py")])
    first, second = lint_file(path)
    assert (first.code, first.line, first.column, first.end_column) == ("VH501", 7, 17, 26)
    assert "neither src/pkg/train.py nor src/pkg/train/__main__.py" in first.message
    assert (second.line, second.column, second.end_column) == (9, 16, 27)
    assert "as 'src/evaluate.py' (after `cd src`)" in second.message


def test_a_name_written_with_escapes_is_located_at_its_own_text(tmp_path: Path) -> None:
    command = r'"python \u00e9x.py; python m7.py; python \x41b.py"'
    path = make_project(tmp_path, STEP.format(command=command), [])
    line = path.read_text().splitlines()[3]
    found = [line[d.column - 1:d.end_column - 1] for d in lint_file(path)]
    assert found == [r"\u00e9x.py", "m7.py", r"\x41b.py"]


@pytest.mark.parametrize(("raw", "value", "offsets"), [
    ('"a\\u00e9b"', "aéb", [1, 2, 8, 9]),
    ("'it''s'", "it's", [1, 2, 3, 5, 6]),
    ('"\\U0001F680!"', "🚀!", [1, 11, 12]),
    ("plain", "plain", None),
    ('"a\nb"', "a b", None),  # folded over two lines
    ('"ab"', "abc", None),  # disagrees with the value
])
def test_quoted_offsets(raw: str, value: str, offsets: list[int] | None) -> None:
    from yamlcheck.rules.spans import quoted_offsets

    assert quoted_offsets(raw, value) == offsets


def test_modules_outside_the_project_are_not_reported(tmp_path: Path) -> None:
    text = BLOCK.replace("cd src", "cd .").replace("python   evaluate.py", "python -m pip --version")
    path = make_project(tmp_path, text, [("committed", "pkg/readme.txt")])
    assert lint_file(path) == []  # pkg/ is a namespace folder: an installed pkg may win
    (tmp_path / "pkg" / "__init__.py").write_text("")
    assert [d.code for d in lint_file(path)] == ["VH501"]


def test_node_overrides_and_endpoints(tmp_path: Path) -> None:
    text = """\
- step:
    name: train
    image: docker.io/library/python:3.12
    command: python train.py
- pipeline:
    name: p
    nodes:
      - {name: a, type: execution, step: train, override: {command: python a.py}}
      - {name: b, type: execution, step: train, commit: abc123,
         override: {command: python from_another_commit.py}}
    edges: []
- endpoint:
    name: serve
    image: docker.io/library/python:3.12
    wsgi: api.app:application
    files: [{name: model, path: model.pkl}]
- endpoint:
    name: other
    image: docker.io/library/python:3.12
    wsgi: service:app
"""
    path = make_project(tmp_path, text, [("committed", "train.py"),
                                         ("committed", "api/__init__.py")])
    found = [(d.code, d.severity, d.message.split(":")[0]) for d in lint_file(path)]
    assert found == [
        ("VH501", Severity.ERROR, "pipeline 'p' node 'a'"),
        ("VH504", Severity.WARNING, "endpoint 'serve'"),  # the import folder is undocumented
        ("VH504", Severity.WARNING, "endpoint 'other'"),  # service may come from the image
    ]


def test_no_repo_turns_off_every_vh5_check(tmp_path: Path) -> None:
    text = BLOCK + "    inputs:\n      - {name: data, default: data.csv}\n"
    path = make_project(tmp_path, text, [])
    assert sorted({d.code for d in lint_file(path)}) == ["VH501", "VH505"]
    assert lint_file(path, no_repo=True) == []
    status, out, _ = run_cli("lint", "--no-repo", "--format", "concise", str(path))
    assert status == 0 and "VH5" not in out


def test_suppressions_of_checks_that_did_not_run_are_not_unused(tmp_path: Path) -> None:
    text = STEP.format(command="python gen.py  # yamlcheck: ignore[VH501] made by the image")
    path = make_project(tmp_path, text, [])
    status, out, _ = run_cli("lint", "--format", "concise", str(path))
    assert status == 0 and out.strip().startswith("No problems")
    status, out, _ = run_cli("lint", "--no-repo", "--format", "concise", str(path))
    assert status == 0 and "VH090" not in out
    (tmp_path / "gen.py").write_text("")
    from repository_support import git

    git(tmp_path, "add", "gen.py")
    git(tmp_path, "commit", "-q", "-m", "gen")
    _, out, _ = run_cli("lint", "--format", "concise", str(path))
    assert "VH090" in out  # the check ran and found nothing to suppress


def test_stdin_needs_a_filename_on_disk(tmp_path: Path) -> None:
    text = STEP.format(command="python gone.py")
    path = make_project(tmp_path, text, [])
    status, out, _ = run_cli("lint", "-", "--format", "concise", stdin=text.encode())
    assert status == 0 and "VH501" not in out
    status, out, _ = run_cli("lint", "-", "--stdin-filename", str(path), "--format", "concise",
                             stdin=text.encode())
    assert status == 1 and f"{path}:4:21: VH501" in out


def test_a_file_without_commands_is_quiet(tmp_path: Path) -> None:
    text = "- pipeline: {name: p, nodes: [], edges: []}\n"
    path = make_project(tmp_path, text, [])
    assert lint_file(path) == []


def test_a_symlinked_project_folder(tmp_path: Path) -> None:
    real = tmp_path / "real"
    make_project(real, STEP.format(command="python train.py"), [("untracked", "train.py")])
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    assert [d.code for d in lint_file(link / "valohai.yaml")] == ["VH503"]


def test_a_cd_into_a_missing_folder_is_one_finding(tmp_path: Path) -> None:
    """Not one finding per later command: the folder, once, at the cd."""
    command = ("\n      - cd missingdir && python x.py\n      - python3 a.py\n      - bash b.sh"
               "\n      - cd .. && python c.py")
    path = make_project(tmp_path, STEP.format(command=command), [("committed", "c.py")])
    (finding,) = lint_file(path)
    assert finding.code == "VH501" and finding.line == 5 and finding.column == 12
    assert "the folder 'missingdir' (cd) does not exist" in finding.message
