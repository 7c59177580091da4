"""Golden files: tests/golden/<CODE>/<case>.yaml next to <case>.out.

Each .out holds the findings of the fixture with the default rules and the
folder's own rule enabled (and the configuration in <case>.config.yaml, if
there is one, else the folder's .yamlcheck.yaml), one per line:
``line:col-end_line:end_col CODE message``.  A file whose name starts with
``bad`` must produce its folder's code; one starting with ``good`` must not.
Regenerate with ``YAMLCHECK_UPDATE_GOLDEN=1 pytest tests/test_golden.py`` and
review the diff.

The repository checks (VH5xx) run only in their own folders.  A fixture
with a ``<case>.repo`` beside it (the project's files and their state in git,
see repository_support.py) is linted as the valohai.yaml of a real git
repository made from that list in a temporary folder; the others are linted
in place.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from repository_support import make_project, read_manifest

from yamlcheck.engine.catalog import all_rules
from yamlcheck.runner import LintOptions, Runner

GOLDEN = Path(__file__).parent / "golden"
FIXTURES = sorted(p for p in GOLDEN.glob("*/*.yaml")
                  if not p.name.startswith(".") and not p.name.endswith(".config.yaml"))
REMOTE_ONLY = ("VH31",)  # tested against a real registry in tests/remote
REPOSITORY = "VH5"


def render(path: Path, scratch: Path) -> str:
    # Every rule that is on by default, plus the folder's own rule; a fixture
    # with its own <case>.config.yaml is linted with that configuration.
    code = path.parent.name
    own = path.with_name(f"{path.stem}.config.yaml")
    manifest = path.with_suffix(".repo")
    if manifest.exists():
        path = make_project(scratch / "project", path.read_text(), read_manifest(manifest))
    options = LintOptions(paths=[str(path)], select=["VH", code],
                          config=str(own) if own.exists() else None,
                          no_repo=not code.startswith(REPOSITORY))
    report = Runner(options).lint()
    lines = [f"{d.line}:{d.column}-{d.end_line}:{d.end_column} {d.code} {d.message}"
             for d in report.diagnostics]
    return "\n".join(lines) + ("\n" if lines else "")


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_golden(fixture: Path, tmp_path: Path) -> None:
    expected_file = fixture.with_suffix(".out")
    actual = render(fixture, tmp_path)
    if os.environ.get("YAMLCHECK_UPDATE_GOLDEN"):
        expected_file.write_text(actual)
    assert expected_file.exists(), f"missing {expected_file.name}; run with YAMLCHECK_UPDATE_GOLDEN=1"
    assert actual == expected_file.read_text()
    code = fixture.parent.name
    found = {line.split()[1] for line in actual.splitlines()}
    if fixture.stem.startswith("bad"):
        assert code in found, f"{fixture.name} should raise {code}"
    else:
        assert code not in found, f"{fixture.name} must not raise {code}"


def test_every_rule_has_a_failing_and_a_passing_fixture() -> None:
    for rule in all_rules():
        if rule.code.startswith(REMOTE_ONLY):
            continue
        folder = GOLDEN / rule.code
        stems = [p.stem for p in folder.glob("*.yaml")]
        assert any(s.startswith("bad") for s in stems), f"{rule.code}: no bad fixture"
        assert any(s.startswith("good") for s in stems), f"{rule.code}: no good fixture"
