#!/usr/bin/env bash
# Builds the page into dist/: the frontend crate for wasm32 (profile wasm-release), its JS
# glue from wasm-bindgen, and the static files of assets/web/.
# Installs what is missing first: the wasm32 target and the wasm-bindgen CLI matching the
# wasm-bindgen version in Cargo.lock.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=wasm32-unknown-unknown
PROFILE=wasm-release
OUT=dist

if ! rustup target list --installed | grep -qx "$TARGET"; then
    rustup target add "$TARGET"
fi

# The version of the wasm-bindgen crate in Cargo.lock: the CLI must be the same.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
if [ -z "$want" ]; then
    echo "build-web: wasm-bindgen not found in Cargo.lock" >&2
    exit 1
fi
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$want" ]; then
    echo "build-web: installing wasm-bindgen-cli $want (found: ${have:-none})"
    cargo install wasm-bindgen-cli --version "$want" --locked
fi

cargo build -p frontend --target "$TARGET" --profile "$PROFILE"

rm -rf "$OUT"
mkdir -p "$OUT/pkg"
wasm-bindgen --target web --no-typescript --out-dir "$OUT/pkg" "target/$TARGET/$PROFILE/frontend.wasm"
cp -r assets/web/. "$OUT/"

ls -l "$OUT/pkg"
echo "build-web: page in $OUT/ (serve with: native-runner serve --dir $OUT --addr 127.0.0.1:8080)"
