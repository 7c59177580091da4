"""Loading YAML: positions, YAML 1.1 values, duplicate keys, tags and limits."""

from __future__ import annotations

import codecs
import time

import pytest

from yamlcheck.document import scalars
from yamlcheck.document.loader import load
from yamlcheck.document.tree import PosList, PosMap


def loaded(text: str | bytes):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return load("f.yaml", data)


def test_positions_of_keys_and_values() -> None:
    result = loaded("- step:\n    name: train\n    image: 'x:1'\n")
    step = result.root[0]["step"]
    assert isinstance(step, PosMap)
    assert step.key_span("image")[:4] == (2, 4, 2, 9)
    assert step.value_span("image")[:4] == (2, 11, 2, 16)  # includes the quotes
    assert result.root.item_span(0)[:2] == (0, 2)


def test_positions_count_characters_not_bytes() -> None:
    result = loaded("a: 'é€'\nb: x\n")
    assert result.root.value_span("b")[:2] == (1, 3)
    assert result.root.value_span("a")[5] - result.root.value_span("a")[4] == 4


@pytest.mark.parametrize(("text", "value"), [
    ("yes", True), ("Off", False), ("on", True), ("~", None), ("", None), ("null", None),
    ("0777", 0o777), ("0x1F", 31), ("0b101", 5), ("1_000", 1000), ("1:30", 90), ("-17", -17),
    ("1.5", 1.5), ("1e3", "1e3"), ("1.0e+3", 1000.0), (".inf", float("inf")), ("'5'", "5"),
    ('"yes"', "yes"), ("!!str 12", "12"), ("!!int '12'", 12), ("x y", "x y"),
])
def test_yaml_1_1_scalars(text: str, value: object) -> None:
    assert loaded(f"v: {text}\n").root["v"] == value


def test_dates_are_not_strings() -> None:
    value = loaded("v: 2020-09-02\n").root["v"]
    assert isinstance(value, scalars.Timestamp) and not isinstance(value, str)


def test_duplicate_key_is_reported_and_last_value_wins() -> None:
    result = loaded("a: 1\nb: 2\na: 3\n")
    assert result.root["a"] == 3
    (finding,) = result.diagnostics
    assert finding.code == "VH002" and (finding.line, finding.column) == (3, 1)
    assert "first at line 1" in finding.message


def test_merge_keys_follow_pyyaml() -> None:
    result = loaded("base: &b {x: 1, y: 2}\nother: &o {y: 3, z: 4}\nc:\n  <<: [*b, *o]\n  x: 9\n")
    assert dict(result.root["c"]) == {"x": 9, "y": 2, "z": 4}
    assert not result.diagnostics


def test_unsafe_tags_are_reported_never_constructed() -> None:
    result = loaded("v: !!python/object/apply:os.system ['touch /tmp/pwned']\n")
    (finding,) = result.diagnostics
    assert finding.code == "VH001" and "python/object/apply" in finding.message
    assert result.root["v"] is None


def test_unhashable_key() -> None:
    result = loaded("? [a, b]\n: 1\nc: 2\n")
    assert [d.code for d in result.diagnostics] == ["VH001"]
    assert result.root["c"] == 2


@pytest.mark.parametrize(("text", "line", "column", "words"), [
    ("a: 1\n\tb: 2\n", 2, 1, "tab"),
    ("a: 'open\nb: 2\n", 3, 1, "never closed"),
    ("a: *nope\n", 1, 4, "anchor that is not defined"),
    ("a: [1, 2\nb: 3\n", 2, 2, "not closed"),
    ("a:\n  b: 1\n c: 2\n", 3, 2, "line up"),
    ("a: 1\n---\nb: 2\n", 2, 1, "more than one YAML document"),
    ("a: @x\n", 1, 4, "cannot start a plain value"),
])
def test_syntax_errors_are_located_and_plain(text: str, line: int, column: int,
                                             words: str) -> None:
    (finding,) = loaded(text).diagnostics
    assert finding.code == "VH001"
    assert (finding.line, finding.column) == (line, column)
    assert words in finding.message
    assert "Indentation Error" not in finding.message


def test_invalid_utf8_is_located() -> None:
    (finding,) = loaded(b"a: 1\nb: caf\xe9\n").diagnostics
    assert finding.code == "VH001" and (finding.line, finding.column) == (2, 7)
    assert "0xe9" in finding.message


def test_nul_byte_is_located() -> None:
    (finding,) = loaded(b"a: 1\nb: x\x00y\n").diagnostics
    assert finding.code == "VH001" and (finding.line, finding.column) == (2, 5)


