"""Rules raised by the JSON Schema stage (VH101-VH104)."""

from yamlcheck.core.diagnostic import Severity
from yamlcheck.core.rule import Rule


class UnknownKey(Rule):
    """
    ## What it does
    Reports a key that the valohai.yaml schema does not allow where it stands,
    and suggests the closest allowed key.

    ## Why
    Valohai rejects a step, endpoint or pipeline node with an unknown key, and
    a misspelt optional key (`enviroment`, `time_limit`) would otherwise go
    unnoticed until an execution fails.  A key next to an item's kind key
    (`- step:` and `name:` at the same level) is silently ignored by Valohai,
    which usually means it is indented one level too little.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
        time_limit: 1h
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
        time-limit: 1h
    ```
    """

    code = "VH101"
    name = "unknown-key"
    severity = Severity.ERROR
    summary = "A key the schema does not allow at this place"


class MissingRequiredKey(Rule):
    """
    ## What it does
    Reports a mapping that lacks a key the schema requires: a step without
    `image` or `command`, an endpoint with neither `server-command` nor
    `wsgi`, a pipeline without `edges`, a node without `type`.

    ## Why
    Valohai refuses the whole file when a required key is missing.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
    ```
    """

    code = "VH102"
    name = "missing-required-key"
    severity = Severity.ERROR
    summary = "A required key is absent"


class WrongType(Rule):
    """
    ## What it does
    Reports a value of the wrong type: a number where a string is required, a
    mapping where a list is required, an empty value where a mapping is
    required (often a sign that the lines below are not indented).

    ## Why
    Valohai refuses the file.  YAML also turns unquoted values into numbers,
    booleans and dates (`on`, `1.10`, `2024-01-01`), which then fail a string
    field.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
        inputs: dataset
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py
        inputs:
          - name: dataset
    ```
    """

    code = "VH103"
    name = "wrong-type"
    severity = Severity.ERROR
    summary = "A value of the wrong type"


class InvalidValue(Rule):
    """
    ## What it does
    Reports a value outside what the schema allows: a name that breaks its
    pattern, a value not among the allowed choices, a number out of range, a
    string that is too long, an edge list of the wrong length, or two keys that
    exclude each other.

    ## Why
    Valohai refuses the file.

    ## Example
    ```yaml
    - endpoint:
        name: Predict_Endpoint
        image: docker.io/library/python:3.12
        server-command: python serve.py
        port: 80
    ```

    ## Use instead
    ```yaml
    - endpoint:
        name: predict-endpoint
        image: docker.io/library/python:3.12
        server-command: python serve.py
        port: 8000
    ```
    """

    code = "VH104"
    name = "invalid-value"
    severity = Severity.ERROR
    summary = "Enum, pattern, range or length violated"


RULES = (UnknownKey, MissingRequiredKey, WrongType, InvalidValue)
