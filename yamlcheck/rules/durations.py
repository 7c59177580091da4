"""`time-limit` and `no-output-timeout`, read exactly as Valohai reads them.

Valohai (valohai-yaml's ``parse_duration``) takes an integer as seconds and
scans a string for ``<number><spaces><lower-case word>`` groups
(``[.\\d]+\\s*[a-z]*``), adding each number times the unit named by the
word's first letter (s, m, h, d, w).  Text between the groups is skipped; a
group without a unit, a first letter outside s/m/h/d/w, a number that is not
one, or a total that is not positive makes it refuse the file; a float is
refused too.  So `500ms` is 500 minutes and `1 month` one minute.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from yamlcheck.core.diagnostic import Diagnostic, Severity
from yamlcheck.rules.base import DocumentRule
from yamlcheck.rules.context import LintContext

KEYS = ("time-limit", "no-output-timeout")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_GROUP = re.compile(r"(?P<value>[.\d]+)\s*(?P<suffix>[a-z]*)")  # Valohai's own pattern
_WORD_AFTER = re.compile(r"\s*(\S*)")
# Unit words Valohai reads as meant (by their first letter).
_USUAL = frozenset((
    "s", "sec", "secs", "second", "seconds",
    "m", "min", "mins", "minute", "minutes",
    "h", "hr", "hrs", "hour", "hours",
    "d", "day", "days",
    "w", "wk", "wks", "week", "weeks",
))
# Unit words whose first letter names another unit than they mean.
_MISREAD = {
    **dict.fromkeys(("ms", "msec", "msecs", "millis", "millisecond", "milliseconds"),
                    ("millisecond", 0.001)),
    **dict.fromkeys(("mo", "mon", "mos", "mth", "mths", "month", "months"),
                    ("month", 30 * 86400)),
}
_HARMLESS = re.compile(r"[\s,+&]*(?:and[\s,+&]*)*")


class Reading(NamedTuple):
    """What Valohai makes of a duration value."""

    seconds: float | None  # None: Valohai refuses it (``refusal`` says why)
    refusal: str = ""
    misread: str = ""  # a unit Valohai reads as another one
    loose: str = ""  # text Valohai ignores, or a unit word it reads by its first letter


def spoken(seconds: float, words: bool = False) -> str:
    """``5400`` -> ``1h 30m`` (or ``1 hour 30 minutes``); whole days for a month."""
    parts, rest = [], float(seconds)
    for unit in ("w", "d", "h", "m"):
        count = int(rest // UNITS[unit])
        if count and not (unit == "w" and rest % UNITS["w"]):
            parts.append(_say(count, unit, words))
            rest -= count * UNITS[unit]
    if rest or not parts:
        parts.append(_say(rest, "s", words))
    return " ".join(parts)


def _say(count: float, unit: str, words: bool) -> str:
    if not words:
        return f"{count:g}{unit}"
    name = _NAMES[unit][:-1] if count == 1 else _NAMES[unit]
    return f"{count:g} {name}"


def read(value: Any, written: str = "") -> Reading | None:
    """Valohai's reading of a duration value (None: unset or not a duration);
    ``written`` is the value's text in the file, when known."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        if ":" in written:
            return Reading(float(value), loose=f"YAML reads {written.strip()} as {value} seconds "
                                               "(base 60: minutes:seconds)")
        if value == 0:
            return Reading(0.0, loose="Valohai takes 0 as no limit at all")
        if value < 0:
            return Reading(float(value), loose="a negative limit is not checked by Valohai, and "
                                               "its effect is not documented")
        return Reading(float(value))
    if isinstance(value, float):
        return Reading(None, f"YAML reads it as the number {value!r}, which Valohai cannot "
                             "read as a duration; write whole seconds or a string such as '1h 30m'")
    if not isinstance(value, str) or not value.strip():
        return None
    return _read_text(value)


