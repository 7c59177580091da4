"""Plain-words messages for YAML parser errors."""

from __future__ import annotations

from typing import Any

from yamlcheck.core.diagnostic import Span


def _line(mark: Any) -> int:
    return mark.line + 1


def _describe(problem: str, context: str, context_mark: Any, char: str) -> str:
    opened = f" at line {_line(context_mark)}" if context_mark is not None else ""
    if "tab character" in problem or (char == "\t" and "cannot start any token" in problem):
        return "a tab character is used for indentation; YAML allows only spaces"
    if "cannot start any token" in problem:
        shown = repr(char) if char.strip() else "this character"
        return f"{shown} cannot start a plain value; put the value in quotes"
    if "found unexpected ':'" in problem:
        return "a plain value inside [...] or {...} cannot contain ':'; put the value in quotes"
    if "mapping values are not allowed" in problem:
        return ("unexpected ':' inside a plain value; check the indentation of this line, "
                "or quote a value that contains ': '")
    if "could not find expected ':'" in problem:
        return f"expected ':' after the key started{opened} (an unclosed quote or a bare word?)"
    if "did not find expected key" in problem:
        return (f"this line does not line up with the mapping started{opened}; check its "
                "indentation, or quote a value that is followed by more text")
    if "expected '-' indicator" in problem:
        return f"this line does not line up with the list started{opened}; check its indentation"
    if "expected ',' or ']'" in problem:
        return f"the list opened with '['{opened} is not closed with ']'"
    if "expected ',' or '}'" in problem:
        return f"the mapping opened with '{{'{opened} is not closed with '}}'"
    if "expected node content" in problem and "flow" in context:
        return f"a value is missing, or the bracket opened{opened} is not closed"
    if "unexpected end of stream" in problem and "quoted scalar" in context:
        return f"the quoted value opened{opened} is never closed"
    if "unknown escape character" in problem:
        return ("unknown escape sequence in a double-quoted value; use single quotes, "
                "or write the backslash twice")
    if "undefined alias" in problem:
        return "this alias refers to an anchor that is not defined before it"
    if "duplicate anchor" in context or "duplicate anchor" in problem:
        return f"this anchor name is already defined{opened}"
    if "another document" in problem or "single document" in context:
        return "the file holds more than one YAML document ('---'); valohai.yaml must have one"
    if "<document start>" in problem:
        return "unexpected text after the end of the document; check brackets and indentation"
    if "block scalar" in context:
        return f"invalid block scalar (| or >) header{opened}"
    if "incompatible YAML document" in problem:
        return "unsupported %YAML version directive"
    if "<block end>" in problem:
        return "unexpected content; check the indentation of this line"
    detail = f" ({context}{opened})" if context else ""
    return f"invalid YAML: {problem}{detail}"


def syntax_error(exc: Any, text: str) -> tuple[Span, str]:
    """Span and message for a ruamel.yaml error raised by the parser.  The
    position is taken from the mark's character index, clamped to the text
    (the parser may point just past the end)."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    index = mark.index if mark is not None else (getattr(exc, "position", 0) or 0)
    index = max(0, min(index, len(text)))
    line = text.count("\n", 0, index)
    col = index - (text.rfind("\n", 0, index) + 1)
    span: Span = (line, col, line, col + 1, index, index + 1)
    char = text[index] if index < len(text) else ""
    problem = str(getattr(exc, "problem", None) or getattr(exc, "reason", None) or exc)
    context = str(getattr(exc, "context", None) or "")
    return span, _describe(problem, context, getattr(exc, "context_mark", None), char)
