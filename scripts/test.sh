#!/usr/bin/env bash
# Runs every test: native tests (unit, transcripts, property tests, cross-checks against
# the real tools), the wasm32 build of sim-core and the frontend, and the browser tests
# in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh --test

echo "== wasm32 build: sim-core and frontend"
cargo build -q -p sim-core -p frontend --target wasm32-unknown-unknown

echo "== sim-core's lighter page build (feature lite): Docker asks for the full build"
cargo test -q -p sim-core --features lite --lib lite::

echo "== browser tests (headless Chromium)"
bash scripts/test-browser.sh

echo "== page tests of the built site (headless Chromium, playwright-core)"
bash scripts/test-page.sh

# The cross-checks against real Docker start their own dockerd on a private socket.
if [ "$(id -u)" = 0 ] && command -v dockerd >/dev/null; then
    bash scripts/real-dockerd.sh start >/dev/null && bash scripts/real-dockerd.sh import-alpine >/dev/null \
        || echo "test: real dockerd did not start; Docker cross-checks will be skipped" >&2
fi

echo "== native tests"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
cargo test --workspace --exclude frontend --lib --bins --tests 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
passed=$(grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
failed=$(grep -Eo '[0-9]+ failed' "$log" | awk '{s+=$1} END {print s+0}')
echo "tests: $passed passed, $failed failed"
exit "$status"
