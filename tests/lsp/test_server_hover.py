"""Hover over a real client: keys (the schema's descriptions), images (with
the registry result cache), placeholders and rule codes in suppressions."""

from __future__ import annotations

import os
from pathlib import Path

from lsp_support import Editor
from lsprotocol import types
from pytest_lsp import LanguageClient

from yamlcheck.registries.cache import TAG_TTL, ResultCache, image_key
from yamlcheck.registries.outcomes import Outcome
from yamlcheck.server import schema_paths

DOC = """\
- step:
    name: train
    image: python:3.12  # yamlcheck: ignore[VH203, VH999]
    command: python train.py {parameter:lr} --epochs {parameter-value:epochs}
    parameters:
      - name: lr
        type: float
        default: 0.01
        pass-as: --learning-rate={v}
      - name: epochs
        type: integer
        default: 3
- pipeline:
    name: flow
    nodes:
      - name: fit
        type: execution
        step: train
    edges: []
"""


async def _hover(client: LanguageClient, editor: Editor, needle: str, offset: int = 1,
                 occurrence: int = 0) -> str | None:
    found = await client.text_document_hover_async(types.HoverParams(
        text_document=editor.document, position=editor.position(needle, offset, occurrence)))
    if found is None:
        return None
    assert isinstance(found.contents, types.MarkupContent)
    assert found.contents.kind == types.MarkupKind.Markdown
    return found.contents.value


async def test_hover_on_keys_shows_the_schema_description(client: LanguageClient,
                                                          workspace: Path) -> None:
    editor = Editor(client, workspace / "valohai.yaml", DOC)
    await editor.open()
    for needle, path in (("image:", (0, "step", "image")),
                         ("command:", (0, "step", "command")),
                         ("type: float", (0, "step", "parameters", 0, "type")),
                         ("pass-as", (0, "step", "parameters", 0, "pass-as")),
                         ("step: train", (1, "pipeline", "nodes", 0, "step"))):
        described = schema_paths.description(path)
        text = await _hover(client, editor, needle)
        if described is None:  # the schema has no description for it (yet)
            assert text is None, needle
            continue
        assert text is not None and described in text, (needle, text)
    assert "The Docker image" in (await _hover(client, editor, "image:") or "")


def test_hover_reads_descriptions_through_refs_and_conditions() -> None:
    """A node's keys come from an if/then on its type, and a step's command
    through a $ref: the reading follows both."""
    assert schema_paths.description((0, "step", "image"))
    node_keys = schema_paths.allowed_keys((0, "pipeline", "nodes", 0), {"type": "execution"})
    assert "step" in node_keys and "task" not in node_keys
    assert "task" in schema_paths.allowed_keys((0, "pipeline", "nodes", 0), {"type": "task"})


async def test_hover_on_a_placeholder_shows_the_parameter(client: LanguageClient,
                                                          workspace: Path) -> None:
    editor = Editor(client, workspace / "valohai.yaml", DOC)
    await editor.open()
    text = await _hover(client, editor, "{parameter:lr}", 3)
    assert text is not None
    assert "parameter `lr` of step `train`" in text
    assert "- type: `float`" in text and "- default: `0.01`" in text
    assert "- pass-as: `--learning-rate={v}`" in text
    value = await _hover(client, editor, "{parameter-value:epochs}", 20)
    assert value is not None and "- type: `integer`" in value and "value alone" in value


async def test_hover_on_a_suppressed_code_shows_the_rule(client: LanguageClient,
                                                         workspace: Path) -> None:
    editor = Editor(client, workspace / "valohai.yaml", DOC)
    await editor.open()
    text = await _hover(client, editor, "VH203", 2)
    assert text is not None and text.startswith("**VH203**")
    assert "docs/rules.md#vh203" in text
    unknown = await _hover(client, editor, "VH999", 2)
    assert unknown == "`VH999` is not a yamlcheck rule code"


async def test_hover_on_an_image_without_and_with_a_cached_remote_result(
        client: LanguageClient, workspace: Path) -> None:
    editor = Editor(client, workspace / "valohai.yaml", DOC)
    await editor.open()
    text = await _hover(client, editor, "python:3.12", 2)
    assert text is not None
    assert "- registry: `docker.io`" in text and "- repository: `library/python`" in text
    assert "- tag: `3.12`" in text and "- fully qualified: `docker.io/library/python:3.12`" in text
    assert "no cached result" in text
    # what a --remote run leaves in the cache (the server runs with this test's XDG_CACHE_HOME)
    cache = ResultCache(True, Path(os.environ["XDG_CACHE_HOME"]) / "yamlcheck"
                        / "registry-results.json")
    key = image_key("docker.io", "library/python", "3.12", "linux/amd64", None, {})
    cache.put(key, Outcome("ok", "", "sha256:" + "ab" * 32, None, ("linux/amd64", "linux/arm64"),
                           "anonymous"), "", TAG_TTL)
    cache.save()
    cached = await _hover(client, editor, "python:3.12", 2)
    assert cached is not None
    assert f"- remote (cached): ok, digest `sha256:{'ab' * 32}`" in cached
    assert "- platforms: `linux/amd64`, `linux/arm64`" in cached


async def test_no_hover_on_plain_values(client: LanguageClient, workspace: Path) -> None:
    editor = Editor(client, workspace / "valohai.yaml", DOC)
    await editor.open()
    assert await _hover(client, editor, "python train.py", 2) is None


async def test_hover_on_an_image_names_the_matching_registry_pattern(
        client: LanguageClient, workspace: Path) -> None:
    config = workspace / ".yamlcheck.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("registries:\n  - match: 'registry.example.com/team/*'\n    type: basic\n"
                      "    docker-config: true\n", encoding="utf-8")
    text = DOC.replace("image: python:3.12", "image: registry.example.com/team/trainer@sha256:"
                       + "cd" * 32)
    editor = Editor(client, workspace / "valohai.yaml", text)
    await editor.open()
    hover = await _hover(client, editor, "registry.example.com", 3)
    assert hover is not None
    assert "- registry: `registry.example.com`" in hover
    assert "- repository: `team/trainer`" in hover and f"- digest: `sha256:{'cd' * 32}`" in hover
    assert "- registry pattern: `registry.example.com/team/*` (basic, config line 2)" in hover


async def test_hover_on_a_placeholder_in_a_node_override(client: LanguageClient,
                                                         workspace: Path) -> None:
    text = DOC.replace("        step: train\n", "        step: train\n        override:\n"
                       "          command: python tune.py {parameter:epochs}\n")
    editor = Editor(client, workspace / "valohai.yaml", text)
    await editor.open()
    found = await _hover(client, editor, "tune.py {parameter:epochs}", 12)
    assert found is not None and "parameter `epochs` of step `train`" in found
