"""Corpus documents and random mutants of them, for the schema tests.

Imported by the tests as ``schema_corpus``.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from helpers import CORPUS, corpus_dir

from yamlcheck.document.loader import load
from yamlcheck.document.shape import split_items
from yamlcheck.document.tree import PosMap


def corpus_files() -> list[Path]:
    """Every real-world file and every valohai-yaml example (skips without the corpus)."""
    corpus_dir("real-world")
    return sorted((CORPUS / "real-world").glob("*.y*ml")) + sorted(
        (CORPUS / "peer-examples").glob("*/*.yaml"))


def corpus_documents() -> list[tuple[str, Any]]:
    """(file name, loaded root) of every corpus file that is valid YAML."""
    documents = []
    for path in corpus_files():
        result = load(str(path), path.read_bytes())
        if result.loaded:
            documents.append((path.name, result.root))
    return documents


def corpus_items() -> list[tuple[str, Any]]:
    """(schema definition name, value) of every item of every corpus file."""
    items = []
    for name, root in corpus_documents():
        found, _ = split_items(root, name, True)
        items.extend((item.schema_name, item.value) for item in found)
    return items


# Keys that new ones are drawn from: some unknown, some that exclude each other.
EXTRA_KEYS = ("bogus", "name", "type", "image", "edges", "wsgi", "server-command", "task", "step",
              "target", "targets")
REPLACEMENTS = (None, 0, 1.5, True, "", "x", "Upper Case", [], {}, ["a"], ["a.b.c", "d.e.f"],
                ["a", "b", "c"], {"k": 1}, -3)


def mutate(value: Any, rng: random.Random) -> Any:
    """A copy of ``value`` with one random change somewhere inside."""
    if isinstance(value, dict) and value and rng.random() < 0.8:
        copy = PosMap(value.span) if isinstance(value, PosMap) else {}
        keys = list(value)
        target = rng.choice(keys)
        action = rng.random()
        for key in keys:
            if key == target and action < 0.2:
                continue  # drop it
            item = mutate(value[key], rng) if key == target else value[key]
            copy[key] = item
        if action > 0.9:
            copy[rng.choice(EXTRA_KEYS)] = rng.choice(REPLACEMENTS)
        return copy
    if isinstance(value, list) and value and rng.random() < 0.8:
        copy_list = list(value)
        index = rng.randrange(len(copy_list))
        action = rng.random()
        if action < 0.1:
            del copy_list[index]
        elif action < 0.2:
            copy_list.append(rng.choice(REPLACEMENTS))
        else:
            copy_list[index] = mutate(copy_list[index], rng)
        return copy_list
    return rng.choice(REPLACEMENTS)
