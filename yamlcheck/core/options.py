"""The options of a lint run, as plain values (the command line fills them in)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class LintOptions:
    paths: list[str] = field(default_factory=list)
    config: str | None = None
    stdin_filename: str | None = None
    remote: bool = False
    no_repo: bool = False  # skip the repository checks (VH5xx)
    platform: str | None = None
    output_format: str | None = None
    output: str | None = None
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    fail_on: str = "error"
    fix: bool = False
    pin_digests: bool = False
    jobs: int = 16  # each check is a few requests in sequence: latency, not CPU, bounds it
    timeout: float = 60.0
    no_cache: bool = False
    color: str = "auto"
    verbose: int = 0
