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
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py --small
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
    - step:
        name: train-small
        image: docker.io/library/python:3.12
        command: python train.py --small
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
    parameter, an input or an output (deployment nodes are VH408's).

    ## Why
    Nothing can refer to an item without a name.  Valohai's validator
    accepts it, and what the platform does is not documented, so this is a
    warning; but an empty parameter name renders as `--=5` in the command,
    and `vh exec run` cannot build its options for such a step.

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
    severity = Severity.WARNING
    summary = "An item, node, parameter, input or output has an empty name"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for item, obj in ctx.doc.objects:
            yield from self._check(ctx, obj, item.kind)
            for member in ("parameters", "inputs", "outputs"):
                for child in obj.objects(member):
                    yield from self._check(ctx, child, member[:-1])
            for node in getattr(obj, "nodes", []) if item.kind in ("pipeline", "blueprint") else []:
                if node.type != "deployment":
                    yield from self._check(ctx, node, "pipeline node")

    def _check(self, ctx: LintContext, obj: Obj, what: str) -> Iterator[Diagnostic]:
        name = obj.name
        if name is not None and not name.strip():
            yield self.at(ctx.path, obj.name_span, f"this {what} has an empty name")


class DeploymentNodeWithoutName(DocumentRule):
    """
    ## What it does
    Reports a pipeline deployment node whose `name` is empty or blank.

    ## Why
    Valohai's validator refuses it ("Deployment has no name").

    ## Example
    ```yaml
    - endpoint:
        name: predict
        image: docker.io/library/python:3.12
        server-command: python serve.py
    - pipeline:
        name: release
        nodes:
          - {name: "", type: deployment, deployment: production, endpoints: [predict]}
        edges: []
    ```

    ## Use instead
    ```yaml
    - endpoint:
        name: predict
        image: docker.io/library/python:3.12
        server-command: python serve.py
    - pipeline:
        name: release
        nodes:
          - {name: deploy, type: deployment, deployment: production, endpoints: [predict]}
        edges: []
    ```
    """

    code = "VH408"
    name = "deployment-node-without-name"
    severity = Severity.ERROR
    summary = "A pipeline deployment node has an empty name"

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for pipeline in ctx.doc.pipelines:
            for node in pipeline.nodes:
                name = node.name
                if node.type == "deployment" and name is not None and not name.strip():
                    yield self.at(ctx.path, node.name_span,
                                  f"{pipeline.called('pipeline')}: this deployment node has an empty "
                                  "name, which Valohai refuses")


RULES = (DuplicateItemName, EmptyName, DeploymentNodeWithoutName)
