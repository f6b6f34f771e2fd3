#!/usr/bin/env bash
# Runs the browser test: installs its npm package and (as root, if missing) Debian's
# Chromium, builds the interdict binary unless INTERDICT_BIN names one, and runs
# `node --test`. Exits non-zero when anything fails. Playwright never downloads a browser.
set -euo pipefail
cd "$(dirname "$0")"
root="$(cd ../.. && pwd)"

chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update && apt-get install -y chromium
    else
        echo "Chromium is missing at $chromium; install Debian's chromium package or set CHROMIUM" >&2
        exit 1
    fi
fi

# Korean text needs a Korean system font; without one, Hangul renders as boxes in the
# screenshots (the test itself would still pass).
if command -v fc-list >/dev/null && [ -z "$(fc-list :lang=ko 2>/dev/null)" ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y fonts-noto-cjk || (apt-get update && apt-get install -y fonts-noto-cjk)
    else
        echo "warning: no Korean font installed (Debian package fonts-noto-cjk)" >&2
    fi
fi

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
npm ci --no-audit --no-fund

if [ -z "${INTERDICT_BIN:-}" ]; then
    (cd "$root" && cargo build -p interdict)
    export INTERDICT_BIN="${CARGO_TARGET_DIR:-$root/target}/debug/interdict"
fi

exec node --test --test-reporter=spec web.test.mjs
