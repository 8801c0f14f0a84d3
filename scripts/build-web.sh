#!/usr/bin/env bash
# Builds the page into dist/: the frontend crate for wasm32 (profile wasm-release), twice:
# the lighter build a first visit loads (feature `lite`: no Docker code, see
# sim-core/src/lite.rs) into dist/pkg/, and the full build it hands over to when a command
# needs Docker into dist/pkg/full/; their JS glue from wasm-bindgen, wasm-opt over each,
# and the static files of assets/web/. dist/ is then a folder of static files any web
# host serves as it is.
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

rm -rf "$OUT"
mkdir -p "$OUT/pkg/full"
# build FEATURES DIR: one build of the frontend into $OUT/DIR.
build() {
    cargo build -p frontend --target "$TARGET" --profile "$PROFILE" $1
    wasm-bindgen --target web --no-typescript --out-dir "$OUT/$2" "$TARGET_DIR/$TARGET/$PROFILE/frontend.wasm"
    if [ -x "$WASM_OPT" ]; then
        # -O1 and the passes that shrink code without inlining: -Oz's inlining makes the
        # .wasm smaller but its gzip larger (by 60 KB for the full build).
        "$WASM_OPT" -O1 --dae-optimizing --duplicate-function-elimination --code-folding --reorder-functions \
            --strip-debug --strip-producers \
            --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
            --enable-mutable-globals --enable-reference-types --enable-multivalue \
            "$OUT/$2/frontend_bg.wasm" -o "$OUT/$2/frontend_bg.wasm.opt"
        mv "$OUT/$2/frontend_bg.wasm.opt" "$OUT/$2/frontend_bg.wasm"
    else
        echo "build-web: wasm-opt not available (no npm): the .wasm is not size-optimized" >&2
    fi
}
build "--features lite" pkg
build "" pkg/full
cp -r assets/web/. "$OUT/"
# The service worker caches the page for offline use; its cache name follows the build.
stamp=$(cat "$OUT"/pkg/frontend_bg.wasm "$OUT"/pkg/frontend.js "$OUT"/pkg/full/frontend_bg.wasm "$OUT"/pkg/full/frontend.js | sha256sum | cut -c1-12)
sed -i "s/__BUILD__/$stamp/" "$OUT/sw.js"

ls -l "$OUT/pkg" "$OUT/pkg/full"
gz=0
for f in index.html style.css pkg/frontend.js pkg/frontend_bg.wasm; do
    gz=$((gz + $(gzip -9 < "$OUT/$f" | wc -c)))
done
full=0
for f in pkg/full/frontend.js pkg/full/frontend_bg.wasm; do
    full=$((full + $(gzip -9 < "$OUT/$f" | wc -c)))
done
echo "build-web: page in $OUT/: first load $gz bytes gzip (index.html, style.css, the lighter build); the full build $full bytes gzip more when Docker is first needed"
echo "build-web: serve with: native-runner serve --dir $OUT --addr 127.0.0.1:8080"
