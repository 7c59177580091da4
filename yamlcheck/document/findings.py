"""Rules raised while reading and loading the YAML text (VH001-VH005)."""

from yamlcheck.core.diagnostic import Severity
from yamlcheck.core.rule import Rule


class YamlSyntaxError(Rule):
    """
    ## What it does
    Reports a file Valohai cannot load: exactly the files on which PyYAML's
    `yaml.safe_load`, which Valohai reads valohai.yaml with, fails on the
    text decoded as UTF-8.  That covers syntax errors, tabs outside quotes,
    block scalars and comments, a file saved as UTF-16 or UTF-32 or with
    bytes that are not UTF-8, control characters, undefined or repeated
    anchors, several documents in one file, tags such as
    `!!python/object/apply` that a safe loader never constructs, values a tag
    cannot convert, dates that do not exist, and nesting deeper than PyYAML
    can load.  What PyYAML accepts is accepted, such as `[s3://a, s3://b]`
    or `{default: http://mlflow:5000}` (a `:` inside brackets).

    ## Why
    A file Valohai cannot load fails every execution, and the peer linter
    only says "Indentation Error" for every kind of syntax problem.  The
    message here names the real problem at the position where PyYAML
    stopped.

    ## Example
    ```yaml
    - step:
        name: 'train
        image: docker.io/library/python:3.12
        command: python train.py
    ```

    ## Use instead
    ```yaml
    - step:
        name: 'train'
        image: docker.io/library/python:3.12
        command: python train.py
    ```
    """

    code = "VH001"
    name = "yaml-syntax-error"
    severity = Severity.ERROR
    summary = "The file is not valid YAML, or cannot be loaded safely"


class DuplicateKey(Rule):
    """
    ## What it does
    Reports a mapping that repeats a key.

    ## Why
    YAML parsers keep the last value of a repeated key and silently drop the
    first, so one of the two settings never takes effect.  The rest of the file
    is still linted with the last value, as Valohai would read it.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.11
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

    code = "VH002"
    name = "duplicate-key"
    severity = Severity.ERROR
    summary = "A mapping repeats a key; YAML silently keeps only the last value"


class InvalidDocumentShape(Rule):
    """
    ## What it does
    Checks the top level of the file: it must be a list, and each item must be
    a mapping with exactly one kind key (`step`, `pipeline`, `endpoint`,
    `task`, `deployment` or `blueprint`).  Reports an empty file, a mapping at
    the top, a list item that is not a mapping, an empty item, and an item that
    holds two kind keys (Valohai uses the first it knows and silently ignores
    the other).

    ## Why
    Valohai silently drops whatever does not fit this shape, so a step that is
    mis-indented or merged into another item simply disappears.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
      pipeline:
        name: flow
        nodes: []
        edges: []
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
    - pipeline:
        name: flow
        nodes: []
        edges: []
    ```
    """

    code = "VH003"
    name = "invalid-document-shape"
    severity = Severity.ERROR
    summary = "The root is not a list, or an item is not a mapping with one kind key"


class UnknownItemKind(Rule):
    """
    ## What it does
    Reports a top-level item whose key is not a kind Valohai knows.

    ## Why
    Valohai ignores such an item (its parser only logs "No parser for ..."),
    so a misspelt `stpe:` silently removes a step.

    ## Example
    ```yaml
    - stpe:
        name: train
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

    code = "VH004"
    name = "unknown-item-kind"
    severity = Severity.WARNING
    summary = "An item kind Valohai does not know; it is silently ignored there"


class DocumentTooComplex(Rule):
    """
    ## What it does
    Stops reading a file whose aliases expand to too many nodes (a "billion
    laughs" document), whose alias sits inside the node it refers to, that is
    larger than the size limit, or that holds an integer too long to print.

    Limits: 10 MiB of text; aliases may add at most 5,000,000 nodes to a
    walk of the document that follows every alias (500 steps sharing one
    60-parameter list add 210,000); integers of at most 4,300 digits.  Shared
    anchors as such cost nothing: the limit is the work of walking the
    expanded document, which yamlcheck and valohai-yaml both do.

    ## Why
    Such a document is hostile or broken: PyYAML loads it into shared
    objects, but every tool that then walks it (Valohai's parser too) would
    take minutes or never finish.  yamlcheck reports it in milliseconds.

    ## Example
    Seven lines that expand to ten million strings:
    ```yaml
    - &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]
    - &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
    - &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
    - &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
    - &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
    - &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
    - &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
    ```

    ## Use instead
    Anchors for shared blocks that are not nested into each other:
    ```yaml
    - step:
        name: train
        image: &python docker.io/library/python:3.12
        command: python train.py
    - step:
        name: evaluate
        image: *python
        command: python evaluate.py
    ```
    """

    code = "VH005"
    name = "document-too-complex"
    severity = Severity.ERROR
    summary = "Alias expansion, nesting depth or size beyond safe limits"


RULES = (YamlSyntaxError, DuplicateKey, InvalidDocumentShape, UnknownItemKind, DocumentTooComplex)