def test_bom_and_crlf() -> None:
    result = loaded(codecs.BOM_UTF8 + b"a: 1\r\nb: two\r\n")
    assert result.root == {"a": 1, "b": "two"}
    assert result.source.bom == codecs.BOM_UTF8
    assert result.root.value_span("b")[:2] == (1, 3)


def test_utf8_bom_is_read_as_pyyaml_reads_it() -> None:
    """valohai-yaml decodes the bytes as UTF-8, which keeps U+FEFF; PyYAML
    skips it at the start of the text and reads it as text anywhere else."""
    import yaml

    for data in (codecs.BOM_UTF8 + b"a: 1\n", b"a: 1\n\xef\xbb\xbfb: 2\n", b"a: \xef\xbb\xbf\n",
                 codecs.BOM_UTF8 * 2 + b"a: 1\n", codecs.BOM_UTF8 * 2 + b"- a\n"):
        expected = yaml.safe_load(data.decode("utf-8"))
        result = loaded(data)
        assert not result.diagnostics and result.root == expected


@pytest.mark.parametrize(("data", "encoding"), [
    (codecs.BOM_UTF16_LE + "- step:\n    name: é\n".encode("utf-16-le"), "UTF-16"),
    (codecs.BOM_UTF16_BE + "- step:\n    name: é\n".encode("utf-16-be"), "UTF-16"),
    ("- step:\n    name: é\n".encode("utf-32"), "UTF-32"),
    (codecs.BOM_UTF32_BE + "a: 1\n".encode("utf-32-be"), "UTF-32"),
])
def test_utf16_and_utf32_are_refused_as_valohai_refuses_them(data: bytes, encoding: str) -> None:
    import yaml

    with pytest.raises(UnicodeDecodeError):
        yaml.safe_load(data.decode("utf-8"))
    (finding,) = loaded(data).diagnostics
    assert finding.code == "VH001" and (finding.line, finding.column) == (1, 1)
    assert f"is {encoding} text" in finding.message and "save the file as UTF-8" in finding.message


def test_utf16_without_bom_is_named() -> None:
    (finding,) = loaded("a: 1\n".encode("utf-16-le")).diagnostics
    assert finding.code == "VH001" and "UTF-16" in finding.message


def test_empty_file_loads_as_none() -> None:
    result = loaded("")
    assert result.loaded and result.root is None and not result.diagnostics


def test_billion_laughs_is_stopped_quickly() -> None:
    text = "a: &a [x, x, x, x, x, x, x, x, x]\n"
    previous = "a"
    for name in "bcdefghi":
        text += f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
        previous = name
    started = time.perf_counter()
    result = loaded(text)
    assert time.perf_counter() - started < 1.0
    assert [d.code for d in result.diagnostics] == ["VH005"]
    assert not result.loaded


@pytest.mark.parametrize("depth", [150, 450])
def test_nesting_pyyaml_loads_is_built(depth: int) -> None:
    result = loaded("v: " + "[" * depth + "]" * depth + "\n")
    assert result.loaded and not result.diagnostics


@pytest.mark.parametrize("depth", [600, 5_000, 60_000])
def test_nesting_pyyaml_cannot_load_is_refused_without_crashing(depth: int) -> None:
    import yaml

    text = "v: " + "[" * depth + "]" * depth + "\n"
    with pytest.raises(RecursionError):
        yaml.safe_load(text)
    started = time.perf_counter()
    (finding,) = loaded(text).diagnostics
    assert time.perf_counter() - started < 2.0
    assert finding.code == "VH001" and "recursion" in finding.message


def test_depth_limit_is_above_what_pyyaml_can_load() -> None:
    """PyYAML composes recursively (two frames a level): even from a fresh
    thread it cannot load MAX_DEPTH levels, so the limit refuses only what
    Valohai cannot load.  Between PyYAML's limit and MAX_DEPTH yamlcheck
    accepts: the limit depends on the caller's stack in Valohai."""
    import threading

    import yaml

    from yamlcheck.document.builder import MAX_DEPTH

    outcome: list[object] = []

    def attempt() -> None:
        try:
            yaml.safe_load("[" * MAX_DEPTH + "]" * MAX_DEPTH)
            outcome.append("loaded")
        except RecursionError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=attempt)
    thread.start()
    thread.join()
    assert isinstance(outcome[0], RecursionError)
    assert not loaded("[" * MAX_DEPTH + "]" * MAX_DEPTH).diagnostics


def test_deep_block_nesting() -> None:
    text = "".join(" " * i + "-\n" for i in range(1_000))
    (finding,) = loaded(text).diagnostics
    assert finding.code == "VH001" and "recursion" in finding.message


def test_recursive_alias_is_reported() -> None:
    """PyYAML loads it (a list that holds itself); every walk of it would be
    endless, valohai-yaml's too."""
    result = loaded("a: &a [*a]\n")
    assert [d.code for d in result.diagnostics] == ["VH005"]


