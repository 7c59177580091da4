"""Document symbols: steps (with their parameters and inputs), pipelines with
their nodes, endpoints, tasks and deployments."""

from __future__ import annotations

from lsprotocol import types

from yamlcheck.core.diagnostic import Span
from yamlcheck.document.model import Obj, Pipeline, Step
from yamlcheck.document.tree import PosList
from yamlcheck.server.documents import TextDocument
from yamlcheck.server.linting import Snapshot

_KINDS = {
    "step": types.SymbolKind.Function,
    "pipeline": types.SymbolKind.Module,
    "blueprint": types.SymbolKind.Module,
    "endpoint": types.SymbolKind.Interface,
    "task": types.SymbolKind.Event,
    "deployment": types.SymbolKind.Package,
}


def _range(document: TextDocument, span: Span) -> types.Range:
    return document.offset_range(span[4], max(span[4], span[5]))


def _symbol(document: TextDocument, name: str, detail: str, kind: types.SymbolKind,
            whole: Span, chosen: Span,
            children: list[types.DocumentSymbol] | None = None) -> types.DocumentSymbol:
    full = _range(document, whole)
    selection = _range(document, chosen)
    if not (full.start.line, full.start.character) <= (selection.start.line,
                                                       selection.start.character):
        full = types.Range(start=selection.start, end=full.end)
    return types.DocumentSymbol(name=name or "?", detail=detail, kind=kind, range=full,
                                selection_range=selection, children=children)


def _named(document: TextDocument, obj: Obj, detail: str,
           kind: types.SymbolKind) -> types.DocumentSymbol:
    return _symbol(document, obj.name or "?", detail, kind, obj.span, obj.name_span)


def document_symbols(snapshot: Snapshot) -> list[types.DocumentSymbol] | None:
    result = snapshot.result
    ctx = result.context if result is not None else None
    if ctx is None:
        return None
    document = snapshot.document
    root = ctx.root
    found = []
    for item, obj in ctx.doc.objects:
        whole = root.item_span(item.index) if isinstance(root, PosList) else obj.span
        children: list[types.DocumentSymbol] = []
        if isinstance(obj, Step):
            children += [_named(document, p, f"parameter ({p.type})", types.SymbolKind.Variable)
                         for p in obj.parameters]
            children += [_named(document, i, "input", types.SymbolKind.File) for i in obj.inputs]
        elif isinstance(obj, Pipeline):
            children += [_named(document, node, f"{node.type or '?'} node",
                                types.SymbolKind.Object) for node in obj.nodes]
        name = obj.name or f"{item.kind} {item.index + 1}"
        chosen = obj.name_span if obj.name is not None else item.key_span
        found.append(_symbol(document, name, item.kind, _KINDS[item.kind], whole, chosen,
                             children or None))
    return found
