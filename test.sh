#!/usr/bin/env bash
# Install and run every test: core on SQLite and PostgreSQL (127.0.0.1:5432, skipped with a notice when
# unreachable, a failure under CI=true), pages with AppTest, key journeys in headless Chromium (skipped with a
# notice when chromium is missing, a failure under CI=true). The tests set their own date: to check that, run
# e.g. `faketime '2027-02-03 10:00:00' ./test.sh`.
set -euo pipefail
cd "$(dirname "$0")"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
# apt waits up to 5 minutes for a dpkg lock held by another installer instead of failing at once.
APT=(apt-get -o DPkg::Lock::Timeout=300)
if ! { command -v chromium && command -v pdftoppm && command -v faketime; } >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium (browser tests), poppler-utils and faketime (running the tests on another date)"
  ("${APT[@]}" update -qq && DEBIAN_FRONTEND=noninteractive "${APT[@]}" install -y -qq chromium fonts-noto-cjk poppler-utils faketime >/dev/null) \
    || echo "NOTICE: could not install chromium; browser tests will skip (and fail under CI=true)"
fi
exec .venv/bin/python -m pytest "$@"
