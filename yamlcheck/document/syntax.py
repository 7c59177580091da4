"""Plain-words messages for the errors of PyYAML's parser (Valohai's loader).

The position is PyYAML's problem mark: the character where it stopped.
"""

from __future__ import annotations

import re
from typing import Any

from yamlcheck.core.diagnostic import Span

_TABS_ALLOWED = ("Valohai's YAML loader (PyYAML) allows tabs only inside quotes, "
                 "block scalars (| or >) and comments")
_TOKENS = {
    "<scalar>": "a value", "<stream end>": "the end of the file", "<block end>": "a dedent",
    "<block mapping start>": "a new mapping", "<block sequence start>": "a new list",
    "<alias>": "an alias", "<anchor>": "an anchor", "<tag>": "a tag",
    "<document start>": "'---'", "<document end>": "'...'", "<directive>": "a directive",
}
_ESCAPE_OUT_OF_RANGE = re.compile(r"\\U([0-9A-Fa-f]{8})")


def _found(problem: str) -> str:
    """The token or character a PyYAML problem names ("but found '?'")."""
    for marker in ("but found ", "but got "):
        if marker in problem:
            token = problem.split(marker, 1)[1].strip("'\"")
            return _TOKENS.get(token, repr(token))
    return "this"


def tab_message(text: str, index: int) -> str:
    """Why the tab at ``index`` is refused, by what surrounds it."""
    line_start = text.rfind("\n", 0, index) + 1
    line_end = text.find("\n", index)
    before = text[line_start:index].rstrip(" \t")
    after = text[index:line_end if line_end >= 0 else len(text)].strip(" \t\r")
    if not before:
        return "a tab character is used for indentation; YAML allows only spaces"
    if not after:
        return f"a tab at the end of the line; {_TABS_ALLOWED}: remove it"
    if after.startswith("#"):
        return f"a tab before a comment; {_TABS_ALLOWED}: use a space before '#'"
    if before[-1] in ":-?,[{" or text[index - 1] == " ":
        return f"a tab after {before[-1]!r}; {_TABS_ALLOWED}: use a space"
    return f"a tab inside an unquoted value; {_TABS_ALLOWED}: quote the value, or use a space"


def _describe(problem: str, context: str, opened: str, char: str, bracket: str,
              later_line: bool) -> str:
    if "cannot start any token" in problem:
        shown = repr(char) if char.strip() else "this character"
        return f"{shown} cannot start a plain value; put the value in quotes"
    if "mapping values are not allowed" in problem:
        return ("unexpected ':' inside a plain value; check the indentation of this line, "
                "or quote a value that contains ': '")
    if "could not find expected ':'" in problem:
        return f"expected ':' after the key started{opened} (an unclosed quote or a bare word?)"
    if "expected <block end>" in problem and "mapping" in context:
        return (f"this line does not line up with the mapping started{opened}; check its "
                "indentation, or quote a value that is followed by more text")
    if "expected <block end>" in problem:
        return f"this line does not line up with the list started{opened}; check its indentation"
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        kind, close = ("list", "]") if "']'" in problem else ("mapping", "}")
        found = _found(problem)
        if found == "the end of the file":
            return f"the {kind} opened{opened} is never closed with '{close}'"
        if later_line:
            return f"the {kind} opened{opened} is not closed with '{close}' (found {found} here)"
        return (f"expected ',' or '{close}' in the {kind} opened{opened}, found {found}; "
                "quote a value that holds '?', ':', ',', '[', ']', '{' or '}'")
    if "expected the node content" in problem:
        where = f", or the bracket opened{bracket} is not closed" if "flow" in context else ""
        return f"a value is missing here (found {_found(problem)}){where}"
    if "sequence entries are not allowed" in problem:
        return "a '- ' list item is not allowed here; check the indentation of this line"
    if "mapping keys are not allowed" in problem:
        return "a '? ' key is not allowed here; check the indentation of this line"
    if "end of stream" in problem and "quoted scalar" in context:
        return f"the quoted value opened{opened} is never closed"
    if "document separator" in problem:
        return f"the quoted value opened{opened} runs into a '---' or '...' line; close the quote"
    if "unknown escape character" in problem:
        return ("unknown escape sequence in a double-quoted value; use single quotes, "
                "or write the backslash twice")
    if "hexadecimal numbers" in problem:
        return (r"\x, \u and \U in a double-quoted value need 2, 4 or 8 hexadecimal digits; "
                "write the backslash twice for a backslash")
    if "'<document start>'" in problem:
        return (f"unexpected {_found(problem)} after the end of the document; check brackets "
                "and indentation")
    if "block scalar" in context and char == "#":
        return ("put a space between '|' or '>' and the comment; Valohai's YAML loader "
                "(PyYAML) refuses a '#' right after them")
    if "block scalar" in context:
        return ("invalid block scalar header: only an indentation digit 1-9 and '+' or '-' "
                "may follow '|' or '>', then a space and a comment")
    if "anchor" in context or "alias" in context:
        return "an anchor or alias name may hold only letters, digits, '-' and '_'"
    if "incompatible YAML document" in problem:
        return "unsupported %YAML version directive (Valohai's YAML loader reads YAML 1.x)"
    if "directive" in context:
        return f"invalid % directive line: {problem}"
    if "tag handle" in problem:
        return f"{problem}; a tag such as !foo!bar needs a %TAG directive (remove the tag)"
    detail = f" ({context}{opened})" if context else ""
    return f"invalid YAML: {problem}{detail}"


