#!/usr/bin/env bash
# Builds the playground and serves it at http://127.0.0.1:8080 (ADDR overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-web.sh
cargo build --release -p native-runner
exec ./target/release/native-runner serve --dir dist --addr "${ADDR:-127.0.0.1:8080}"
