"""Inline suppressions and the unused-suppression rule."""

from __future__ import annotations

from helpers import codes, lint_text

STEP = """\
- step:
    name: train
    image: {image}
    command: python train.py
"""


def test_same_line_suppression_with_a_reason() -> None:
    text = STEP.format(image="python:3.9  # yamlcheck: ignore[VH203] public image, fine")
    assert codes(lint_text(text)) == []


def test_line_above_suppression_and_prefixes() -> None:
    text = STEP.replace("    image:", "    # yamlcheck: ignore[VH2]\n    image:").format(
        image="python")
    assert codes(lint_text(text)) == []


def test_suppression_names_only_its_codes() -> None:
    text = STEP.format(image="python  # yamlcheck: ignore[VH204]")
    assert codes(lint_text(text)) == ["VH203"]


def test_file_ignore() -> None:
    text = "# yamlcheck: file-ignore[VH203, VH204]\n" + STEP.format(image="python") + \
        STEP.format(image="busybox").replace("train", "other")
    assert codes(lint_text(text)) == []


def test_unused_suppression_is_reported() -> None:
    text = STEP.format(image="docker.io/library/python:3.9  # yamlcheck: ignore[VH203]")
    (finding,) = lint_text(text)
    assert finding.code == "VH090" and finding.line == 3 and "VH203" in finding.message


def test_malformed_suppression_is_reported() -> None:
    text = "# yamlcheck: ignore[E501]\n" + STEP.format(image="docker.io/library/python:3.9")
    assert codes(lint_text(text)) == ["VH090"]


def test_a_suppression_inside_a_quoted_string_is_not_one() -> None:
    text = STEP.format(image="python:3.9").replace(
        "python train.py", "\"echo '# yamlcheck: ignore[VH203]'\"")
    assert codes(lint_text(text)) == ["VH203"]


def test_registry_suppressions_are_not_unused_offline() -> None:
    text = STEP.format(image="docker.io/library/python:3.9  # yamlcheck: ignore[VH310]")
    assert codes(lint_text(text)) == []


def test_suppressed_unused_suppression_can_itself_be_silenced_by_config() -> None:
    from yamlcheck.core.settings import Config, RuleSelection

    text = STEP.format(image="docker.io/library/python:3.9  # yamlcheck: ignore[VH203]")
    config = Config(rules=RuleSelection(ignore=("VH090",)))
    assert codes(lint_text(text, config)) == []


BLOCK = """\
- step:
    name: train
    image: docker.io/library/python:3.12
    command: >{same}
      python train.py {{paramters}}
      && echo done
    parameters:
      - {{name: lr, type: float, default: 0.1}}
"""


def test_a_suppression_on_the_key_covers_its_multi_line_value() -> None:
    assert codes(lint_text(BLOCK.format(same=""))) == ["VH421"]
    assert codes(lint_text(BLOCK.format(same="  # yamlcheck: ignore[VH421] a format string"))) \
        == []
    above = BLOCK.format(same="").replace("    command:", "    # yamlcheck: ignore[VH421]\n"
                                                           "    command:")
    assert codes(lint_text(above)) == []


def test_a_suppression_on_a_key_stops_where_its_value_ends() -> None:
    text = BLOCK.format(same="  # yamlcheck: ignore[VH421]") + \
        "    time-limit: 500ms\n"
    assert codes(lint_text(text)) == ["VH405"]


def test_codes_in_lower_case_and_unknown_codes() -> None:
    assert codes(lint_text(STEP.format(image="python:3.9  # yamlcheck: ignore[vh203]"))) == []
    found = lint_text(STEP.format(image="docker.io/library/python:3.9  # yamlcheck: ignore[VH999]"))
    assert codes(found) == ["VH090"] and "no rule code" in found[0].message
