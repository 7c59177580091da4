"""Every rule's documentation is true: its Example raises it, its Use instead does not.

Each ```yaml block of a rule's "Example" and "Use instead" sections is a
complete valohai.yaml.  It is written to a temporary folder and linted like a
user's file, with the default rules and the rule's own code selected (so that
rules off by default count).  A block whose first line is
``# .yamlcheck.yaml`` is not a valohai.yaml but the configuration for the
other blocks of its section (written as the folder's .yamlcheck.yaml); the
registry-pattern rules (VH301-VH304) state theirs that way.

- Every block of the Example raises the rule's code and nothing else (but
  the companions listed below), so it shows exactly the problem it documents.
- No block of the Use instead raises anything at all, so the suggested file
  can be copied as it is; valohai-yaml (Valohai's own validator) accepts it
  without a message too.
- Where the "Why" says that Valohai (its validator, its parser) refuses,
  rejects or crashes on such a file, valohai-yaml does so on the Example.

Exempt are only the rules that need a live registry (the ``--remote``
outcomes) and those that need files on disk or a git repository (VH5xx);
their examples are fragments that explain the finding.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from yamlcheck.core.rule import Rule
from yamlcheck.engine.catalog import all_rules
from yamlcheck.registries import outcomes
from yamlcheck.runner import LintOptions, Runner

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from compare_with_valohai_yaml import peer_messages

BLOCK = re.compile(r"^```yaml\n(.*?)^```$", re.S | re.M)
CONFIG_HEADER = "# .yamlcheck.yaml"
# Exempt: the --remote outcomes, which need a live registry, and the rules that
# need files on disk or a git repository.
EXEMPT = re.compile(r"VH31[0-8]|VH5\d\d")
# A "Why" that says Valohai itself turns such a file down.
REFUSAL_CLAIM = re.compile(r"Valohai(?:'s (?:validator|parser))? (?:refuses|rejects|crashes)")
# Findings that always come with a rule's own: an image a pattern matches only
# once qualified is written without a host, which is VH203's.
COMPANIONS = {"VH302": {"VH203"}}


def exempt(rule: type[Rule]) -> bool:
    return EXEMPT.fullmatch(rule.code) is not None


CHECKED = [rule for rule in all_rules() if not exempt(rule)]


def blocks(rule: type[Rule], section: str) -> tuple[list[str], str | None]:
    """The valohai.yaml blocks of a section, and its configuration if it has one."""
    files: list[str] = []
    config = None
    for text in BLOCK.findall(rule.section(section) + "\n"):
        if text.startswith(CONFIG_HEADER + "\n"):
            assert config is None, f"{rule.code} {section}: two configurations"
            config = text
        else:
            files.append(text)
    return files, config


def findings(rule: type[Rule], text: str, config: str | None, folder: Path) -> list[str]:
    """``CODE line:column message`` for every finding in ``text`` as a valohai.yaml."""
    folder.mkdir()
    (folder / ".git").mkdir()  # the repository root: no configuration above is found
    if config is not None:
        (folder / ".yamlcheck.yaml").write_text(config)
    path = folder / "valohai.yaml"
    path.write_text(text)
    # the file alone, not a project: the scripts its commands run are not beside it
    report = Runner(LintOptions(paths=[str(path)], select=["VH", rule.code],
                                no_repo=True)).lint()
    return [f"{d.code} {d.line}:{d.column} {d.message}" for d in report.diagnostics]


def linted(rule: type[Rule], section: str, tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    """(valohai.yaml, its findings) for every block of a section."""
    files, config = blocks(rule, section)
    assert files, f"{rule.code}: the {section} has no ```yaml valohai.yaml"
    for number, text in enumerate(files):
        yield text, findings(rule, text, config, tmp_path / str(number))


def peer(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    """valohai-yaml's messages for a valohai.yaml: (error, warning or hint, text)."""
    path = tmp_path / f"peer-{len(list(tmp_path.glob('peer-*')))}.yaml"
    path.write_text(text)
    return peer_messages(path)


def test_exempt_rules_are_exactly_the_remote_and_repository_ones() -> None:
    remote = {rule.code for rule in outcomes.RULES}
    repository = {rule.code for rule in all_rules() if rule.code.startswith("VH5")}
    assert remote, "the --remote outcomes are missing from the catalog"
    assert {rule.code for rule in all_rules() if exempt(rule)} == remote | repository


@pytest.mark.parametrize("rule", CHECKED, ids=lambda rule: rule.code)
def test_example_raises_only_its_rule(rule: type[Rule], tmp_path: Path) -> None:
    expected = {rule.code} | COMPANIONS.get(rule.code, set())
    for text, found in linted(rule, "Example", tmp_path):
        codes = {line.split()[0] for line in found}
        assert codes == expected, f"{rule.code}: the Example raises {sorted(codes)}, not " \
            f"{sorted(expected)}:\n" + "\n".join([text, *found])


@pytest.mark.parametrize("rule", CHECKED, ids=lambda rule: rule.code)
def test_use_instead_is_clean(rule: type[Rule], tmp_path: Path) -> None:
    for text, found in linted(rule, "Use instead", tmp_path):
        assert found == [], f"{rule.code}: the Use instead is not clean:\n" + \
            "\n".join([text, *found])


@pytest.mark.parametrize("rule", CHECKED, ids=lambda rule: rule.code)
def test_valohai_accepts_the_use_instead(rule: type[Rule], tmp_path: Path) -> None:
    for text in blocks(rule, "Use instead")[0]:
        assert peer(tmp_path, text) == [], f"{rule.code}: valohai-yaml objects to the Use instead"


CLAIMS = [rule for rule in CHECKED if REFUSAL_CLAIM.search(rule.section("Why").replace("\n", " "))]


def test_refusal_claims_are_found() -> None:
    assert {"VH102", "VH403", "VH415", "VH430", "VH454"} <= {rule.code for rule in CLAIMS}


@pytest.mark.parametrize("rule", CLAIMS, ids=lambda rule: rule.code)
def test_valohai_refuses_what_the_why_says_it_refuses(rule: type[Rule], tmp_path: Path) -> None:
    for text in blocks(rule, "Example")[0]:
        kinds = [kind for kind, _ in peer(tmp_path, text)]
        assert "error" in kinds, f"{rule.code}: the Why says Valohai refuses the Example, " \
            f"but valohai-yaml says {kinds or 'nothing'}"
