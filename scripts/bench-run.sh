#!/usr/bin/env bash
# Start-to-exit time of a container running `true`, side by side in one run (medians):
#   native-runner run --rm alpine true        (and with --net: bridge + veth)
#   real docker run --rm --pull=never alpine:3.15 true   (the private dockerd of real-dockerd.sh)
#   the floor: unshare --pid --fork --mount --uts --ipc --net chroot ROOTFS /bin/true
# Usage: scripts/bench-run.sh [RUNS]   (default 20; as root)
# Env: NR_BIN (default: build --release), FIXTURES, SKIP_DOCKER=1.
set -euo pipefail
RUNS=${1:-20}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
FIXTURES=${FIXTURES:-$(cd "$REPO/.." && pwd)/shared/fixtures}
TAR=$FIXTURES/alpine-3.15/alpine-minirootfs-3.15.11-x86_64.tar.gz
[ "$(id -u)" = 0 ] || { echo "bench-run: needs root" >&2; exit 2; }
[ -f "$TAR" ] || { echo "bench-run: fixture missing: $TAR" >&2; exit 2; }
if [ -z "${NR_BIN:-}" ]; then
  (cd "$REPO" && cargo build --release -q -p native-runner)
  NR_BIN=${CARGO_TARGET_DIR:-$REPO/target}/release/native-runner
fi
ROOT=$(mktemp -d /tmp/nr-bench.XXXXXX)
cleanup() { "$NR_BIN" cleanup --root "$ROOT" >/dev/null 2>&1 || true; rm -rf "$ROOT"; }
trap cleanup EXIT
ROOTFS=$("$NR_BIN" unpack --root "$ROOT" "$TAR" | awk '{print $2}')

# median_ms RUNS CMD...: runs CMD RUNS times (after 2 warm-ups), prints the median in ms.
median_ms() {
  local n=$1; shift
  local ts=()
  for _ in 1 2; do "$@" >/dev/null 2>&1 || true; done
  for _ in $(seq 1 "$n"); do
    local s e
    s=$(date +%s%N)
    "$@" >/dev/null 2>&1 || { echo "bench-run: failed: $*" >&2; return 1; }
    e=$(date +%s%N)
    ts+=($(( (e - s) / 1000 )))
  done
  printf '%s\n' "${ts[@]}" | sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.1f\n", m / 1000}'
}

native=$(median_ms "$RUNS" "$NR_BIN" run --root "$ROOT" --rm --rootfs-tar "$TAR" -- true)
native_net=$(median_ms "$RUNS" "$NR_BIN" run --root "$ROOT" --rm --net --bridge nrb0 --subnet 10.203.0.0/16 --rootfs-tar "$TAR" -- true)
floor=$(median_ms "$RUNS" unshare --pid --fork --mount --uts --ipc --net chroot "$ROOTFS" /bin/true)
docker_ms=n/a
if [ -z "${SKIP_DOCKER:-}" ] && SOCK=$(bash "$REPO/scripts/real-dockerd.sh" start 2>/dev/null); then
  bash "$REPO/scripts/real-dockerd.sh" import-alpine >/dev/null
  i=0
  drun() { i=$((i + 1)); docker -H "unix://$SOCK" run --rm --pull=never --name "rt-bench-$$-$i" alpine:3.15 true; }
  docker_ms=$(median_ms "$RUNS" drun)
fi

echo "container start-to-exit of \`true\`, median of $RUNS runs (ms), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg):"
printf '  %-58s %8s\n' "native-runner run --rm (no network)" "$native"
printf '  %-58s %8s\n' "native-runner run --rm --net (bridge, veth, address)" "$native_net"
printf '  %-58s %8s\n' "docker run --rm --pull=never alpine:3.15 true" "$docker_ms"
printf '  %-58s %8s\n' "floor: unshare --pid --fork --mount --uts --ipc --net chroot" "$floor"
awk -v n="$native" -v nn="$native_net" -v d="$docker_ms" -v f="$floor" 'BEGIN {
  if (d != "n/a") printf "  docker / native-runner: %.1fx (with --net: %.1fx)\n", d / n, d / nn;
  printf "  native-runner / floor:  %.1fx\n", n / f }'
