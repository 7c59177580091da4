"""Rule codes and prefixes given by the user: each must name at least one rule.

A typo in ``--select``, ``--ignore`` or the config file would otherwise switch
rules off without a word (``--select VH999`` reports "No problems found"), so
an unknown code or prefix is a usage error.
"""

from __future__ import annotations

import re

_SHAPE = re.compile(r"VH[0-9]{0,3}")


def code_problem(selector: str, *, full: bool = False) -> str | None:
    """Why ``selector`` is not a usable code (``full``) or code prefix, or None."""
    from yamlcheck.engine.catalog import known_code

    text = selector.strip().upper()
    what = "rule code such as VH203" if full else "rule code or prefix such as VH2 or VH203"
    if not _SHAPE.fullmatch(text) or (full and len(text) != 5):
        return f"{selector!r} is not a {what}"
    if known_code(text):
        return None
    return f"{selector!r} matches no rule; `yamlcheck rules` lists them"
