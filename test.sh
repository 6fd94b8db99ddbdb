#!/usr/bin/env bash
# Install and run every test: core on SQLite and PostgreSQL (127.0.0.1:5432, skipped with a notice when
# unreachable, a failure under CI=true), pages with AppTest, key journeys in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
if ! { command -v chromium && command -v pdftoppm; } >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the browser tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk poppler-utils >/dev/null) \
    || echo "NOTICE: could not install chromium; browser tests will skip"
fi
exec .venv/bin/python -m pytest "$@"