def syntax_error(exc: Any, text: str) -> tuple[Span, str]:
    """Span and message for an error raised by PyYAML's parser."""
    if isinstance(exc, ValueError):  # chr() of an escape beyond U+10FFFF
        bad = next((m for m in _ESCAPE_OUT_OF_RANGE.finditer(text)
                    if int(m.group(1), 16) > 0x10FFFF), None)
        index = bad.start() if bad else 0
        return _point(text, index), ("an escape in a double-quoted value names a character "
                                     "beyond U+10FFFF; Valohai's YAML loader fails on it")
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    index = mark.index if mark is not None else 0
    index = max(0, min(index, len(text)))
    char = text[index] if index < len(text) else ""
    problem = str(getattr(exc, "problem", None) or exc)
    context = str(getattr(exc, "context", None) or "")
    context_mark = getattr(exc, "context_mark", None)
    # lines as the reports count them, at '\n' (PyYAML's marks also count a lone '\r')
    opened_line = _line_of(text, context_mark.index) if context_mark is not None else 0
    opened = f" at line {opened_line}" if context_mark is not None else ""
    span = _point(text, index)  # lines as editors count them (see reader.EditorLines)
    if char == "\t":
        return span, tab_message(text, index)
    later = context_mark is not None and mark is not None and \
        _line_of(text, index) > opened_line
    line = unclosed_bracket_line(text, index)
    bracket = f" at line {line}" if line is not None else opened
    return span, _describe(problem, context, opened, char, bracket, later)


def _line_of(text: str, index: int) -> int:
    """The 1-based line of ``index``, counted at '\n'."""
    return text.count("\n", 0, max(0, min(index, len(text)))) + 1


def unclosed_bracket_line(text: str, index: int) -> int | None:
    """The 1-based line of the innermost '[' or '{' still open before
    ``index`` (quotes and comments skipped), or None.  PyYAML's own context
    mark points at the node it was parsing, not at the bracket."""
    stack: list[int] = []
    position, line, quote = 0, 1, ""
    while position < index:
        char = text[position]
        if char == "\n":
            line += 1
        if quote:
            if char == quote and not (quote == '"' and text[position - 1] == "\\"):
                quote = ""
        elif char in "'\"" and (position == 0 or text[position - 1] in " \t\n[{,:"):
            quote = char
        elif char == "#" and (position == 0 or text[position - 1] in " \t\n"):
            end = text.find("\n", position)
            position = index if end < 0 else min(end, index)
            continue
        elif char in "[{":
            stack.append(line)
        elif char in "]}" and stack:
            stack.pop()
        position += 1
    return stack[-1] if stack else None


def _point(text: str, index: int) -> Span:
    line = text.count("\n", 0, index)
    col = index - (text.rfind("\n", 0, index) + 1)
    return (line, col, line, col + 1, index, index + 1)
