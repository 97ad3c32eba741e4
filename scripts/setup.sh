#!/usr/bin/env bash
# Sets up everything on a fresh machine (idempotent, fast when already done):
#   scripts/setup.sh          runtime only (the app)
#   scripts/setup.sh --dev    runtime + tests (pytest, gradio_client, Playwright, Debian's chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
dev=0; [ "${1:-}" = "--dev" ] && dev=1
req=requirements.txt; [ $dev = 1 ] && req=requirements-dev.txt
venv=${PAPER_GALLERY_VENV:-.venv}

# 1. Python packages in a virtual environment; reinstalled only when the requirements change.
stamp="$venv/.installed-$(cat requirements.txt "$req" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
  # One pip call, so the resolver picks one consistent set (see ../shared/STACK-NOTES.md).
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$req" 2>&1 | grep -v '^WARNING: Location' || true
  "$venv/bin/python" -c "import torch, torchvision, gradio, huggingface_hub, safetensors, matplotlib" \
    || { echo "setup: the Python packages did not install" >&2; exit 1; }
  touch "$stamp"
fi

# 2. For the browser tests: Debian's Chromium (never `playwright install`), a CJK font,
#    so that screenshots of the Chinese UI show characters rather than boxes, and HAProxy for
#    the test of several replicas behind one address (deploy/haproxy.cfg).
if [ $dev = 1 ] && { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/sbin/haproxy ] || ! fc-list 2>/dev/null | grep -qi 'wenquanyi\|noto sans cjk'; }; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium fonts-wqy-zenhei haproxy >/dev/null
fi
echo "setup: ready ($venv)"
