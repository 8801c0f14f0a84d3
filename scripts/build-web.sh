#!/usr/bin/env bash
# Builds the page into dist/: the frontend crate for wasm32 (profile wasm-release), its JS
# glue from wasm-bindgen, wasm-opt -Oz over the result, and the static files of
# assets/web/. dist/ is then a folder of static files any web host serves as it is.
# Installs what is missing first: the wasm32 target, the wasm-bindgen CLI matching the
# wasm-bindgen version in Cargo.lock, and (with npm) binaryen's wasm-opt from npm, whose
# version reads current rustc output (Debian's is too old). Without npm the page is built
# without wasm-opt: larger, and the same otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=wasm32-unknown-unknown
PROFILE=wasm-release
OUT=${OUT:-dist}
TARGET_DIR=${CARGO_TARGET_DIR:-target}

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
    cargo install wasm-bindgen-cli --version "$want"
fi

# wasm-opt from npm's binaryen (tests/page/package.json pins it).
WASM_OPT=tests/page/node_modules/.bin/wasm-opt
if [ ! -x "$WASM_OPT" ] && command -v npm >/dev/null; then
    echo "build-web: installing binaryen (wasm-opt) from npm into tests/page/node_modules"
    (cd tests/page && npm install --no-audit --no-fund >/dev/null) || echo "build-web: npm install failed; building without wasm-opt" >&2
fi

cargo build -p frontend --target "$TARGET" --profile "$PROFILE"

rm -rf "$OUT"
mkdir -p "$OUT/pkg"
wasm-bindgen --target web --no-typescript --out-dir "$OUT/pkg" "$TARGET_DIR/$TARGET/$PROFILE/frontend.wasm"
if [ -x "$WASM_OPT" ]; then
    "$WASM_OPT" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
        --enable-mutable-globals --enable-reference-types --enable-multivalue \
        "$OUT/pkg/frontend_bg.wasm" -o "$OUT/pkg/frontend_bg.wasm.opt"
    mv "$OUT/pkg/frontend_bg.wasm.opt" "$OUT/pkg/frontend_bg.wasm"
else
    echo "build-web: wasm-opt not available (no npm): the .wasm is not size-optimized" >&2
fi
cp -r assets/web/. "$OUT/"
# The service worker caches the page for offline use; its cache name follows the build.
stamp=$(cat "$OUT/pkg/frontend_bg.wasm" "$OUT/pkg/frontend.js" | sha256sum | cut -c1-12)
sed -i "s/__BUILD__/$stamp/" "$OUT/sw.js"

ls -l "$OUT/pkg"
gz=$(cat "$OUT/index.html" "$OUT/style.css" "$OUT/pkg/frontend.js" "$OUT/pkg/frontend_bg.wasm" | gzip -9 | wc -c)
echo "build-web: page in $OUT/ ($gz bytes gzip for index.html, style.css, frontend.js, frontend_bg.wasm)"
echo "build-web: serve with: native-runner serve --dir $OUT --addr 127.0.0.1:8080"
