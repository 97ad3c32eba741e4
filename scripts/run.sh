#!/usr/bin/env bash
# Sets everything up, then starts the gallery on http://127.0.0.1:7860 with the embedded weights.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec "${PAPER_GALLERY_VENV:-.venv}/bin/python" app.py "$@"
