"""Which words of a simple command name a file it runs or reads.

Only the programs whose file arguments are certain are understood: Python,
shells, Rscript, julia, node, the distributed launchers, papermill, jupyter
nbconvert, pip's requirement files, conda's environment files, ASGI/WSGI
servers, and ``./program``.  Wrappers (``nohup``, ``time``, ``env``,
``conda run`` ...) are looked through.  Anything else reads nothing.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

from yamlcheck.repository.shell import Word

FILE = "file"  # a path
MODULE = "module"  # a module run with python -m: pkg/mod.py or pkg/mod/__main__.py
APP = "app"  # an application module (uvicorn, gunicorn): pkg/mod.py or pkg/mod/__init__.py
FOLDER = "folder"  # a folder the shell changes to (cd, pushd)

MODULE_NAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
_APP_SPEC = re.compile(r"([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*):[A-Za-z_][\w.]*(?:\(.*\))?")
_ASSIGNMENT = re.compile(r"[A-Za-z_]\w*=")
_PYTHON = re.compile(r"(?:python|pypy)(?:\d+(?:\.\d+)?)?(?:-dbg)?")
_PIP = re.compile(r"pip(?:\d+(?:\.\d+)?)?")


class Read(NamedTuple):
    """``text`` (a part of ``word``) names a file or module the command needs."""

    word: Word
    text: str
    kind: str
    what: str  # the program, for messages


Args = Sequence[Word]

# -- looking through wrappers -------------------------------------------------
# wrapper -> (options that take a value, positional words before the command)
_WRAPPERS: dict[str, tuple[frozenset[str], int]] = {
    "nohup": (frozenset(), 0), "exec": (frozenset(("-a",)), 0), "command": (frozenset(), 0),
    "builtin": (frozenset(), 0), "time": (frozenset(("-f", "-o", "--format", "--output")), 0),
    "nice": (frozenset(("-n", "--adjustment")), 0), "stdbuf": (frozenset(("-i", "-o", "-e")), 0),
    "ionice": (frozenset(("-c", "-n", "-t")), 0), "unbuffer": (frozenset(), 0),
    "timeout": (frozenset(("-s", "--signal", "-k", "--kill-after")), 1),
    "env": (frozenset(("-u", "--unset", "-S", "--split-string")), 0),
    "sudo": (frozenset(("-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T")), 0),
    "xvfb-run": (frozenset(("-n", "--server-num", "-s", "--server-args", "-e", "--error-file",
                            "-f", "--auth-file", "-p", "--xauth-protocol", "-w", "--wait")), 0),
    "catchsegv": (frozenset(), 0), "dumb-init": (frozenset(), 0), "tini": (frozenset(), 0),
    "gosu": (frozenset(), 1), "taskset": (frozenset(), 1), "numactl": (frozenset(), 0),
    "!": (frozenset(), 0),
}
# `X run ...` wrappers, with their options that take a value
_RUNNERS: dict[str, frozenset[str]] = {
    "conda": frozenset(("-n", "--name", "-p", "--prefix")),
    "mamba": frozenset(("-n", "--name", "-p", "--prefix")),
    "micromamba": frozenset(("-n", "--name", "-p", "--prefix", "-r", "--root-prefix")),
    "uv": frozenset(("--with", "--python", "-p", "--project", "--package", "--extra", "--group",
                     "--env-file", "--index", "--with-requirements", "--with-editable")),
    "poetry": frozenset(), "pipenv": frozenset(), "pdm": frozenset(),
}
# options of a wrapper after which the command runs elsewhere: its files are not checked
_MOVES = frozenset(("--cwd", "-C", "--chdir", "--directory", "--app-dir", "--pythonpath"))
_LAUNCH_ANY = frozenset(("mpirun", "mpiexec", "horovodrun", "srun", "charmrun"))


def _options_end(args: Args, width: Callable[[str], int | None], plus: bool = False) -> int | None:
    """Where the options end: ``width(option)`` is how many words an option
    takes, or None when the command reads no file then (as does ``-``)."""
    index = 0
    while index < len(args):
        text = args[index].text
        if text == "--":
            return index + 1
        if text == "-":
            return None
        if text[:1] not in (("-", "+") if plus else ("-",)) or len(text) == 1:
            return index
        taken = width(text)
        if taken is None:
            return None
        index += taken
    return index


def _skip_options(args: Args, valued: frozenset[str], positional: int) -> Args | None:
    """``args`` after a wrapper's options, variable assignments and leading
    positionals; None when an option moves the command elsewhere."""
    rest: Args = args
    while True:
        end = _options_end(rest, lambda o: None if o.split("=", 1)[0] in _MOVES
                           else 2 if o in valued else 1)
        if end is None:
            return None
        rest = rest[end:]
        if not rest or not _ASSIGNMENT.match(rest[0].text):
            return rest[positional:]
        rest = rest[1:]


def unwrap(words: Args) -> Args | None:
    """The command a wrapper runs (``nohup python x.py`` -> ``python x.py``);
    None when it runs in another folder or cannot be told."""
    rest: Args | None = words
    while rest:
        while rest and _ASSIGNMENT.match(rest[0].text):
            rest = rest[1:]
        if not rest or not rest[0].literal:
            return rest
        name = posixpath.basename(rest[0].text)
        if name in _WRAPPERS:
            valued, positional = _WRAPPERS[name]
            if name == "command" and len(rest) > 1 and rest[1].text in ("-v", "-V"):
                return ()
            rest = _skip_options(rest[1:], valued, positional)
        elif name in _RUNNERS and len(rest) > 1 and rest[1].text == "run":
            rest = _skip_options(rest[2:], _RUNNERS[name], 0)
            if name == "uv" and rest and rest[0].text.endswith(".py"):  # uv runs scripts itself
                return (Word("python", rest[0].start, rest[0].start, True), *rest)
        elif name in _LAUNCH_ANY:
            found = next((i for i, w in enumerate(rest[1:], 1) if _known(w)), None)
            rest = rest[found:] if found is not None else ()
        else:
            return rest
    return rest


def _known(word: Word) -> bool:
    name = posixpath.basename(word.text)
    return bool(_PYTHON.fullmatch(name)) or name in _PROGRAMS


# -- programs -----------------------------------------------------------------
def reads(words: Args) -> list[Read]:
    """The files and modules the command needs to exist in the project."""
    argv = unwrap(words)
    if not argv or not argv[0].literal:
        return []
    program = argv[0].text
    found: list[Read] = []
    if "/" in program and not program.startswith("/"):
        found.append(Read(argv[0], program, FILE, "the command runs"))
    name = posixpath.basename(program)
    if _PYTHON.fullmatch(name):
        handler: Callable[[Args], list[Read]] | None = _python
    elif _PIP.fullmatch(name):
        handler = _pip
    else:
        handler = _PROGRAMS.get(name)
    if handler is not None:
        found.extend(r for r in handler(argv[1:]) if _local(r))
    return found


def _local(read: Read) -> bool:
    text = read.text
    return (read.word.literal and bool(text) and not text.startswith("/") and "://" not in text
            and text not in (".", ".."))


def _python(args: Args) -> list[Read]:
    index = 0
    while index < len(args):
        text = args[index].text
        if text == "--":
            index += 1
            break
        if text in ("-", "--version", "--help"):
            return []
        if text.startswith("--"):
            index += 2 if text == "--check-hash-based-pycs" else 1
            continue
        if not text.startswith("-"):
            break
        for position in range(1, len(text)):
            flag, attached = text[position], text[position + 1:]
            if flag in "cVh?":
                return []
            if flag == "m":
                word = args[index] if attached else (args[index + 1] if index + 1 < len(args)
                                                     else None)
                rest = args[index + 1:] if attached else args[index + 2:]
                return _module(word, attached or (word.text if word else ""), rest)
            if flag in "WXQ":
                index += 0 if attached else 1
                break
        index += 1
    return [Read(args[index], args[index].text, FILE, "python")] if index < len(args) else []


def _module(word: Word | None, name: str, rest: Args) -> list[Read]:
    if word is None or not MODULE_NAME.fullmatch(name):
        return []
    special = _MODULES.get(name)
    if special is not None:
        return special(rest)
    return [Read(word, name, MODULE, "python -m")]


def _after_options(args: Args, what: str, width: Callable[[str], int | None],
                   plus: bool = False) -> list[Read]:
    """The first word after the options (see _options_end)."""
    index = _options_end(args, width, plus)
    if index is None or index >= len(args):
        return []
    return [Read(args[index], args[index].text, FILE, what)]


def _first_positional(args: Args, what: str, valued: frozenset[str] = frozenset(),
                      stop: frozenset[str] = frozenset()) -> list[Read]:
    """The first word that is not an option (or an option's value)."""
    return _after_options(args, what, lambda o: None if o in stop else 2 if o in valued else 1)


def _shell_option(option: str) -> int | None:
    if option in ("--rcfile", "--init-file"):
        return 2
    cluster = option[1:] if not option.startswith("--") else ""
    if "c" in cluster or "s" in cluster:
        return None  # the script is an argument, or stdin
    return 2 if cluster.endswith("o") else 1  # -o takes an option name


def _shell(args: Args) -> list[Read]:
    return _after_options(args, "the shell", _shell_option, plus=True)


def _script_launcher(what: str) -> Callable[[Args], list[Read]]:
    """torchrun, deepspeed, accelerate launch: the first ``.py`` word (their
    many options take values that are never Python files), or ``-m module``."""

    def find(args: Args) -> list[Read]:
        for index, word in enumerate(args):
            text = word.text
            if text in ("-m", "--module"):
                following = args[index + 1] if index + 1 < len(args) else None
                if following is not None and MODULE_NAME.fullmatch(following.text):
                    return [Read(following, following.text, MODULE, what)]
                return []
            if not text.startswith("-") and text.endswith(".py"):
                return [Read(word, text, FILE, what)]
        return []

    return find


def _accelerate(args: Args) -> list[Read]:
    return _script_launcher("accelerate launch")(args[1:]) if args and args[0].text == "launch" else []


def _notebooks(what: str, first_only: bool) -> Callable[[Args], list[Read]]:
    def find(args: Args) -> list[Read]:
        found = []
        for index, word in enumerate(args):
            previous = args[index - 1].text if index else ""
            if (word.text.endswith(".ipynb") and not word.text.startswith("-")
                    and not previous.startswith(("--output", "-o"))):
                found.append(Read(word, word.text, FILE, what))
                if first_only:
                    break
        return found

    return find


def _jupyter(args: Args) -> list[Read]:
    if args and args[0].text in ("nbconvert", "execute"):
        return _notebooks(f"jupyter {args[0].text}", False)(args[1:])
    return []


def _pip(args: Args) -> list[Read]:
    if not args or args[0].text not in ("install", "download", "wheel"):
        return []
    found = []
    index = 1
    while index < len(args):
        text = args[index].text
        value: Word | None = None
        part, flag = "", ""
        if text in ("--requirement", "--constraint"):
            value = args[index + 1] if index + 1 < len(args) else None
            part, flag = (value.text if value else ""), text[2]
            index += 1
        elif text.startswith(("--requirement=", "--constraint=")):
            value, part, flag = args[index], text.split("=", 1)[1], text[2]
        elif text.startswith("-") and not text.startswith("--"):
            for position in range(1, len(text)):
                flag, attached = text[position], text[position + 1:]
                if flag in "rcetifd":
                    if flag in "rc":
                        value = args[index] if attached else (
                            args[index + 1] if index + 1 < len(args) else None)
                        part = attached or (value.text if value else "")
                    index += 0 if attached else 1
                    break
        if value is not None and part and flag in "rc":
            found.append(Read(value, part, FILE, f"pip {args[0].text} -{flag}"))
        index += 1
    return found


def _streamlit(args: Args) -> list[Read]:
    if args and args[0].text == "run":
        return _first_positional(args[1:], "streamlit run")
    return []


def _uv(args: Args) -> list[Read]:
    if len(args) > 1 and args[0].text == "pip":
        if args[1].text == "sync":
            return [Read(w, w.text, FILE, "uv pip sync") for w in args[2:]
                    if not w.text.startswith("-")]
        return _pip(args[1:])
    return []


def _conda(flags: frozenset[str]) -> Callable[[Args], list[Read]]:
    def find(args: Args) -> list[Read]:
        words = [w.text for w in args if not w.text.startswith("-")]
        if not words or words[0] not in ("env", "create", "install", "update"):
            return []
        allowed = flags | ({"-f"} if words[0] == "env" else set())
        found = []
        for index, word in enumerate(args):
            text = word.text
            if text in allowed and index + 1 < len(args):
                following = args[index + 1]
                found.append(Read(following, following.text, FILE, "conda"))
            elif text.startswith("--file="):
                found.append(Read(word, text.split("=", 1)[1], FILE, "conda"))
        return found

    return find


def _asgi(what: str) -> Callable[[Args], list[Read]]:
    def find(args: Args) -> list[Read]:
        if any(w.text.split("=", 1)[0] in _MOVES for w in args):
            return []
        for word in args:
            match = _APP_SPEC.fullmatch(word.text)
            if match and not word.text.startswith("-"):
                return [Read(word, match.group(1), APP, what)]
        return []

    return find


_PROGRAMS: dict[str, Callable[[Args], list[Read]]] = {
    **dict.fromkeys(("bash", "sh", "zsh", "dash", "ksh"), _shell),
    "Rscript": lambda a: _first_positional(a, "Rscript", stop=frozenset(("-e", "--version"))),
    "julia": lambda a: _first_positional(
        a, "julia", frozenset(("-t", "-p", "-J", "-L", "-C", "--threads", "--procs", "--sysimage",
                               "--load", "--machine-file", "--cpu-target")),
        frozenset(("-e", "-E", "--eval", "--print", "-v", "--version", "-h", "--help"))),
    "node": lambda a: _first_positional(
        a, "node", frozenset(("-r", "--require", "--import", "--loader")),
        frozenset(("-e", "--eval", "-p", "--print", "-v", "--version", "-h", "--help", "-i",
                   "--interactive", "--test", "-c", "--check"))),
    "torchrun": _script_launcher("torchrun"),
    "deepspeed": _script_launcher("deepspeed"),
    "accelerate": _accelerate,
    "papermill": _notebooks("papermill", True),
    "jupyter": _jupyter,
    "jupyter-nbconvert": _notebooks("jupyter nbconvert", False),
    "uv": _uv,
    "conda": _conda(frozenset(("--file",))),
    "mamba": _conda(frozenset(("--file",))),
    "micromamba": _conda(frozenset(("-f", "--file"))),
    "uvicorn": _asgi("uvicorn"),
    "gunicorn": _asgi("gunicorn"),
    "streamlit": _streamlit,
}
_MODULES: dict[str, Callable[[Args], list[Read]]] = {
    **dict.fromkeys(("pip", "pip3"), _pip),
    **dict.fromkeys(("torch.distributed.run", "torch.distributed.launch"),
                    _script_launcher("torch.distributed")),
    "accelerate.commands.launch": _script_launcher("accelerate launch"),
    "papermill": _notebooks("papermill", True),
    "jupyter": _jupyter,
    "nbconvert": _notebooks("nbconvert", False),
    "uvicorn": _asgi("uvicorn"),
    "gunicorn": _asgi("gunicorn"),
    "streamlit": _streamlit,
}

