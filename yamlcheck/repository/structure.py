"""From shell tokens to simple commands, each marked with whether it surely runs.

A command is *guarded* when the script may skip it or tolerate its failure:
inside ``if``/``while``/``until``/``for``/``case`` and function bodies, in an
and-or list with ``||``, or after ``test ... &&``.  Missing files of guarded
commands are not reported (the author may have checked for them).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from yamlcheck.repository.shell import NEWLINE, REDIRECTIONS, Operator, Token, Word, tokenize

_LIST_ENDS = frozenset((";", "&", NEWLINE, ";;", ";&", ";;&"))
_TESTS = frozenset(("[", "[[", "test"))
_OPENERS = {"if": "if", "while": "loop", "until": "loop", "for": "loop", "select": "loop"}
_CLOSERS = {"fi": "if", "done": "loop"}
_CONTINUATIONS = frozenset(("then", "else", "elif", "do", "!"))
_GUARDING = frozenset(("if", "loop", "function"))
SUBSHELL_START = "("
SUBSHELL_END = ")"


class Command(NamedTuple):
    """One simple command: its words (redirections taken out), the
    redirections, and how sure it is to run."""

    words: tuple[Word, ...]
    redirects: tuple[tuple[str, Word], ...]
    guarded: bool  # may be skipped, or its failure is tolerated
    compound: bool  # inside if/loop/case/function: a `cd` here leaves the folder unknown


Event = Command | str  # a Command, or SUBSHELL_START / SUBSHELL_END


class _Builder:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.frames: list[str] = []
        self.words: list[Word] = []
        self.redirects: list[tuple[str, Word]] = []
        self.pending: list[tuple[str, Command]] = []  # this and-or list: (connector, command)
        self.connector = ""
        self.function_next = False

    # -- the and-or list -----------------------------------------------------
    def end_command(self, connector: str) -> None:
        if self.words or self.redirects:
            guarded = any(f in _GUARDING for f in self.frames)
            compound = guarded or "case" in self.frames
            self.pending.append((self.connector, Command(tuple(self.words), tuple(self.redirects),
                                                         guarded, compound)))
        self.words, self.redirects = [], []
        self.connector = connector

    def flush(self) -> Iterator[Event]:
        self.end_command(self.connector)
        has_or = any(c in ("||",) for c, _ in self.pending) or self.connector == "||"
        after_test = False
        for connector, command in self.pending:
            guarded = command.guarded or has_or or (after_test and connector == "&&")
            after_test = after_test or (bool(command.words) and command.words[0].text in _TESTS)
            yield command._replace(guarded=guarded)
        self.pending = []
        self.connector = ""

    # -- the walk ------------------------------------------------------------
    def events(self) -> Iterator[Event]:
        tokens, index = self.tokens, 0
        while index < len(tokens):
            token = tokens[index]
            index += 1
            if isinstance(token, Operator):
                yield from self.operator(token, tokens, index)
                if token.op in REDIRECTIONS and index < len(tokens) and isinstance(tokens[index],
                                                                                    Word):
                    self.redirects.append((token.op, tokens[index]))  # type: ignore[arg-type]
                    index += 1
                continue
            if not self.words:
                skip = self.reserved(token, tokens, index)
                if skip is not None:
                    yield from skip[1]
                    index = skip[0]
                    continue
                if token.text == "[[":  # operators inside [[ ]] belong to the test
                    while index < len(tokens) and not (isinstance(tokens[index], Word)
                                                       and tokens[index].text == "]]"):  # type: ignore[union-attr]
                        index += 1
                    self.words.append(token)
                    index += 1
                    continue
            self.words.append(token)
        yield from self.flush()

    def operator(self, token: Operator, tokens: list[Token], index: int) -> Iterator[Event]:
        op = token.op
        if op in ("&&", "||", "|", "|&"):
            self.end_command(op)
        elif op in _LIST_ENDS:
            yield from self.flush()
        elif op == "(":
            if len(self.words) == 1 and index < len(tokens) and getattr(tokens[index], "op", "") == ")":
                self.words = []  # name ( ) { ...; }: a function definition
                self.function_next = True
                return
            yield from self.flush()
            self.frames.append("function" if self.function_next else "subshell")
            self.function_next = False
            yield SUBSHELL_START
        elif op == ")":
            if self.function_next:
                return
            yield from self.flush()
            if "subshell" in self.frames or "function" in self.frames:
                self._pop(("subshell", "function"))
            yield SUBSHELL_END

    def reserved(self, word: Word, tokens: list[Token],
                 index: int) -> tuple[int, list[Event]] | None:
        """Handle a reserved word at the start of a command: (next index,
        events) when it was one, else None."""
        text = word.text
        if not word.literal and text not in ("{", "}"):
            return None
        if text in _OPENERS:
            events = list(self.flush())
            self.frames.append(_OPENERS[text])
            if text in ("for", "select"):  # the loop's words are no commands
                while index < len(tokens) and not (isinstance(tokens[index], Word)
                                                   and tokens[index].text == "do"):  # type: ignore[union-attr]
                    index += 1
                index += 1
            return index, events
        if text in _CONTINUATIONS:
            return index, list(self.flush()) if text != "!" else []
        if text in _CLOSERS:
            events = list(self.flush())
            self._pop((_CLOSERS[text],))
            return index, events
        if text == "case":
            events = list(self.flush())
            depth, moves = 1, None
            while index < len(tokens) and depth:
                token = tokens[index]
                if isinstance(token, Word) and token.literal:
                    depth += {"case": 1, "esac": -1}.get(token.text, 0)
                    if token.text in ("cd", "pushd", "popd"):
                        moves = token
                index += 1
            if moves is not None:  # the branches are not read: where the shell ends up is unknown
                events.append(Command((moves,), (), True, True))
            return index, events
        if text == "function":
            self.function_next = True
            index += 1  # the name
            while index < len(tokens) and getattr(tokens[index], "op", "") in ("(", ")"):
                index += 1
            return index, []
        if text == "{":
            events = list(self.flush())
            self.frames.append("function" if self.function_next else "brace")
            self.function_next = False
            return index, events
        if text == "}":
            events = list(self.flush())
            self._pop(("brace", "function"))
            return index, events
        return None

    def _pop(self, kinds: tuple[str, ...]) -> None:
        for position in range(len(self.frames) - 1, -1, -1):
            if self.frames[position] in kinds:
                del self.frames[position]
                return


def commands(script: str) -> Iterator[Event]:
    """The simple commands of ``script`` in order, with subshell boundaries."""
    return _Builder(tokenize(script)).events()
