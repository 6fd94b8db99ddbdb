#!/usr/bin/env sh
# Install and start the app on the embedded default (SQLite + the demo province) at http://localhost:8501
set -e
cd "$(dirname "$0")"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
exec .venv/bin/python -m ui.launch --server.port "${PORT:-8501}" "$@"
