"""'Did you mean ...?' for misspelt names."""

from __future__ import annotations

from collections.abc import Iterable


def closest(word: object, options: Iterable[object], cutoff: float = 0.6) -> str | None:
    """The option most like ``word``, if one is close enough."""
    choices = [o for o in options if isinstance(o, str)]
    if not isinstance(word, str) or not choices:
        return None
    same = [c for c in choices if c.lower() == word.lower()]
    if len(same) == 1 and same[0] != word:  # `LR` for `lr`: a difference of case alone
        return same[0]
    import difflib  # only needed when something is misspelt

    found = difflib.get_close_matches(word, choices, n=1, cutoff=cutoff)
    return found[0] if found else None


def did_you_mean(word: object, options: Iterable[object], cutoff: float = 0.6) -> str:
    """`` (did you mean 'x'?)`` or an empty string."""
    found = closest(word, options, cutoff)
    return f" (did you mean {found!r}?)" if found else ""
