#!/usr/bin/env bash
# Page tests of the built site in Debian's headless Chromium (tests/page/page.test.mjs,
# playwright-core from npm, executablePath /usr/bin/chromium: no browser download).
# Builds dist/ first unless SKIP_BUILD=1. Screenshots of the panels go to
# $PAGE_SCREENSHOTS (default target/page-screenshots).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    bash scripts/build-web.sh >/dev/null
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "test-page: SKIPPED: node and npm are needed (apt-get install nodejs npm)" >&2
    exit 0
fi
# Japanese text in the screenshots needs a CJK font (Debian's, 12 MB); the tests pass without.
if command -v fc-list >/dev/null && [ -z "$(fc-list :lang=ja 2>/dev/null)" ]; then
    if [ "$(id -u)" = 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-ipafont-gothic >/dev/null 2>&1 \
            || echo "test-page: could not install fonts-ipafont-gothic; Japanese screenshots show boxes" >&2
    else
        echo "test-page: no Japanese font (apt-get install fonts-ipafont-gothic); Japanese screenshots show boxes" >&2
    fi
fi
if [ ! -d tests/page/node_modules/playwright-core ]; then
    (cd tests/page && npm install --no-audit --no-fund >/dev/null)
fi
exec node --test --test-concurrency=1 tests/page/page.test.mjs
