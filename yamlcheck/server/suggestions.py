"""The edit behind a finding's "did you mean 'x'?".

The rules put their suggestion in the message (``unknown key 'imgae' (did you
mean 'image'?)``, ``{param:lr} ... did you mean {parameter:lr}?``) and the
finding's place on the misspelt text, which may be a whole scalar or hold
the misspelt word inside it (a node in ``trian.output.model``, a name in
``{parameter:lerning_rate}``).  The edit replaces the part of the finding's
text most like the suggestion: the whole text, a name the message quotes, or
one of its dotted, colon-separated or braced parts.
"""

from __future__ import annotations

import difflib
import re
from typing import NamedTuple

_SUGGESTION = re.compile(r"did you mean (?:'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"|(\{[^{}]*\}))\?")
_QUOTED = re.compile(r"'([^']+)'|\"([^\"]+)\"")
_PART = re.compile(r"[^\s.:{}\[\],'\"]+")
_MIN_LIKENESS = 0.5


class Replacement(NamedTuple):
    start: int  # offsets into the finding's text
    end: int
    text: str


def suggestion(message: str) -> str | None:
    """The suggested text of a message, or None."""
    match = _SUGGESTION.search(message)
    if match is None:
        return None
    quoted = match.group(1) if match.group(1) is not None else match.group(2)
    if quoted is not None:
        return quoted.replace("\\'", "'").replace('\\"', '"').replace("\\\\", "\\")
    return match.group(3)


def _likeness(a: str, b: str) -> float:
    """How alike two texts are, a difference of case counting only a little."""
    exact = difflib.SequenceMatcher(None, a, b).ratio()
    return max(exact, difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio() * 0.99)


def replacement(message: str, text: str) -> Replacement | None:
    """Where in ``text`` (the finding's text) the suggestion goes, and what it is."""
    suggested = suggestion(message)
    if not suggested or not text:
        return None
    quote = text[0] if text[0] in "'\"" and len(text) >= 2 and text[-1] == text[0] else ""
    inner_start, inner_end = (1, len(text) - 1) if quote else (0, len(text))
    candidates: list[tuple[int, int]] = [(inner_start, inner_end)]
    before = message[: message.find("did you mean")]
    for match in _QUOTED.finditer(before):
        word = match.group(1) or match.group(2)
        index = text.find(word, inner_start, inner_end)
        if index >= 0:
            candidates.append((index, index + len(word)))
    candidates += [(m.start(), m.end()) for m in _PART.finditer(text, inner_start, inner_end)]
    best = max(candidates, key=lambda c: (_likeness(text[c[0]:c[1]], suggested), c[1] - c[0]))
    if _likeness(text[best[0]:best[1]], suggested) < _MIN_LIKENESS:
        return None
    if text[best[0]:best[1]] == suggested:
        return None
    return Replacement(best[0], best[1], _quoted(suggested, quote) if quote else suggested)


def _quoted(value: str, quote: str) -> str:
    """``value`` fit to stand inside the scalar's quotes."""
    if quote == "'":
        return value.replace("'", "''")
    return value.replace("\\", "\\\\").replace('"', '\\"')
