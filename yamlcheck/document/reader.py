"""Bytes to text: size limit, byte-order marks, UTF-8 and character checks."""

from __future__ import annotations

import codecs
import re
from typing import NamedTuple

from yamlcheck.core.diagnostic import Diagnostic, Span
from yamlcheck.document.findings import DocumentTooComplex, YamlSyntaxError

MAX_FILE_BYTES = 10 * 1024 * 1024

# Characters YAML does not allow anywhere in a stream: C0 controls but tab, LF
# and CR; DEL; C1 controls but NEL; surrogates; U+FFFE and U+FFFF.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class SourceText(NamedTuple):
    """Decoded text without its byte-order mark; enough to write it back byte for byte."""

    text: str
    bom: bytes = b""
    encoding: str = "utf-8"

    def encode(self, text: str | None = None) -> bytes:
        return self.bom + (self.text if text is None else text).encode(self.encoding)


def point(text: str, index: int) -> Span:
    """The one-character span at a character offset."""
    line = text.count("\n", 0, index)
    col = index - (text.rfind("\n", 0, index) + 1)
    return (line, col, line, col + 1, index, index + 1)


def decode(data: bytes, path: str) -> tuple[SourceText | None, list[Diagnostic]]:
    """Decode a file's bytes; on failure return one located finding instead."""
    if len(data) > MAX_FILE_BYTES:
        size = len(data) / (1024 * 1024)
        message = f"file is {size:.1f} MiB; the limit is {MAX_FILE_BYTES // (1024 * 1024)} MiB"
        return None, [DocumentTooComplex.at(path, (0, 0, 0, 1, 0, 1), message)]
    bom, encoding = b"", "utf-8"
    for mark, name in _BOMS:
        if data.startswith(mark):
            bom, encoding = mark, name
            break
    body = data[len(bom) :]
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        prefix = body[: exc.start].decode(encoding, errors="replace")
        bad = body[exc.start : exc.start + 1].hex()
        message = f"invalid {encoding.upper()} byte 0x{bad}; valohai.yaml must be UTF-8 text"
        return None, [YamlSyntaxError.at(path, point(prefix, len(prefix)), message)]
    forbidden = _FORBIDDEN.search(text)
    if forbidden:
        char = forbidden.group()
        what = "a NUL byte" if char == "\0" else f"control character U+{ord(char):04X}"
        message = f"{what} is not allowed in YAML (is this a binary file?)"
        return None, [YamlSyntaxError.at(path, point(text, forbidden.start()), message)]
    return SourceText(text, bom, encoding), []
