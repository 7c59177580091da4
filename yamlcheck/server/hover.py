"""Hover: what a key means (the schema's description), what an image
resolves to (and what ``--remote`` last found, from the cache only), what a
``{parameter:x}`` placeholder stands for, and what a suppressed rule checks."""

from __future__ import annotations

import re
from typing import Any

from lsprotocol import types

from yamlcheck.core.settings import Config
from yamlcheck.document.model import Pipeline, Step
from yamlcheck.engine.catalog import get_rule
from yamlcheck.registries.cache import ResultCache, image_key
from yamlcheck.registries.outcomes import Outcome
from yamlcheck.rules.context import LintContext
from yamlcheck.server import schema_paths
from yamlcheck.server.diagnostics import rule_href
from yamlcheck.server.linting import Snapshot
from yamlcheck.server.locate import in_tree

_SUPPRESSION = re.compile(r"#\s*yamlcheck:\s*(?:file-)?ignore\[([^\]]*)\]")
_CODE = re.compile(r"VH\d{1,3}", re.I)
_PLACEHOLDER = re.compile(r"\{(parameter|parameter-value):([^{}]+)\}")


def _markdown(text: str, document: Any, start: int, end: int) -> types.Hover:
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
                       range=document.offset_range(start, end))


def hover(snapshot: Snapshot, position: types.Position) -> types.Hover | None:
    document = snapshot.document
    offset = document.offset_at(position)
    line_start = document.line_starts[min(position.line, document.line_count - 1)]
    line = document.line(position.line)
    column = offset - line_start
    found = _suppressed_rule(line, column)
    if found is not None:
        text, start, end = found
        return _markdown(text, document, line_start + start, line_start + end)
    result = snapshot.result
    ctx = result.context if result is not None else None
    if ctx is None:
        return None
    for image in result.images:  # type: ignore[union-attr]
        if image.span[4] <= offset <= image.span[5]:
            return _markdown(image_text(image, ctx.config), document, image.span[4],
                             image.span[5])
    place = in_tree(ctx.root, offset)
    if place is None:
        return None
    if not place.on_key:
        found = _placeholder(ctx, place.path, line, column)
        if found is not None:
            text, start, end = found
            return _markdown(text, document, line_start + start, line_start + end)
        return None
    described = schema_paths.description(place.path, place.parents)
    if not described:
        return None
    return _markdown(f"**{place.value}**\n\n{described}", document, place.start, place.end)


def _suppressed_rule(line: str, column: int) -> tuple[str, int, int] | None:
    comment = _SUPPRESSION.search(line)
    if comment is None or not comment.start(1) <= column <= comment.end(1):
        return None
    for code in _CODE.finditer(line, comment.start(1), comment.end(1)):
        if code.start() <= column <= code.end():
            rule = get_rule(code.group(0))
            if rule is None:
                return (f"`{code.group(0)}` is not a yamlcheck rule code", code.start(),
                        code.end())
            text = (f"**{rule.code}** {rule.name} ({rule.severity.label})\n\n{rule.summary}\n\n"
                    f"[Documentation]({rule_href(rule.code)})")
            return text, code.start(), code.end()
    return None


def _placeholder(ctx: LintContext, path: tuple[Any, ...], line: str,
                 column: int) -> tuple[str, int, int] | None:
    match = next((m for m in _PLACEHOLDER.finditer(line) if m.start() <= column <= m.end()), None)
    step = _step_at(ctx, path) if match is not None else None
    if match is None or step is None:
        return None
    name = match.group(2)
    parameter = step.parameter(name)
    if parameter is None:
        return (f"`{match.group(0)}`: {step.called('step')} has no parameter {name!r}",
                match.start(), match.end())
    rows = [f"**{match.group(0)}**: parameter `{name}` of step `{step.name}`", "",
            f"- type: `{parameter.type}`"]
    for key in ("default", "pass-as", "description", "min", "max", "choices", "optional",
                "multiple"):
        if parameter.has(key):
            rows.append(f"- {key}: `{_show(parameter.get(key))}`")
    if match.group(1) == "parameter":
        rows += ["", "Replaced by the parameter as passed (pass-as, or `--name=value`)."]
    else:
        rows += ["", "Replaced by the parameter's value alone."]
    return "\n".join(rows), match.start(), match.end()


def _step_at(ctx: LintContext, path: tuple[Any, ...]) -> Step | None:
    """The step whose commands hold ``path``: a step's own, or the step of the
    pipeline node whose override holds it."""
    if not path or not isinstance(path[0], int):
        return None
    obj = next((obj for item, obj in ctx.doc.objects if item.index == path[0]), None)
    if isinstance(obj, Step):
        return obj
    if isinstance(obj, Pipeline) and len(path) > 4 and path[2] == "nodes" and \
            path[4] == "override" and isinstance(path[3], int):
        nodes = obj.get("nodes")
        node = nodes[path[3]] if isinstance(nodes, list) and path[3] < len(nodes) else None
        name = node.get("step") if isinstance(node, dict) else None
        return ctx.doc.step_map.get(name) if isinstance(name, str) else None
    return None


def _show(value: Any) -> str:
    if value is True or value is False:
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


def cached_outcome(image: Any, config: Config) -> Outcome | None:
    """What the last ``--remote`` run found for this image, from the result
    cache alone (no network; unexpired entries only)."""
    ref = image.reference
    if ref is None:
        return None
    entry = image.classification.match if image.classification else None
    platform = None if config.platform.lower() in ("any", "none") else config.platform
    cache = ResultCache(enabled=True)
    return cache.get(image_key(ref.registry, ref.repository, ref.reference, platform, entry,
                               config.registry_hosts))


def image_text(image: Any, config: Config) -> str:
    ref = image.reference
    if ref is None:
        return f"**Image** `{image.image}`\n\nNot a valid image reference: {image.error}"
    rows = [f"**Image** `{image.image}`", "",
            f"- registry: `{ref.registry}`", f"- repository: `{ref.repository}`"]
    if ref.tag:
        rows.append(f"- tag: `{ref.tag}`")
    if ref.digest:
        rows.append(f"- digest: `{ref.digest}`")
    if not ref.tag and not ref.digest:
        rows.append("- tag: none (Docker pulls `latest`)")
    if ref.normalized != image.image:
        rows.append(f"- fully qualified: `{ref.normalized}`")
    match = image.classification.match if image.classification else None
    if match is not None:
        rows.append(f"- registry pattern: `{match.match}` ({match.type}, config line {match.line})")
    else:
        rows.append("- registry pattern: none (pulled without credentials)")
    outcome = cached_outcome(image, config)
    if outcome is None:
        rows.append("- remote: no cached result (`yamlcheck lint --remote` checks it)")
    else:
        rows.append(f"- remote (cached): {outcome.status}"
                    + (f", digest `{outcome.digest}`" if outcome.digest else ""))
        if outcome.platforms:
            rows.append(f"- platforms: {', '.join(f'`{p}`' for p in outcome.platforms)}")
    return "\n".join(rows)
