"""Names of items: duplicates and empty names."""

from __future__ import annotations

from collections.abc import Iterator

from yamlcheck.core.diagnostic import Diagnostic, Severity
from yamlcheck.document.model import Obj
from yamlcheck.rules.base import DocumentRule
from yamlcheck.rules.context import LintContext


class DuplicateItemName(DocumentRule):
    """
    ## What it does
    Reports a step, pipeline, endpoint, task or deployment whose name is
    already used by an earlier item of the same kind.

    ## Why
    Valohai keeps items in a mapping by name: the later definition silently
    replaces the earlier one.  Valohai's own validator warns too (it made this
    an error once, then relaxed it so that old files still load).

    ## Example
    ```yaml
    - step: {name: train, image: docker.io/library/python:3.12, command: python a.py}
    - step: {name: train, image: docker.io/library/python:3.12, command: python b.py}
    ```

    ## Use instead
    ```yaml
    - step: {name: train-a, image: docker.io/library/python:3.12, command: python a.py}
    - step: {name: train-b, image: docker.io/library/python:3.12, command: python b.py}
    ```
    """

    code = "VH401"
    name = "duplicate-item-name"
    severity = Severity.WARNING
    summary = "Two items of one kind share a name; the later replaces the earlier"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        seen: dict[tuple[str, str], int] = {}
        for item, obj in ctx.doc.objects:
            kind = "pipeline" if item.kind == "blueprint" else item.kind
            name = obj.name
            if name is None:
                continue
            key = (kind, name)
            if key in seen:
                yield self.at(ctx.path, obj.name_span,
                              f"{kind} name {name!r} is already used at line {seen[key]}; "
                              "Valohai keeps only this later definition")
            else:
                seen[key] = obj.name_span[0] + 1


class EmptyName(DocumentRule):
    """
    ## What it does
    Reports an empty or blank `name` on an item, a pipeline node, a
    parameter, an input or an output.

    ## Why
    Nothing can refer to an item without a name, and the Valohai UI shows it
    as a blank entry.  Valohai's validator catches this only for deployment
    nodes.

    ## Example
    ```yaml
    - step:
        name: ""
        image: docker.io/library/python:3.12
        command: python train.py
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
    ```
    """

    code = "VH402"
    name = "empty-name"
    severity = Severity.ERROR
    summary = "An item, node, parameter, input or output has an empty name"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for item, obj in ctx.doc.objects:
            yield from self._check(ctx, obj, item.kind)
            for member in ("parameters", "inputs", "outputs"):
                for child in obj.objects(member):
                    yield from self._check(ctx, child, member[:-1])
            for node in getattr(obj, "nodes", []) if item.kind in ("pipeline", "blueprint") else []:
                yield from self._check(ctx, node, "pipeline node")

    def _check(self, ctx: LintContext, obj: Obj, what: str) -> Iterator[Diagnostic]:
        name = obj.name
        if name is not None and not name.strip():
            yield self.at(ctx.path, obj.name_span, f"this {what} has an empty name")


RULES = (DuplicateItemName, EmptyName)
