"""Bytes to text: size limit, byte-order marks, UTF-8 and character checks."""

from __future__ import annotations

import codecs
import re
from bisect import bisect_right
from typing import Any, NamedTuple

from yamlcheck.core.diagnostic import Diagnostic, Span
from yamlcheck.document.findings import DocumentTooComplex, YamlSyntaxError

MAX_FILE_BYTES = 10 * 1024 * 1024

# Characters YAML does not allow anywhere in a stream: C0 controls but tab, LF
# and CR; DEL; C1 controls but NEL; surrogates; U+FFFE and U+FFFF.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
)

# Byte-order marks of encodings other than UTF-8, longest first (the UTF-32-LE
# mark starts with the UTF-16-LE one).
_OTHER_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
_SAVE_AS_UTF8 = "Valohai reads valohai.yaml as UTF-8 and cannot load it; save the file as UTF-8"


class SourceText(NamedTuple):
    """Decoded text without its byte-order mark; enough to write it back byte for byte."""

    text: str
    bom: bytes = b""
    encoding: str = "utf-8"

    def encode(self, text: str | None = None) -> bytes:
        return self.bom + (self.text if text is None else text).encode(self.encoding)


class EditorLines:
    """Spans by character offset, with lines counted at '\\n' as editors and
    reports count them.  Parsers also break lines at a lone CR, NEL, LS and
    PS; for a text holding one of those, spans are computed from offsets."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def span(self, start: Any, end: Any) -> Span:
        """The span between two parser marks (only their offsets are used)."""
        line = bisect_right(self.starts, start.index) - 1
        end_line = bisect_right(self.starts, end.index) - 1
        return (line, start.index - self.starts[line], end_line, end.index - self.starts[end_line],
                start.index, end.index)


def irregular_line_breaks(text: str) -> bool:
    """Whether parsers would count lines in ``text`` otherwise than editors."""
    return ("\x85" in text or "\u2028" in text or "\u2029" in text
            or ("\r" in text and text.count("\r") != text.count("\r\n")))


def point(text: str, index: int) -> Span:
    """The one-character span at a character offset."""
    line = text.count("\n", 0, index)
    col = index - (text.rfind("\n", 0, index) + 1)
    return (line, col, line, col + 1, index, index + 1)


def decode(data: bytes, path: str) -> tuple[SourceText | None, list[Diagnostic]]:
    """Decode a file's bytes as Valohai does (``data.decode("utf-8")``); on
    failure return one located finding instead.  A UTF-8 byte-order mark is
    kept aside: PyYAML skips it at the start of the text, as yamlcheck does."""
    if len(data) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        message = (f"file is larger than {limit} MiB (the limit); a valohai.yaml is a few "
                   "kilobytes" if len(data) == MAX_FILE_BYTES + 1 else
                   f"file is {len(data) / (1024 * 1024):.1f} MiB; the limit is {limit} MiB")
        return None, [DocumentTooComplex.at(path, (0, 0, 0, 1, 0, 1), message)]
    for mark, name in _OTHER_BOMS:
        if data.startswith(mark):
            writer = ", as Windows PowerShell 5 writes with '>'" if name == "UTF-16" else ""
            message = (f"the file is {name} text (it starts with a {name} byte-order "
                       f"mark{writer}); {_SAVE_AS_UTF8}")
            return None, [YamlSyntaxError.at(path, (0, 0, 0, 1, 0, 1), message)]
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    body = data[len(bom) :]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = body[: exc.start].decode("utf-8", errors="replace")
        bad = body[exc.start : exc.start + 1].hex()
        message = f"byte 0x{bad} is not UTF-8; {_SAVE_AS_UTF8}"
        return None, [YamlSyntaxError.at(path, point(prefix, len(prefix)), message)]
    forbidden = _FORBIDDEN.search(text)
    if forbidden:
        char = forbidden.group()
        if char == "\0" and _looks_utf16(body):
            message = f"the file looks like UTF-16 text (every other byte is NUL); {_SAVE_AS_UTF8}"
        elif char == "\0":
            message = "a NUL byte is not allowed in YAML (is this a binary file?)"
        else:
            message = f"control character U+{ord(char):04X} is not allowed in YAML"
        return None, [YamlSyntaxError.at(path, point(text, forbidden.start()), message)]
    return SourceText(text, bom), []


def _looks_utf16(body: bytes) -> bool:
    """Text written as UTF-16 without a byte-order mark: ASCII characters
    with a NUL byte before or after each."""
    sample = body[:200]
    return len(sample) >= 4 and (sample[0::2].count(0) == len(sample[0::2])
                                 or sample[1::2].count(0) == len(sample[1::2]))
