#!/usr/bin/env bash
# Runs the frontend's browser tests (frontend/tests/browser.rs) in headless Chromium with
# wasm-pack. Nothing is downloaded but Debian packages and crates: wasm-pack runs in
# no-install mode with the system chromedriver, and frontend/webdriver.json passes the
# flags Chromium needs here (--no-sandbox when run as root, ...).
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMEDRIVER_BIN=/usr/bin/chromedriver

if [ ! -x "$CHROMEDRIVER_BIN" ]; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
fi

if ! command -v wasm-pack >/dev/null; then
    if pgrep -f "cargo install wasm-pack" >/dev/null; then
        echo "test-browser: another 'cargo install wasm-pack' is running; wait for it and rerun" >&2
        exit 1
    fi
    cargo install wasm-pack
fi

# wasm-pack in no-install mode uses the wasm-bindgen-test-runner on PATH: it must match
# the wasm-bindgen crate in Cargo.lock.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
have=$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$want" ]; then
    echo "test-browser: installing wasm-bindgen-cli $want (found: ${have:-none})"
    cargo install wasm-bindgen-cli --version "$want"
fi

export CHROMEDRIVER="$CHROMEDRIVER_BIN"
exec wasm-pack test --headless --chrome --chromedriver "$CHROMEDRIVER_BIN" --mode no-install frontend