def _read_text(text: str) -> Reading:
    total, position = 0.0, 0
    misread, loose, skipped = "", "", []
    for match in _GROUP.finditer(text):
        skipped.append(text[position:match.start()])
        position = match.end()
        number, suffix = match.group("value"), match.group("suffix")
        try:
            amount = float(number)
        except ValueError:
            return Reading(None, f"{number!r} is not a number")
        if not suffix:
            word = _WORD_AFTER.match(text, match.end()).group(1)  # type: ignore[union-attr]
            if word and word[0].isalpha():
                return Reading(None, f"the unit {word!r} must be lower case (s, m, h, d or w)")
            return Reading(None, f"{number!r} has no unit; write for example '{number}s', "
                                 "or a plain integer for seconds")
        if suffix[0] not in UNITS:
            return Reading(None, f"unknown unit {suffix!r}; use s, m, h, d or w")
        total += amount * UNITS[suffix[0]]
        if suffix in _MISREAD and not misread:
            meant, factor = _MISREAD[suffix]
            meant_words = f"{amount:g} {meant}{'' if amount == 1 else 's'}"
            misread = (f"{match.group(0).strip()!r} is "
                       f"{spoken(amount * UNITS[suffix[0]], words=True)} to Valohai, not "
                       f"{meant_words} (only a unit's first letter counts); "
                       f"write {spoken(amount * factor)!r}")
        elif suffix not in _USUAL and suffix not in _MISREAD and not loose:
            loose = f"Valohai reads the unit {suffix!r} by its first letter, as {_NAMES[suffix[0]]}"
    skipped.append(text[position:])
    ignored = " ".join(part.strip() for part in skipped if not _HARMLESS.fullmatch(part))
    if ignored and not loose:
        loose = f"Valohai ignores {ignored!r}"
    if total <= 0:
        return Reading(None, "the duration must be positive")
    return Reading(total, misread=misread, loose=loose)


_NAMES = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def durations(ctx: LintContext) -> Iterator[tuple[str, str, Reading | None, Any, Any]]:
    """(label, key, Valohai's reading, value, span) of every duration in the document."""
    for step in ctx.doc.steps:
        for key in KEYS:
            if step.has(key):
                span = step.value_span(key)
                value = step.get(key)
                yield (f"{step.called('step')}", key, read(value, ctx.text[span[4]:span[5]]),
                       value, span)


class InvalidDuration(DocumentRule):
    """
    ## What it does
    Checks `time-limit` and `no-output-timeout` the way Valohai reads them:
    whole seconds as an integer, or a string of groups of a number and a
    unit (`90 minutes`, `1h 30m`, `2d`), of which only the unit's first
    letter counts (s, m, h, d, w).  Reports what Valohai refuses (a number
    without a unit such as `"300"`, an unknown unit, an upper-case unit, a
    float such as `3600.0` or `1:30:00.0`, a total that is not positive) and
    what it silently misreads: `500ms` is 500 *minutes* and `1 month` one
    minute to Valohai.

    ## Why
    Valohai refuses the whole file for a duration it cannot read (its
    parser fails on it), and runs with the wrong limit for one it misreads: a step meant to stop after
    half a second stops after eight hours.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
        time-limit: 12 Hours
        no-output-timeout: "600"
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
        time-limit: 12h
        no-output-timeout: 600
    ```
    """

    code = "VH405"
    name = "invalid-duration"
    severity = Severity.ERROR
    summary = "A time-limit or no-output-timeout that Valohai refuses or misreads"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for label, key, reading, value, span in durations(ctx):
            if reading is None:
                continue
            if reading.seconds is None:
                shown = value if isinstance(value, str) else ctx.text[span[4]:span[5]]
                yield self.at(ctx.path, span, f"{label}: `{key}` {shown!r} cannot be read by "
                                              f"Valohai: {reading.refusal}")
            elif reading.misread:
                yield self.at(ctx.path, span, f"{label}: `{key}`: {reading.misread}")


class LooseDuration(DocumentRule):
    """
    ## What it does
    Reports a duration that Valohai reads only by skipping text or by
    guessing a unit from its first letter (`about 2h`, `-5m` read as five
    minutes, `5 mn`), and integers that probably do not say what was meant:
    `1:30` (YAML 1.1 reads it as 90 seconds), `0` (no limit) and negative
    numbers.  Words such as `and`, commas and line breaks are fine:
    `1 hour and 30 minutes` reads as meant.

    ## Why
    Valohai skips anything that is not a number followed by a unit, so the
    limit it applies may not be the one written.  The message says what
    Valohai reads.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
        time-limit: about 2h
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
        time-limit: 2h
    ```
    """

    code = "VH407"
    name = "duration-read-loosely"
    severity = Severity.WARNING
    summary = "A duration string Valohai reads only by skipping text or guessing a unit"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for label, key, reading, value, span in durations(ctx):
            if reading is None or reading.seconds is None or reading.misread or not reading.loose:
                continue
            limit = (f"the limit is {spoken(reading.seconds)}" if reading.seconds > 0
                     else "check that this is meant")
            yield self.at(ctx.path, span, f"{label}: `{key}` {value!r}: {reading.loose}; {limit}")


RULES = (InvalidDuration, LooseDuration)
