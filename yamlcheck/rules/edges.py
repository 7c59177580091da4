"""Pipeline edges, as a list of resolved ends shared by the edge rules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from yamlcheck.core.diagnostic import Span
from yamlcheck.document.model import Edge, Node, Obj, Pipeline
from yamlcheck.rules.context import LintContext
from yamlcheck.rules.syntax import Socket, parse_socket


class End(NamedTuple):
    pipeline: Pipeline
    edge: Edge | None  # None for a pipeline parameter's target
    role: str  # "source", "target", or "parameter target"
    text: str
    span: Span
    socket: Socket | None  # None when malformed
    node: Node | None  # None when the node is unknown

    @property
    def receives(self) -> bool:
        return self.role != "source"


def edge_ends(ctx: LintContext) -> Iterator[End]:
    """Both ends of every edge, in file order (resolved once per file)."""
    return iter(ctx.memo("edge-ends", _edge_ends))


def _edge_ends(ctx: LintContext) -> list[End]:
    found = []
    for pipeline in ctx.doc.pipelines:
        nodes = pipeline.node_map
        for edge in pipeline.edges:
            for role, text, span in edge.ends():
                socket = parse_socket(text)
                node = nodes.get(socket.node) if socket else None
                found.append(End(pipeline, edge, role, text, span, socket, node))
    return found


def parameter_targets(ctx: LintContext) -> Iterator[tuple[Obj, End]]:
    """(pipeline parameter, one of its targets) for every target string."""
    for pipeline in ctx.doc.pipelines:
        nodes = pipeline.node_map
        for parameter in pipeline.parameters:
            for key in ("target", "targets"):
                for text, span in parameter.strings(key):
                    socket = parse_socket(text)
                    node = nodes.get(socket.node) if socket else None
                    yield parameter, End(pipeline, None, "parameter target", text, span, socket,
                                         node)


def all_ends(ctx: LintContext) -> Iterator[End]:
    """Edge ends, then pipeline parameter targets."""
    yield from edge_ends(ctx)
    for _, end in parameter_targets(ctx):
        yield end


def complete_edges(ctx: LintContext) -> Iterator[tuple[Pipeline, Edge, End, End]]:
    """Edges whose both ends parse and name existing nodes."""
    pending: dict[int, End] = {}
    for end in edge_ends(ctx):
        if end.socket is None or end.node is None:
            pending.pop(id(end.edge), None)
            continue
        if end.role == "source":
            pending[id(end.edge)] = end
        elif id(end.edge) in pending:
            yield end.pipeline, end.edge, pending.pop(id(end.edge)), end
