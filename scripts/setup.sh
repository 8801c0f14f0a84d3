#!/usr/bin/env bash
# Installs what building and testing the playground needs, only where it is missing.
# Everything comes from Debian's packages or crates.io; nothing else is downloaded.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# The real tools the cross-checks compare against, and the browser for page tests.
if [ "${1:-}" = "--test" ]; then
  apt_install procps net-tools iproute2 util-linux bsdutils coreutils iptables curl chromium chromium-driver \
    qemu-user-static binfmt-support \
    python3-docker \
    docker.io
fi

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "setup: adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must be exactly the version Cargo.lock pins.
want=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ -n "$want" ] && [ "$want" != "$have" ]; then
  echo "setup: installing wasm-bindgen-cli $want (found '${have:-none}')"
  cargo install wasm-bindgen-cli --version "$want"
fi

if [ "${1:-}" = "--test" ] && ! command -v wasm-pack >/dev/null 2>&1; then
  echo "setup: installing wasm-pack"
  cargo install wasm-pack
fi
