"""The bundled schema gives the same verdicts as the baseline it was rewritten from.

tests/fixtures/valohai.schema.baseline.json is the schema before it was
written for editors (descriptions everywhere, anyOf plus if/then instead of
oneOf, edges without prefixItems).  Over every corpus file, every item of
them, their random mutants and hand-made cases around the rewritten parts,
the baseline and the bundled schema must agree on valid or invalid, and the
compiled fast check must agree with jsonschema.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from schema_corpus import corpus_documents, corpus_items, mutate

from yamlcheck.schema.fastcheck import compile_schema
from yamlcheck.schema.resources import inline, schema

BASELINE = Path(__file__).parent / "fixtures" / "valohai.schema.baseline.json"
NAMES = ("#", "step", "pipeline", "endpoint", "task", "deployment")


@cache
def _baseline() -> dict[str, Any]:
    return json.loads(BASELINE.read_text(encoding="utf-8"))


@cache
def _validators(name: str) -> tuple[Any, Any, Any]:
    """(baseline jsonschema, bundled jsonschema, bundled fast check) for one definition."""
    new = inline(schema(), name)
    return (Draft202012Validator(inline(_baseline(), name)), Draft202012Validator(new),
            compile_schema(new))


def _verdict(name: str, value: Any) -> bool:
    old, new, fast = _validators(name)
    before, after, quick = old.is_valid(value), new.is_valid(value), fast(value)
    assert before == after, f"{name}: baseline says {before}, bundled {after}: {value!r}"[:600]
    assert quick == after, f"{name}: fast check says {quick}, jsonschema {after}: {value!r}"[:600]
    return after


def test_same_verdicts_on_every_corpus_file_and_item() -> None:
    documents = corpus_documents()
    verdicts = Counter(_verdict("#", root) for _, root in documents)
    assert len(documents) > 200 and verdicts[True] > 150 and verdicts[False] > 5
    items = Counter(_verdict(kind, value) for kind, value in corpus_items())
    assert items[True] > 400 and items[False] > 5


def test_same_verdicts_on_mutated_items() -> None:
    rng = random.Random(20270301)
    items = corpus_items()
    verdicts: Counter[tuple[str, bool]] = Counter()
    for _ in range(8000):
        kind, value = rng.choice(items)
        verdicts[kind, _verdict(kind, mutate(value, rng))] += 1
    for kind in ("step", "pipeline", "endpoint", "task"):
        assert verdicts[kind, True] and verdicts[kind, False], verdicts


def test_same_verdicts_on_mutated_documents() -> None:
    rng = random.Random(20270302)
    documents = [root for _, root in corpus_documents()]
    verdicts = Counter(_verdict("#", mutate(rng.choice(documents), rng)) for _ in range(1000))
    assert verdicts[True] > 50 and verdicts[False] > 50, verdicts


def _endpoints() -> list[dict[str, Any]]:
    base = {"name": "predict", "image": "docker.io/library/python:3.12"}
    choices = [{}, {"server-command": "python serve.py"}, {"wsgi": "serve:app"},
               {"server-command": ["a", "b"], "wsgi": "serve:app"}, {"server-command": 5},
               {"wsgi": None}, {"server-command": "x", "wsgi": 3}]
    return [{**base, **extra} for extra in choices]


def _pipelines() -> list[dict[str, Any]]:
    nodes = [{"name": "n", "type": "task"}, {"name": "n", "type": "task", "step": "s"},
             {"name": "n", "type": "task", "task": "t"},
             {"name": "n", "type": "task", "step": "s", "task": "t"},
             {"name": "n", "type": "task", "step": "s", "task": None},
             {"name": "n", "type": "execution", "step": "s", "task": "t"},
             {"name": "n", "type": "execution", "step": "s"}]
    edges = [[], ["a.output.x"], ["a.output.x", "b.input.y"], ["a.output.x", "b.input.y", "c"],
             ["a.output.x", 5], [None, "b.input.y"], [["a"], "b"], {"source": "a", "target": "b"},
             {"source": "a"}, "a.output.x", {"source": "a", "target": "b", "extra": 1}]
    pipelines = [{"name": "p", "nodes": [node], "edges": []} for node in nodes]
    pipelines += [{"name": "p", "nodes": [], "edges": [edge]} for edge in edges]
    return pipelines


def test_same_verdicts_around_the_rewritten_parts() -> None:
    cases = [("endpoint", e) for e in _endpoints()] + [("pipeline", p) for p in _pipelines()]
    verdicts = [(kind, _verdict(kind, value)) for kind, value in cases]
    documents = [[{kind: value}] for kind, value in cases]
    assert [(kind, _verdict("#", d)) for (kind, _), d in zip(cases, documents, strict=True)] == verdicts
    assert sum(valid for _, valid in verdicts) == 7  # the others are invalid under both schemas
