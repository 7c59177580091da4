#!/bin/sh
# Install everything the tests need (Debian packages, a virtualenv with the
# package and its test dependencies), run the whole suite, the version matrix
# and the short benchmarks.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-system-deps.sh
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
.venv/bin/python -m compileall -q yamlcheck
if [ -d ../shared/corpus ]; then
  echo "== agreement with valohai-yaml 0.61 (image rules left out) =="
  .venv/bin/python scripts/compare_with_valohai_yaml.py ../shared/corpus/peer-examples \
    ../shared/corpus/real-world
fi
# The whole suite, the release artefacts included (tests/test_release.py builds
# the sdist and the wheel with `python -m build` and installs each into a fresh
# virtualenv).
.venv/bin/python -m pytest "$@"
# The fast part of the suite on each other Python from 3.10 to 3.13 found here,
# and the same report on every one.
.venv/bin/python scripts/version_matrix.py
# The benchmarks in their short mode: they print the tables, they do not fail on timings.
.venv/bin/python bench/bench.py --short
.venv/bin/python bench/lsp.py --short
.venv/bin/python bench/remote.py --images 40 --runs 1
