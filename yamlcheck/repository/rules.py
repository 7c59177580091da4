"""The repository checks: will the execution find the files its commands need?"""

from __future__ import annotations

from yamlcheck.core.diagnostic import Severity
from yamlcheck.core.rule import Rule


class CommandFileMissing(Rule):
    """
    ## What it does
    Reports a file a step's command runs or reads that does not exist in the
    project folder (the folder of valohai.yaml, where Valohai runs the
    command): the script of `python train.py`, `python -m pkg.mod` (when
    `pkg` is a package of the project), `bash run.sh`, `./run.sh`,
    `Rscript x.R`, `julia x.jl`, `node x.js`, `torchrun`/`accelerate
    launch`/`deepspeed` scripts, `papermill` and `jupyter nbconvert`
    notebooks, `pip install -r`/`-c` files and `conda env create -f` files.
    Pipeline node `override.command`s are checked too.

    Paths follow a preceding `cd dir`; absolute paths, paths under
    `/valohai/`, `$VARIABLES`, `{placeholders}` and globs are not checked,
    nor files an earlier part of the command creates (`> x.py`, `wget -O`,
    `curl -o`, `git clone`, `unzip`, `tar x`, `cp`/`mv` targets) or may
    create, nor commands the script may skip (`if`, `||`, `[ -f x ] &&`).

    ## Why
    The execution fails in its first seconds with "No such file or
    directory", after the image was pulled and the inputs downloaded.

    ## Example
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python trian.py {parameters}
    ```

    ## Use instead
    ```yaml
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python train.py {parameters}
    ```
    """

    code = "VH501"
    name = "command-file-missing"
    severity = Severity.ERROR
    summary = "A file a command runs or reads does not exist in the project folder"


class CommandFileNotShipped(Rule):
    """
    ## What it does
    Reports a file a command needs that exists here but that Valohai will not
    receive: git ignores it (it is not listed by `git ls-files --cached
    --others --exclude-standard`), `.vhignore` excludes it, valohai-cli
    leaves it out (a top-level path starting with `.`, a file inside a
    nested repository, an untracked file in a submodule), or, outside git,
    the folder's `.gitignore` excludes it.  This is what `vh exec run
    --adhoc` packages; a commit has even less.

    valohai-cli asks git only when the project folder itself holds `.git`.
    A project folder inside a repository is walked instead: names starting
    with `.` anywhere and what that folder's own `.gitignore` excludes are
    left out.  A file committed in the repository but left out by the walk
    is reported as a warning: an execution from a commit has it, an ad-hoc
    run does not.

    ## Why
    The run works on your machine and fails on Valohai with "No such file
    or directory".

    ## Example
    ```yaml
    # .gitignore has `scripts/`
    - step:
        name: train
        image: docker.io/library/python:3.12
        command: python scripts/train.py
    ```

    ## Use instead
    Stop ignoring the script, and commit it:
    ```gitignore
    # .gitignore
    scripts/*
    !scripts/train.py
    ```
    """

    code = "VH502"
    name = "command-file-not-shipped"
    severity = Severity.ERROR
    summary = "A file a command needs exists but is ignored or excluded from the package"


class CommandFileUncommitted(Rule):
    """
    ## What it does
    Reports a file a command (or an endpoint) needs that exists and that an
    ad-hoc run would package, but that is not in the last commit: it is
    untracked, or added to the index and not committed yet, or the
    repository has no commits.

    ## Why
    `vh exec run --adhoc` sends it, but an execution from a commit (from
    the web UI, the API, a pipeline or a teammate's checkout) will not have
    it.

    ## Example
    ```yaml
    # prepare.py exists but `git status` shows it as untracked
    - step:
        name: prepare
        image: docker.io/library/python:3.12
        command: python prepare.py
    ```

    ## Use instead
    Commit the file (and push it) before running from a commit:
    ```sh
    git add prepare.py
    git commit -m "Add the prepare step"
    ```
    """

    code = "VH503"
    name = "command-file-uncommitted"
    severity = Severity.WARNING
    summary = "A file a command needs is not committed (an execution from a commit lacks it)"


class EndpointFileMissing(Rule):
    """
    ## What it does
    Reports an endpoint whose `wsgi` module, or a file its `server-command`
    runs (`python serve.py`, `uvicorn predict:app`, `gunicorn app:app`),
    does not exist in the project folder, or exists but is not shipped (as
    for VH502), and a `wsgi` value that is not `module` or
    `module:callable`.  A missing `wsgi` module is a warning (Valohai does
    not document the folder it imports it from), and so is a server module
    whose top-level package is not in the project at all (the image may
    install it).

    An endpoint's `files` are not checked: Valohai places them (the model,
    for example) when the deployment version is created, at `path` beside
    the code, so they need not be in the repository.

    ## Why
    The deployment version builds, then every replica fails to start.

    ## Example
    ```yaml
    - endpoint:
        name: predict
        image: docker.io/library/python:3.12
        wsgi: predcit:app
    ```

    ## Use instead
    ```yaml
    - endpoint:
        name: predict
        image: docker.io/library/python:3.12
        wsgi: predict:app
    ```
    """

    code = "VH504"
    name = "endpoint-file-missing"
    severity = Severity.ERROR
    summary = "An endpoint's wsgi module or server-command file is missing or not shipped"


RULES = (CommandFileMissing, CommandFileNotShipped, CommandFileUncommitted, EndpointFileMissing)
