"""Tags as PyYAML's SafeConstructor treats them.

Which tags a safe loader constructs, what a scalar becomes under each, and
the YAML 1.1 corners PyYAML implements: ``!!omap``/``!!pairs`` lists of
one-entry mappings, ``!!set`` mappings that keep only their keys, and a
mapping tagged as a scalar (``!!int {=: 5}``) that stands for its `=` value.
"""

from __future__ import annotations

import base64
import binascii

from yamlcheck.core.diagnostic import Span
from yamlcheck.document import scalars
from yamlcheck.document.tree import PosList, PosMap

SCALAR_TAGS = frozenset((scalars.STR, scalars.INT, scalars.FLOAT, scalars.BOOL, scalars.NULL,
                         scalars.TIMESTAMP, scalars.BINARY))
OMAP = "tag:yaml.org,2002:omap"
PAIRS = "tag:yaml.org,2002:pairs"
SET = "tag:yaml.org,2002:set"
MAPPING_TAGS = frozenset((scalars.MAP, SET, "!"))
SEQUENCE_TAGS = frozenset((scalars.SEQ, OMAP, PAIRS, "!"))
# Tags checked when a collection closes: those that PyYAML constructs in a
# special way (below) on a list, on a mapping, and all the others.
LIST_TAGS = frozenset((OMAP, PAIRS))
MAP_TAGS = frozenset((SET,)) | SCALAR_TAGS
CHECKED_TAGS = LIST_TAGS | MAP_TAGS


def describe(tag: str) -> str:
    """``!!int`` for the standard tags, the tag itself otherwise."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


def unsafe(tag: str) -> str:
    return (f"tag {describe(tag)!r} is not loaded by a safe YAML loader (Valohai rejects the "
            "file); remove the tag")


def construct(tag: str, text: str) -> object:
    """The value of ``text`` under a scalar tag; ValueError (with a message
    in plain words) where PyYAML fails, ScalarTooLarge where Python could not
    print the number."""
    if tag == scalars.BINARY:
        try:
            return base64.b64decode(text.encode("ascii"), validate=False)
        except (binascii.Error, UnicodeEncodeError):
            raise ValueError("invalid !!binary (base64) value; Valohai's YAML loader fails "
                             "on it") from None
    return scalars.construct(tag, text)


def constructed(container: PosMap | PosList, tag: str, scalar: str | None,
                opened: Span) -> tuple[object, list[tuple[Span, str]]]:
    """What PyYAML makes of a closed collection with a checked tag: (the
    value, the problems that make it fail).  ``scalar`` is the text under the
    mapping's first `=` key, if any; ``opened`` the span of its opening."""
    if tag in (OMAP, PAIRS):
        wrong = [(container.item_span(i), f"each item of a {describe(tag)} list must be a "
                  "mapping with exactly one key") for i, item in enumerate(container)
                 if not (isinstance(item, PosMap) and len(item) == 1)]
        return container, wrong
    if tag == SET:
        keys = PosMap(container.span)
        for key in container:
            keys.put(key, None, container.key_span(key), container.value_span(key))
        return keys, []
    if scalar is None:
        return None, [(opened, f"a mapping tagged {describe(tag)} cannot be loaded "
                       "(Valohai's YAML loader fails on it); remove the tag")]
    try:
        return construct(tag, scalar), []
    except ValueError as exc:  # ScalarTooLarge included: a tagged mapping is no place for it
        return None, [(opened, str(exc))]
