#!/bin/sh
# Install everything the tests need (Debian packages, a virtualenv with the
# package and its test dependencies) and run the whole suite.
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
.venv/bin/python -m pytest "$@"
# The benchmarks in their short mode: they print the tables, they do not fail on timings.
.venv/bin/python bench/bench.py --short
.venv/bin/python bench/lsp.py --short
.venv/bin/python bench/remote.py --images 40 --runs 1
