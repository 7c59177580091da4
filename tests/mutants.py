"""Deterministic mutants of valohai.yaml files for the YAML verdict test.

Each mutant applies one to three edits to a slice of a real-world file: the
edits where libyaml and PyYAML, or yamlcheck's value checks and PyYAML's
constructor, could disagree.
"""

from __future__ import annotations

import codecs
import random
from collections.abc import Callable, Iterator

URLS = ["s3://bucket/data.csv", "http://mlflow:5000", "gs://b/x?y=1", "a:b", "x:", ":x",
        "datum://0123", "https://example.com:8443/a#frag", "c:\\data", "{parameter:lr}"]
INDICATORS = [*":-?,[]{}#&*!|>'\"%@`", ": ", "- ", "? ", " #", "&a ", "*a", "!!str ", "<<: ",
              "---", "...", "\\"]
SCALARS = ["2020-13-45", "2020-02-30 25:00:00", "2001-12-14t21:59:43.10-05:00",
           "2001-12-14 21:59:43.10 +24", "!!int 0x", "!!int 1:30", "!!float -.nan", "!!bool maybe",
           "!!bool yEs", "! 12", "! 2020-99-01", "!!timestamp x", "!!binary =", "=", "<<",
           "!!omap [a]", "!!pairs [{a: 1}]", "!!set {a}", "!!null x", "0o17", "!!int '0o17'",
           "9" * 4400, "0x" + "f" * 4000, "!!value x", "! '12'", "!!str", "!<tag:yaml.org,2002:str> x"]
ESCAPES = ['"\\/"', '"\\ud800"', '"\\U00110000"', '"\\\'"', '"\\x4"', '"\\e\\N\\_\\L\\P"',
           '"a\\\n  b"', '"\\\t"', "'it''s'"]
DIRECTIVES = ["%YAML 1.2\n---\n", "%YAML 2.0\n---\n", "%FOO bar\n---\n", "%TAG !e! tag:e,2000:\n---\n",
              "%YAML 1.1\n%YAML 1.1\n---\n", "%TAG ! !\n---\n", "%YAML\t1.1\n---\n", "---\n", "--- |\n  x\n"]
BREAKS = ["\r\n", "\r", "\x85", "\u2028", "\u2029", "\ufeff"]


def _position(rng: random.Random, text: str) -> int:
    return rng.randrange(len(text) + 1)


def _line_bounds(rng: random.Random, text: str) -> tuple[int, int]:
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    start = rng.choice(starts)
    end = text.find("\n", start)
    return start, len(text) if end < 0 else end


def tab(rng: random.Random, text: str) -> str:
    choice = rng.random()
    if choice < 0.3:  # a space turned into a tab
        spaces = [i for i, c in enumerate(text) if c == " "]
        if spaces:
            i = rng.choice(spaces)
            return text[:i] + "\t" + text[i + 1 :]
    if choice < 0.5:  # at the end of a line, before a comment, after a colon
        start, end = _line_bounds(rng, text)
        where = rng.choice([end, text.find(":", start, end) + 1 or end, text.find("#", start, end)])
        where = end if where < start else where
        return text[:where] + "\t" + text[where:]
    if choice < 0.6:  # inside quotes or a block scalar, where PyYAML allows it
        return text + rng.choice(["x: 'a\tb'\n", 'x: "a\tb"\n', "x: |\n  a\tb\n", "x: 1 #\tc\n"])
    i = _position(rng, text)
    return text[:i] + "\t" + text[i:]


def flow(rng: random.Random, text: str) -> str:
    """Rewrite a line's value in flow style, with URLs and colons unquoted."""
    start, end = _line_bounds(rng, text)
    line = text[start:end]
    key, sep, _ = line.partition(": ")
    items = rng.sample(URLS, rng.randint(1, 3))
    if rng.random() < 0.5:
        new = "[" + ", ".join(items) + rng.choice(["]", "", ",]", " ]"]) + ""
    else:
        pairs = [f"{rng.choice(['name', 'default', 'url', 'k:x'])}: {v}" for v in items]
        new = "{" + ", ".join(pairs) + rng.choice(["}", "", ",}", " }"])
    if not sep:
        indent = len(line) - len(line.lstrip(" "))
        return text[:end] + "\n" + " " * indent + rng.choice(["- ", "v: ", ""]) + new + text[end:]
    return text[:start] + key + sep + new + text[end:]


def whole_step_in_flow(rng: random.Random, text: str) -> str:
    steps = ["- step: {name: train, image: 'docker.io/library/python:3.12', command: python t.py, "
             "inputs: [{name: data, default: s3://bucket/data.csv}]}\n",
             "- {step: {name: a, image: python:3.12, command: [x:y, 'z'], environment-variables: "
             "[{name: URL, default: http://mlflow:5000}]}}\n",
             "- step: {name: b, parameters: [{name: lr, default: 0.1, type: float}], "
             "command: run {parameters}}\n"]
    choice = rng.choice(steps)
    i = rng.choice([0, len(text)])
    return text[:i] + choice + text[i:]