def test_errors_after_a_limit_are_still_reported() -> None:
    result = loaded("a: &a [*a]\nb: *nope\nc: [\n")
    assert sorted(d.code for d in result.diagnostics) == ["VH001", "VH001"]


def test_huge_decimal_integer_is_refused_as_pyyaml_refuses_it() -> None:
    import yaml

    text = "v: " + "9" * 5000 + "\n"
    with pytest.raises(ValueError, match="4300"):
        yaml.safe_load(text)
    (finding,) = loaded(text).diagnostics
    assert finding.code == "VH001" and "5000 digits" in finding.message
    assert len(finding.message) < 200


def test_huge_hexadecimal_integer_is_beyond_printing() -> None:
    """PyYAML converts it; Python could not print it for a report."""
    result = loaded("v: 0x" + "f" * 5000 + "\n")
    assert [d.code for d in result.diagnostics] == ["VH005"]


def test_too_large_file() -> None:
    result = load("big.yaml", b"a: " + b"x" * (11 * 1024 * 1024))
    (finding,) = result.diagnostics
    assert finding.code == "VH005" and "MiB" in finding.message


def test_lists_keep_item_positions() -> None:
    result = loaded("- a\n- b\n-   c\n")
    assert isinstance(result.root, PosList)
    assert result.root.item_span(2)[:2] == (2, 4)


def test_both_parsers_give_the_same_tree() -> None:
    from yamlcheck.document.builder import Builder
    from yamlcheck.document.composer import fast_parser, pyyaml_parser

    text = ("- step:\n    name: train  # c\n    image: 'docker.io/a/b:1'\n    command: [a, b]\n"
            "    parameters:\n      - {name: n, default: 0x10, optional: yes}\n"
            "    description: |\n      two\n      lines\n")
    fast = Builder("f").build(fast_parser(text))
    pure = Builder("f").build(pyyaml_parser(text))
    assert fast == pure
    step, other = fast[1][0]["step"], pure[1][0]["step"]
    for key in step:
        assert step.key_span(key) == other.key_span(key)
        assert step.value_span(key) == other.value_span(key)


def test_pyyaml_is_imported_only_where_the_parsers_can_differ(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    from helpers import ROOT

    def modules(text: str) -> set[str]:
        path = tmp_path / "valohai.yaml"
        path.write_text(text)
        result = subprocess.run([sys.executable, "-X", "importtime", "-m", "yamlcheck", "lint",
                                 str(path)], capture_output=True, text=True, cwd=ROOT,
                                timeout=60, check=False)
        return {line.split("|")[-1].strip() for line in result.stderr.splitlines()
                if line.startswith("import time:")}

    step = "- step:\n    name: train\n    image: docker.io/library/python:3.12\n"
    assert "yaml" not in modules(step + "    command: python train.py\n")
    assert "yaml" in modules(step + "    command: python\ttrain.py\n")
    assert "yaml" in modules(step + "    command: [s3://a, s3://b]\n")


def test_lines_are_counted_as_editors_count_them() -> None:
    """YAML also breaks lines at a lone CR and at NEL, LS, PS; reports and
    editors count '\\n' only, and so do yamlcheck's positions."""
    result = loaded("a: 'x\u2028y'\nb: 'x\rz'\nc: *nope\n")
    (finding,) = result.diagnostics
    assert (finding.line, finding.column) == (3, 4)
    assert result.root.value_span("b")[:2] == (1, 3)
    (finding,) = loaded("a: 1\rb: 2\n\tc: 3\n").diagnostics
    assert (finding.line, finding.column) == (2, 1)


def test_an_unclosed_bracket_is_named_at_its_own_line() -> None:
    from yamlcheck.core.settings import Config
    from yamlcheck.engine import lint_bytes

    text = ("- step:\n    name: a\n    image: docker.io/library/python:3.9\n"
            "    command: [python x.py,\n- step:\n    name: b\n")
    (finding,) = [d for d in lint_bytes("v.yaml", text.encode(), Config()).diagnostics
                  if d.code == "VH001"]
    assert finding.line == 5 and "bracket opened at line 4" in finding.message


def test_line_numbers_in_syntax_messages_are_those_of_the_location() -> None:
    """PyYAML's marks also count a lone CR as a line break; the report counts
    lines at '\\n' only, in its location and in its message alike."""
    text = "- step:\r    name: a\r    image: docker.io/python:3.9\r    command: x\r    tags: [a\r"
    (found,) = load("valohai.yaml", text.encode()).diagnostics
    assert (found.line, found.column) == (1, 81)
    assert "the list opened at line 1 is never closed" in found.message
