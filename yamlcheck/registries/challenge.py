"""WWW-Authenticate challenges (RFC 7235), parsed without splitting on commas
naively: a scope such as ``repository:team/app:pull,push`` contains one."""

from __future__ import annotations

import re
from typing import NamedTuple

_TOKEN = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+")
_SPACE = re.compile(r"[ \t]*")
_BARE = re.compile(r"[^\s,\"]+")  # an unquoted value: realm=https://auth.example/token


class Challenge(NamedTuple):
    scheme: str  # lower case: "bearer", "basic", ...
    params: dict[str, str]  # keys lower case


def _quoted(text: str, pos: int) -> tuple[str, int]:
    """The quoted string starting at ``text[pos] == '"'``; backslash escapes."""
    out = []
    pos += 1
    while pos < len(text):
        char = text[pos]
        if char == "\\" and pos + 1 < len(text):
            out.append(text[pos + 1])
            pos += 2
            continue
        if char == '"':
            return "".join(out), pos + 1
        out.append(char)
        pos += 1
    return "".join(out), pos


def parse(header: str) -> list[Challenge]:
    challenges: list[Challenge] = []
    pos, length = 0, len(header)
    current: Challenge | None = None
    while pos < length:
        pos = _SPACE.match(header, pos).end()  # type: ignore[union-attr]
        if pos < length and header[pos] == ",":
            pos += 1
            continue
        match = _TOKEN.match(header, pos)
        if not match:
            pos += 1  # skip a stray character
            continue
        token, after = match.group(), match.end()
        equals = _SPACE.match(header, after).end()  # type: ignore[union-attr]
        if current is not None and equals < length and header[equals] == "=":
            value_start = _SPACE.match(header, equals + 1).end()  # type: ignore[union-attr]
            if value_start < length and header[value_start] == '"':
                value, pos = _quoted(header, value_start)
            else:
                value_match = _BARE.match(header, value_start)
                value = value_match.group() if value_match else ""
                pos = value_match.end() if value_match else value_start
            current.params[token.lower()] = value
            continue
        current = Challenge(token.lower(), {})
        challenges.append(current)
        pos = after
    return challenges


def choose(challenges: list[Challenge]) -> Challenge | None:
    """Bearer first, then Basic; other schemes are not supported."""
    for scheme in ("bearer", "basic"):
        for challenge in challenges:
            if challenge.scheme == scheme:
                return challenge
    return None
