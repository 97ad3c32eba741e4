#!/usr/bin/env bash
# Sets everything up (test tools and Chromium included), checks the style (ruff, one config in
# pyproject.toml), then runs the whole test suite. Exit status: pytest's, or 1 when the style is off.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
venv="${PAPER_GALLERY_VENV:-.venv}"
style=0
"$venv/bin/ruff" format --check --quiet . || style=1
"$venv/bin/ruff" check --quiet . || style=1
if [ $style = 1 ]; then
  echo "test: the style is off (fix: $venv/bin/ruff format . && $venv/bin/ruff check --fix .)" >&2
fi
tests=0
"$venv/bin/python" -m pytest "$@" || tests=$?
[ $tests = 0 ] && exit $style
exit $tests
