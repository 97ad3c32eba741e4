#!/usr/bin/env bash
# Sets everything up (test tools and Chromium included), then runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
exec "${PAPER_GALLERY_VENV:-.venv}/bin/python" -m pytest "$@"