def indicator(rng: random.Random, text: str) -> str:
    i = _position(rng, text)
    return text[:i] + rng.choice(INDICATORS) + text[i:]


def indentation(rng: random.Random, text: str) -> str:
    start, _ = _line_bounds(rng, text)
    if rng.random() < 0.5:
        return text[:start] + " " * rng.randint(1, 4) + text[start:]
    spaces = len(text[start:]) - len(text[start:].lstrip(" "))
    drop = min(spaces, rng.randint(1, 4))
    return text[:start] + text[start + drop :]


def join_or_split(rng: random.Random, text: str) -> str:
    if rng.random() < 0.5:
        breaks = [i for i, c in enumerate(text) if c == "\n"]
        if breaks:
            i = rng.choice(breaks)
            return text[:i] + rng.choice(["", " "]) + text[i + 1 :]
    i = _position(rng, text)
    return text[:i] + "\n" + " " * rng.randint(0, 6) + text[i:]


def scalar(rng: random.Random, text: str) -> str:
    start, end = _line_bounds(rng, text)
    line = text[start:end]
    key, sep, _ = line.partition(": ")
    value = rng.choice(SCALARS)
    if sep:
        return text[:start] + key + sep + value + text[end:]
    return text[:end] + "\n" + rng.choice(["v: ", "- ", f"{value}: "]) + value + text[end:]


def escape(rng: random.Random, text: str) -> str:
    start, end = _line_bounds(rng, text)
    key, sep, _ = text[start:end].partition(": ")
    if sep:
        return text[:start] + key + sep + rng.choice(ESCAPES) + text[end:]
    return text + "e: " + rng.choice(ESCAPES) + "\n"


def directive(rng: random.Random, text: str) -> str:
    return rng.choice(DIRECTIVES) + text


def line_break(rng: random.Random, text: str) -> str:
    i = _position(rng, text)
    if rng.random() < 0.3:
        start, _ = _line_bounds(rng, text)
        i = start
    return text[:i] + rng.choice(BREAKS) + text[i:]


def anchors(rng: random.Random, text: str) -> str:
    start, end = _line_bounds(rng, text)
    key, _, value = text[start:end].partition(": ")
    edits = [f"{key}: &a {value}", f"{key}: *a", f"{key}: &a", f"&a {key}: {value}",
             f"{key}: *b", "<<: *a", f"{key}: {{<<: *a}}", "? *a\n: 1", f"{key}: &a [*a]"]
    return text[:start] + rng.choice(edits) + text[end:]


def long_key(rng: random.Random, text: str) -> str:
    size = rng.choice([1000, 1020, 1023, 1024, 1025, 1030, 1100])
    prefix = rng.choice(["", "- ", "  ", "[", "{"])
    return text + prefix + "k" * size + ": v\n"


EDITS: list[Callable[[random.Random, str], str]] = [
    tab, tab, flow, flow, whole_step_in_flow, indicator, indicator, indentation, join_or_split,
    scalar, escape, directive, line_break, anchors, long_key,
]


def encode(rng: random.Random, text: str) -> bytes:
    """Mostly UTF-8; sometimes with a BOM, as UTF-16/32, or with a bad byte."""
    choice = rng.random()
    if choice < 0.9:
        return text.encode("utf-8", errors="surrogatepass")
    if choice < 0.95:
        return codecs.BOM_UTF8 + text.encode("utf-8", errors="surrogatepass")
    if choice < 0.97:
        return text.encode(rng.choice(["utf-16", "utf-32", "utf-16-le"]), errors="surrogatepass")
    data = bytearray(text.encode("utf-8", errors="surrogatepass"))
    data.insert(rng.randrange(len(data) + 1), rng.choice([0xFF, 0xE9, 0xC3, 0x80]))
    return bytes(data)


def slices(text: str, rng: random.Random) -> str:
    """5 to 60 lines of ``text`` from the start of a top-level item (or all
    of it), so that most slices still load."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith("- ")]
    if len(lines) <= 60 or not starts or rng.random() < 0.1:
        return text
    start = rng.choice(starts)
    return "".join(lines[start : start + rng.randint(5, 60)])


def mutants(seeds: list[str], count: int, seed: int = 20240601) -> Iterator[bytes]:
    """``count`` mutants of ``seeds``, the same ones for the same arguments."""
    rng = random.Random(seed)
    for _ in range(count):
        text = slices(rng.choice(seeds), rng)
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            text = rng.choice(EDITS)(rng, text)
        yield encode(rng, text)
