"""Split a command into shell words and operators, as a POSIX shell would.

Only as much of the shell language as finding file names needs: quotes,
backslash escapes, line continuations, comments, ``$(...)`` and backticks
(kept inside their word), control operators, redirections and here-documents
(whose bodies are skipped).  Every word keeps its place in the text so that a
finding can point at it.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Longest first: the tokenizer takes the first operator the text starts with.
OPERATORS = (";;&", "&>>", "<<<", "<<-", ";;", ";&", "&&", "||", "|&", "&>", ">>", ">&", ">|",
             "<<", "<&", "<>", ";", "&", "|", "(", ")", "<", ">")
REDIRECTIONS = frozenset(("&>>", "<<<", "<<-", "&>", ">>", ">&", ">|", "<<", "<&", "<>", "<", ">"))
WRITES = frozenset(("&>>", "&>", ">>", ">&", ">|", "<>", ">"))
NEWLINE = "\n"
_OPERATOR_START = frozenset(";&|()<>")
_BLANK = frozenset(" \t\r")
_GLOB = frozenset("*?[")
_PLAIN = re.compile(r"[^ \t\r\n'\"\\$`;&|()<>]+")  # characters that stand for themselves
# A whole word of such characters, ended by a blank, an operator or the end.
_SIMPLE_WORD = re.compile(r"[^ \t\r\n'\"\\$`;&|()<>#][^ \t\r\n'\"\\$`;&|()<>]*(?=[ \t\r\n;&|()<>]|\Z)")


class Word(NamedTuple):
    """One shell word: ``text`` after quote removal, ``start``/``end`` its
    place in the script, ``literal`` False when the shell or Valohai would
    change it (a variable, a command substitution, a glob, a placeholder)."""

    text: str
    start: int
    end: int
    literal: bool


class Operator(NamedTuple):
    op: str
    start: int


Token = Word | Operator


class _Reader:
    def __init__(self, script: str) -> None:
        self.s = script
        self.i = 0
        self.tokens: list[Token] = []
        self.heredocs: list[tuple[str, bool]] = []  # (delimiter, strip tabs) awaiting a newline

    def run(self) -> list[Token]:
        s = self.s
        while self.i < len(s):
            ch = s[self.i]
            if ch in _BLANK:
                self.i += 1
            elif ch == "\\" and s.startswith("\\\n", self.i):
                self.i += 2
            elif ch == "#":
                end = s.find("\n", self.i)
                self.i = len(s) if end < 0 else end
            elif ch == "\n":
                self.tokens.append(Operator(NEWLINE, self.i))
                self.i += 1
                self._skip_heredocs()
            elif ch in _OPERATOR_START:
                self._operator()
            else:
                self._word()
        return self.tokens

    def _operator(self) -> None:
        op = next(o for o in OPERATORS if self.s.startswith(o, self.i))
        self.tokens.append(Operator(op, self.i))
        self.i += len(op)
        if op in ("<<", "<<-"):
            while self.i < len(self.s) and self.s[self.i] in _BLANK:
                self.i += 1
            if self.i < len(self.s) and self.s[self.i] not in _OPERATOR_START | {"\n"}:
                word = self._word()
                self.heredocs.append((word.text, op == "<<-"))

    def _skip_heredocs(self) -> None:
        while self.heredocs:
            delimiter, strip = self.heredocs.pop(0)
            while self.i < len(self.s):
                end = self.s.find("\n", self.i)
                line = self.s[self.i:] if end < 0 else self.s[self.i:end]
                self.i = len(self.s) if end < 0 else end + 1
                if (line.lstrip("\t") if strip else line) == delimiter:
                    break

    def _word(self) -> Word:
        s, start = self.s, self.i
        simple = _SIMPLE_WORD.match(s, start)
        if simple is not None:  # the usual word: no quotes, escapes or expansions
            return self._made(simple.group(), start, simple.end(),
                              _GLOB.isdisjoint(simple.group()) and s[start] != "~")
        out: list[str] = []
        literal = True
        while self.i < len(s):
            ch = s[self.i]
            if ch in _BLANK or ch == "\n" or ch in _OPERATOR_START:
                break
            if ch == "\\":
                if s.startswith("\\\n", self.i):
                    self.i += 2
                    continue
                out.append(s[self.i + 1:self.i + 2])
                self.i += 2
            elif ch == "'":
                end = s.find("'", self.i + 1)
                end = len(s) if end < 0 else end
                out.append(s[self.i + 1:end])
                self.i = end + 1
            elif ch == '"':
                literal = self._double_quoted(out) and literal
            elif ch == "$" or ch == "`":
                self._expansion()
                literal = False
            else:
                plain = _PLAIN.match(s, self.i)
                chunk = plain.group() if plain else ch
                if (ch == "~" and self.i == start) or not _GLOB.isdisjoint(chunk):
                    literal = False
                out.append(chunk)
                self.i += len(chunk)
        return self._made("".join(out), start, self.i, literal)

    def _made(self, text: str, start: int, end: int, literal: bool) -> Word:
        self.i = end
        if "{" in text and "}" in text:
            literal = False  # a Valohai placeholder or a brace expansion
        word = Word(text, start, end, literal)
        if text.isdigit() and end < len(self.s) and self.s[end] in "<>" and literal:
            return word  # a file descriptor number: part of the redirection
        self.tokens.append(word)
        return word

    def _double_quoted(self, out: list[str]) -> bool:
        s = self.s
        self.i += 1
        literal = True
        while self.i < len(s) and s[self.i] != '"':
            ch = s[self.i]
            if ch == "\\" and self.i + 1 < len(s) and s[self.i + 1] in '$`"\\\n':
                if s[self.i + 1] != "\n":
                    out.append(s[self.i + 1])
                self.i += 2
            elif ch in "$`":
                self._expansion()
                literal = False
            else:
                out.append(ch)
                self.i += 1
        self.i += 1
        return literal

    def _expansion(self) -> None:
        """Skip ``$name``, ``${...}``, ``$(...)``, ``$((...))`` or a backtick group."""
        s = self.s
        if s[self.i] == "`":
            end = s.find("`", self.i + 1)
            self.i = len(s) if end < 0 else end + 1
            return
        self.i += 1
        if self.i >= len(s):
            return
        ch = s[self.i]
        if ch in "({":
            close = ")" if ch == "(" else "}"
            depth = 0
            while self.i < len(s):
                c = s[self.i]
                if c == "\\":
                    self.i += 2
                    continue
                if c == "'" and close == ")":
                    end = s.find("'", self.i + 1)
                    self.i = len(s) if end < 0 else end + 1
                    continue
                if c == ch:
                    depth += 1
                elif c == close:
                    depth -= 1
                    if depth == 0:
                        self.i += 1
                        return
                self.i += 1
        elif ch.isalnum() or ch == "_":
            while self.i < len(s) and (s[self.i].isalnum() or s[self.i] == "_"):
                self.i += 1
        elif ch in "@*#?$!-":
            self.i += 1


def tokenize(script: str) -> list[Token]:
    """The words and operators of ``script``; here-document bodies are left out."""
    return _Reader(script).run()
