#!/usr/bin/env bash
# Benchmark of the built page in Debian's headless Chromium (tests/page/bench.mjs): gzip
# bytes of a first visit, time to interactive, time until a command has printed.
# Builds dist/ first unless SKIP_BUILD=1; RUNS=N sets the number of runs (median).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    bash scripts/build-web.sh >/dev/null
fi
if [ ! -d tests/page/node_modules/playwright-core ]; then
    (cd tests/page && npm install --no-audit --no-fund >/dev/null)
fi
exec node tests/page/bench.mjs
