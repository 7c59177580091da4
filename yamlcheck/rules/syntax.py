"""Small grammars found inside values: stop conditions, sockets."""

from __future__ import annotations

import ast
import io
import keyword
import re
import tokenize
from typing import Any, NamedTuple

# -- stop-condition expressions ----------------------------------------------
_EXPRESSION_KEYWORDS = frozenset(("False", "None", "True", "and", "for", "in", "is", "not", "or"))
_BINARY_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv)
_UNARY_OPS = (ast.UAdd, ast.USub, ast.Not)
_MAX_DEPTH = 8
_MAX_LENGTH = 100_000


_WORD = re.compile(r"[A-Za-z_]\w*")


def _rewrite_keywords(expression: str) -> str:
    """Keywords that cannot appear in an expression become plain names
    (``class`` -> ``_class``), as Valohai's evaluator does."""
    words = set(_WORD.findall(expression))
    if not any(keyword.iskeyword(w) and w not in _EXPRESSION_KEYWORDS for w in words):
        return expression  # nothing to rewrite; tokenizing is comparatively slow
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(expression).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return expression
    out = []
    for token in tokens:
        if (token.type == tokenize.NAME and keyword.iskeyword(token.string)
                and token.string not in _EXPRESSION_KEYWORDS):
            token = token._replace(string=f"_{token.string}")
        out.append(token)
    return tokenize.untokenize(out)


class _Invalid(Exception):
    pass


def _visit(node: ast.AST, depth: int) -> None:
    if depth >= _MAX_DEPTH:
        raise _Invalid(f"the expression is too deeply nested ({depth} > {_MAX_DEPTH})")
    inner = depth + 1
    if isinstance(node, ast.Expression):
        _visit(node.body, inner)
    elif isinstance(node, ast.Compare):
        if len(node.ops) != 1:
            raise _Invalid("only simple comparisons are supported (no chains like a < b < c)")
        _visit(node.left, inner)
        _visit(node.comparators[0], inner)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            _visit(value, inner)
    elif isinstance(node, ast.BinOp):
        if not isinstance(node.op, _BINARY_OPS):
            raise _Invalid(f"operator {type(node.op).__name__} is not allowed")
        _visit(node.left, inner)
        _visit(node.right, inner)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, _UNARY_OPS):
            raise _Invalid(f"operator {type(node.op).__name__} is not allowed")
        _visit(node.operand, inner)
    elif isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            raise _Invalid("only plain function names can be called")
        if node.keywords:
            raise _Invalid("keyword arguments are not allowed")
        for argument in node.args:
            _visit(argument, inner)
    elif isinstance(node, ast.Constant):
        if not isinstance(node.value, (str, int, float, type(None))):
            raise _Invalid(f"constant {node.value!r} is not allowed")
    elif isinstance(node, ast.Attribute):
        base: Any = node
        while isinstance(base, ast.Attribute):
            base = base.value
        if not isinstance(base, ast.Name):
            raise _Invalid("attributes can only be read from names")
    elif isinstance(node, (ast.Tuple, ast.Set)):
        for element in node.elts:
            _visit(element, inner)
    elif not isinstance(node, ast.Name):
        raise _Invalid(f"{type(node).__name__} is not allowed in an expression")


def expression_problem(expression: str) -> str | None:
    """Why a stop condition is not an expression Valohai can evaluate, or None.

    Allowed: names (dotted too), numbers, strings, None, single comparisons,
    and/or/not, + - * / //, calls of plain names, tuples and sets; at most 8
    levels deep."""
    if len(expression) > _MAX_LENGTH:
        return f"the expression is too long ({len(expression)} characters)"
    try:
        tree = ast.parse(_rewrite_keywords(expression), "<expression>", "eval")
    except SyntaxError as exc:
        return exc.msg if exc.msg.startswith("invalid syntax") else f"invalid syntax: {exc.msg}"
    except ValueError as exc:  # e.g. NUL characters
        return str(exc)
    try:
        _visit(tree, 0)
    except _Invalid as exc:
        return str(exc)
    return None


# -- pipeline sockets (node.type.key) ----------------------------------------
EDGE_TYPES = frozenset((
    "input", "output", "parameter", "metadata", "file", "dependency", "deployment",
    "environment-variable",
))
# Which source types may feed which target types.
COMPATIBLE = frozenset((
    ("output", "input"), ("input", "input"), ("output", "file"), ("parameter", "parameter"),
    ("metadata", "parameter"), ("deployment", "parameter"),
    ("environment-variable", "environment-variable"), ("dependency", "dependency"),
))


class Socket(NamedTuple):
    node: str
    type: str
    key: str


def parse_socket(text: str) -> Socket | None:
    """``node.type.key``, split on the first two dots (keys may contain dots)."""
    parts = text.split(".", 2)
    return Socket(*parts) if len(parts) == 3 else None
