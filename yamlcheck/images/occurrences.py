"""Every place a valohai.yaml names an image, with its parse and pattern match."""

from __future__ import annotations

from typing import Any

from yamlcheck.core.diagnostic import Span
from yamlcheck.images.patterns import Classification, classify_image
from yamlcheck.images.reference import Reference, ReferenceError, parse
from yamlcheck.rules.context import LintContext


class ImageOccurrence:
    def __init__(self, path: str, location: str, image: str, span: Span) -> None:
        self.path = path
        # step[train].image, endpoint[api].image, pipeline[p].node[n].override.image
        self.location = location
        self.image = image
        self.span = span
        self.reference: Reference | None = None
        self.error: str | None = None
        self.classification: Classification | None = None
        self.remote: dict[str, Any] | None = None

    @property
    def registry_match(self) -> str | None:
        entry = self.classification.match if self.classification else None
        return entry.match if entry else None

    def to_json(self) -> dict[str, Any]:
        ref = self.reference
        return {
            "path": self.path,
            "line": self.span[0] + 1,
            "column": self.span[1] + 1,
            "location": self.location,
            "image": self.image,
            "normalized": ref.normalized if ref else None,
            "registry": ref.registry if ref else None,
            "repository": ref.repository if ref else None,
            "tag": ref.tag if ref else None,
            "digest": ref.digest if ref else None,
            "registry_match": self.registry_match,
            "remote": self.remote,
        }


def _label(name: str | None) -> str:
    return name if name is not None else "?"


def collect(ctx: LintContext) -> list[ImageOccurrence]:
    doc, config = ctx.doc, ctx.config
    private_hosts = tuple(config.registry_hosts)
    found: list[ImageOccurrence] = []

    def add(location: str, value: Any, span: Span) -> None:
        if not isinstance(value, str):
            return
        occurrence = ImageOccurrence(ctx.path, location, value, span)
        try:
            occurrence.reference = parse(value)
        except ReferenceError as exc:
            occurrence.error = str(exc)
        else:
            occurrence.classification = classify_image(
                occurrence.reference, config.registries, private_hosts
            )
        found.append(occurrence)

    for item, obj in doc.objects:
        if item.kind == "step":
            add(f"step[{_label(obj.name)}].image", obj.get("image"), obj.value_span("image"))
        elif item.kind == "endpoint":
            add(f"endpoint[{_label(obj.name)}].image", obj.get("image"), obj.value_span("image"))
        elif item.kind in ("pipeline", "blueprint"):
            for node in obj.nodes:  # type: ignore[attr-defined]
                override = node.override
                if override is not None and override.has("image"):
                    add(f"{item.kind}[{_label(obj.name)}].node[{_label(node.name)}].override.image",
                        override.get("image"), override.value_span("image"))
    return found


def images_of(ctx: LintContext) -> list[ImageOccurrence]:
    """Every image the document names, in file order (collected once per file)."""
    return ctx.memo("images", collect)
