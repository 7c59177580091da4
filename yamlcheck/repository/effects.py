"""What earlier commands did: the folder the shell is in, and the files they
made.  A file an earlier part of the command creates (``> x``, ``wget -O x``,
``git clone``, ``unzip``, ``tar x``, ``cp``/``mv`` targets ...) is not
reported; where a command may create anything (``unzip``, ``make``, ``dvc
pull``), everything below its folder counts as made."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence

from yamlcheck.repository.programs import unwrap
from yamlcheck.repository.shell import WRITES, Word
from yamlcheck.repository.structure import Command

REPOSITORY = "/valohai/repository"  # where Valohai puts the project


class State:
    """``folder``: where the shell is, relative to the project folder ('' is
    the project folder itself; None: unknown or outside it)."""

    def __init__(self) -> None:
        self.folder: str | None = ""
        self.stack: list[str | None] = []
        self.files: set[str] = set()
        self.trees: set[str] = set()  # folders below which anything may have been made

    def resolve(self, text: str, absolute: bool = False) -> str | None:
        """``text`` as a path relative to the project folder, or None (outside,
        unknown, or absolute unless ``absolute`` allows /valohai/repository)."""
        if text.startswith("/"):
            if not absolute or not (text == REPOSITORY or text.startswith(REPOSITORY + "/")):
                return None
            joined = text[len(REPOSITORY) + 1:]
        elif self.folder is None:
            return None
        else:
            joined = posixpath.join(self.folder, text)
        path = posixpath.normpath(joined) if joined else "."
        if path == ".":
            return ""
        return None if path == ".." or path.startswith("../") else path

    def made(self, path: str) -> bool:
        if path in self.files or "" in self.trees:
            return True
        parts = path.split("/")
        return any("/".join(parts[:n]) in self.trees for n in range(1, len(parts) + 1))

    def make(self, text: str, tree: bool = False) -> None:
        path = self.resolve(text, absolute=True)
        if path is not None:
            (self.trees if tree else self.files).add(path)

    def anything_here(self) -> None:
        if self.folder is not None:
            self.trees.add(self.folder)

    def move(self, command: str, args: Sequence[Word], compound: bool) -> None:
        if command == "popd":
            self.folder = self.stack.pop() if self.stack else None
            return
        targets = [w for w in args if not (w.text.startswith("-") and len(w.text) > 1)]
        if command == "pushd":
            self.stack.append(self.folder)
        if compound or len(targets) != 1 or not targets[0].literal or targets[0].text == "-":
            self.folder = None  # a branch may or may not run; cd alone goes home
            return
        self.folder = self.resolve(targets[0].text, absolute=True)


def _positionals(args: Sequence[Word], valued: frozenset[str] = frozenset()) -> list[Word]:
    found, index = [], 0
    while index < len(args):
        text = args[index].text
        if text.startswith("-") and len(text) > 1:
            index += 2 if text in valued else 1
            continue
        found.append(args[index])
        index += 1
    return found


def _url_name(url: str) -> str:
    """The file name wget or curl -O gives a download: the last part of the path."""
    path = url.split("://", 1)[-1].split("?", 1)[0].split("#", 1)[0]
    _, _, path = path.partition("/")
    return posixpath.basename(path.rstrip("/")) or "index.html"


_WGET_VALUED = frozenset("oPeiatTwQUBlARDIX")


def _wget(args: Sequence[Word], state: State) -> None:
    folder = ""
    for index, word in enumerate(args):
        text = word.text
        value = args[index + 1].text if index + 1 < len(args) else ""
        target = None
        if text == "--output-document":
            target = value
        elif text.startswith("--output-document="):
            target = text.split("=", 1)[1]
        elif text.startswith("-") and not text.startswith("--"):
            for position, flag in enumerate(text[1:], 1):
                if flag == "O":
                    target = text[position + 1:] or value
                    break
                if flag in _WGET_VALUED:
                    break
        if target is not None:
            if target != "-":
                state.make(target)
            return
        if text in ("-P", "--directory-prefix"):
            folder = value
        elif text.startswith("--directory-prefix="):
            folder = text.split("=", 1)[1]
        elif text in ("-r", "--recursive", "-m", "--mirror", "-i", "--input-file",
                      "--content-disposition") or not word.literal:
            state.anything_here()
            return
    for word in args:
        if "://" in word.text:
            state.make(posixpath.join(folder, _url_name(word.text)))


_CURL_VALUED = frozenset("HdXuAebcFTwxmCKEoy")


def _curl(args: Sequence[Word], state: State) -> None:
    remote_name = False
    folder = ""
    for index, word in enumerate(args):
        text = word.text
        value = args[index + 1].text if index + 1 < len(args) else ""
        if text in ("--output", "-o"):
            state.make(posixpath.join(folder, value))
        elif text.startswith("--output="):
            state.make(text.split("=", 1)[1])
        elif text in ("--remote-name", "--remote-name-all"):
            remote_name = True
        elif text == "--output-dir":
            folder = value
        elif text in ("-J", "--remote-header-name"):
            state.anything_here()
        elif text.startswith("-") and not text.startswith("--"):
            for position, flag in enumerate(text[1:], 1):
                if flag == "O":
                    remote_name = True
                elif flag == "J":
                    state.anything_here()
                elif flag in _CURL_VALUED:
                    if flag == "o":
                        state.make(text[position + 1:] or value)
                    break
    if remote_name:
        for word in args:
            if "://" in word.text:
                state.make(posixpath.join(folder, _url_name(word.text)))


_GIT_TREE_CHANGERS = frozenset(("checkout", "switch", "pull", "merge", "reset", "restore",
                                "stash", "submodule", "apply", "am", "cherry-pick", "rebase",
                                "sparse-checkout", "worktree"))


def _git(args: Sequence[Word], state: State) -> None:
    index, folder = 0, ""
    while index < len(args) and args[index].text.startswith("-"):
        if args[index].text == "-C" and index + 1 < len(args):
            folder = args[index + 1].text
            index += 1
        elif args[index].text == "-c":
            index += 1
        index += 1
    if index >= len(args):
        return
    sub, rest = args[index].text, args[index + 1:]
    if sub == "clone":
        places = _positionals(rest, frozenset(("-b", "--branch", "--depth", "-o", "--origin", "-c",
                                               "--config", "--reference", "--separate-git-dir",
                                               "-j", "--jobs", "--filter", "--template", "-u",
                                               "--upload-pack", "--shallow-since",
                                               "--shallow-exclude")))
        if len(places) >= 2:
            state.make(posixpath.join(folder, places[1].text), tree=True)
        elif places and places[0].literal:
            name = re.split(r"[/:]", places[0].text.rstrip("/"))[-1]
            state.make(posixpath.join(folder, name.removesuffix(".git")), tree=True)
        else:
            state.anything_here()
    elif sub in _GIT_TREE_CHANGERS or sub == "lfs":
        state.trees.add("")


def _extract_to(args: Sequence[Word], state: State, option: str, long: str = "") -> None:
    """unzip -d DIR, tar -C DIR: anything may appear in DIR (or here)."""
    for index, word in enumerate(args):
        text = word.text
        if text == option and index + 1 < len(args):
            state.make(args[index + 1].text, tree=True)
            return
        if long and text.startswith(long + "="):
            state.make(text.split("=", 1)[1], tree=True)
            return
        if long and text == long and index + 1 < len(args):
            state.make(args[index + 1].text, tree=True)
            return
    state.anything_here()


def _tar(args: Sequence[Word], state: State) -> None:
    if not args:
        return
    first = args[0].text
    mode = first if not first.startswith("-") else ""
    letters = mode + "".join(w.text[1:] for w in args if w.text.startswith("-")
                             and not w.text.startswith("--"))
    if "x" in letters or any(w.text in ("--extract", "--get") for w in args):
        _extract_to(args, state, "-C", "--directory")
    elif "c" in letters or "r" in letters:
        for index, word in enumerate(args):
            if word.text.startswith("-") and word.text.endswith("f") and index + 1 < len(args):
                state.make(args[index + 1].text)
            elif word.text.startswith("--file="):
                state.make(word.text.split("=", 1)[1])


def _copy(args: Sequence[Word], state: State) -> None:
    """cp, mv, ln, rsync, install, cloud copies: the destination (and what lies below)."""
    for index, word in enumerate(args):
        if word.text in ("-t", "--target-directory") and index + 1 < len(args):
            state.make(args[index + 1].text, tree=True)
            return
        if word.text.startswith("--target-directory="):
            state.make(word.text.split("=", 1)[1], tree=True)
            return
    places = _positionals(args, frozenset(("-S", "--suffix", "-m", "--mode", "-o", "-g",
                                           "--exclude", "--include", "-e")))
    if len(places) >= 2 and "://" not in places[-1].text:
        if places[-1].literal:
            state.make(places[-1].text, tree=True)
        else:
            state.anything_here()


def _decompress(suffixes: tuple[str, ...]) -> Callable[[Sequence[Word], State], None]:
    def effect(args: Sequence[Word], state: State) -> None:
        if any(w.text in ("-c", "--stdout", "-t", "--test", "-l", "--list") for w in args):
            return
        for word in _positionals(args):
            for suffix in suffixes:
                if word.text.endswith(suffix):
                    state.make(word.text[: -len(suffix)] + (".tar" if suffix == ".tgz" else ""))

    return effect


def _cloud(subcommands: tuple[str, ...], skip: int = 1) -> Callable[[Sequence[Word], State], None]:
    def effect(args: Sequence[Word], state: State) -> None:
        words = [w.text for w in args]
        if any(sub in words[:skip + 2] for sub in subcommands):
            _copy(args, state)

    return effect


def _venv(args: Sequence[Word], state: State) -> None:
    places = _positionals(args, frozenset(("-p", "--python", "--prompt")))
    state.make(places[0].text if places else ".venv", tree=True)


def _python(args: Sequence[Word], state: State) -> None:
    for index, word in enumerate(args):
        if word.text in ("-m", "-mvenv", "-mvirtualenv") and (
                word.text != "-m" or (index + 1 < len(args) and args[index + 1].text in
                                      ("venv", "virtualenv"))):
            _venv(args[index + (2 if word.text == "-m" else 1):], state)
            return
        if word.text == "-m" and index + 1 < len(args) and args[index + 1].text in ("pip", "pip3"):
            _pip(args[index + 2:], state)
            return
        if not word.text.startswith("-"):
            return


def _pip(args: Sequence[Word], state: State) -> None:
    for index, word in enumerate(args):
        if word.text in ("-t", "--target", "-d", "--dest", "--src") and index + 1 < len(args):
            state.make(args[index + 1].text, tree=True)


def _anything(args: Sequence[Word], state: State) -> None:
    state.anything_here()


def _mkdir(args: Sequence[Word], state: State) -> None:
    """``mkdir [-p] dir ...``: the folders exist (and what is put in them later
    is not ours to know)."""
    for word in _positionals(args, frozenset(("-m", "--mode"))):
        if word.literal:
            state.make(word.text, tree=True)


def _touch(args: Sequence[Word], state: State) -> None:
    for word in _positionals(args):
        if word.literal:
            state.make(word.text)


def _compressor(args: Sequence[Word], state: State) -> None:
    if any(w.text in ("-d", "--decompress") for w in args):
        _decompress((".gz", ".bz2", ".xz", ".zst", ".tgz"))(args, state)


_EFFECTS: dict[str, Callable[[Sequence[Word], State], None]] = {
    "tee": _touch, "touch": _touch, "mkdir": _mkdir,
    "wget": _wget, "curl": _curl, "git": _git, "tar": _tar,
    "unzip": lambda args, state: _extract_to(args, state, "-d"),
    **dict.fromkeys(("7z", "7za", "7zr", "unrar", "cabextract"), _anything),
    "gunzip": _decompress((".gz", ".tgz")), "bunzip2": _decompress((".bz2",)),
    "unxz": _decompress((".xz",)), "unzstd": _decompress((".zst",)),
    **dict.fromkeys(("gzip", "bzip2", "xz", "zstd"), _compressor),
    **dict.fromkeys(("cp", "mv", "ln", "rsync", "install", "scp"), _copy),
    "aws": _cloud(("cp", "sync", "mv")), "gsutil": _cloud(("cp", "rsync", "mv"), 2),
    "gcloud": _cloud(("cp", "rsync")), "azcopy": _cloud(("copy", "sync")),
    "rclone": _cloud(("copy", "sync", "copyto", "move", "moveto")),
    "virtualenv": _venv, "pip": _pip, "pip3": _pip,
    **dict.fromkeys(("make", "cmake", "ninja", "bazel", "dvc", "kaggle", "huggingface-cli", "hf",
                     "gdown", "aria2c", "svn", "hg", "s3cmd", "protoc", "snakemake", "npm",
                     "yarn", "sbt", "mvn", "gradle"), _anything),
}


def apply(command: Command, state: State) -> None:
    """Update ``state`` with what ``command`` does to the file system."""
    for op, target in command.redirects:
        if op in WRITES and target.literal and not target.text.isdigit() and target.text != "-":
            state.make(target.text)
    argv = unwrap(command.words)
    if not argv:
        return
    name = posixpath.basename(argv[0].text)
    if name in ("cd", "pushd", "popd"):
        state.move(name, argv[1:], command.compound)
    elif name == "eval":  # anything may happen, anywhere
        state.anything_here()
        state.folder = None
    elif name == "uv" and len(argv) > 1 and argv[1].text == "venv":
        _venv(argv[2:], state)
    elif name.startswith("python"):
        _python(argv[1:], state)
    elif name in _EFFECTS:
        _EFFECTS[name](argv[1:], state)
