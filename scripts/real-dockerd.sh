#!/usr/bin/env bash
# Starts or stops a private real dockerd (Debian's docker.io) for the cross-checks: its own socket,
# data root, exec root and pidfile under $REAL_DOCKER_DIR, its own bridge name so it never touches a
# docker0 of the machine. It never pulls: images are imported from local files.
#   scripts/real-dockerd.sh start   -> prints the socket path (idempotent)
#   scripts/real-dockerd.sh stop
#   scripts/real-dockerd.sh import-alpine  -> imports the alpine fixture as alpine:3.15
set -euo pipefail
DIR=${REAL_DOCKER_DIR:-/tmp/playground-real-docker}
SOCK=$DIR/docker.sock
FIXTURES=${FIXTURES:-$(cd "$(dirname "$0")/../.." && pwd)/shared/fixtures}
docker_() { docker -H "unix://$SOCK" "$@"; }

case "${1:-}" in
  start)
    if [ -S "$SOCK" ] && docker_ version >/dev/null 2>&1; then echo "$SOCK"; exit 0; fi
    command -v dockerd >/dev/null || { echo "real-dockerd: dockerd not installed (apt-get install docker.io)" >&2; exit 2; }
    mkdir -p "$DIR/data" "$DIR/exec"
    # containerd is started by dockerd itself (its own managed instance under the exec root).
    nohup dockerd --host "unix://$SOCK" --data-root "$DIR/data" --exec-root "$DIR/exec" \
      --pidfile "$DIR/dockerd.pid" --storage-driver overlay2 \
      >"$DIR/dockerd.log" 2>&1 &
    for _ in $(seq 1 100); do
      if docker_ version >/dev/null 2>&1; then echo "$SOCK"; exit 0; fi
      sleep 0.2
    done
    echo "real-dockerd: dockerd did not come up; see $DIR/dockerd.log" >&2
    tail -20 "$DIR/dockerd.log" >&2
    exit 1
    ;;
  stop)
    if [ -f "$DIR/dockerd.pid" ]; then
      kill "$(cat "$DIR/dockerd.pid")" 2>/dev/null || true
      for _ in $(seq 1 50); do [ -f "$DIR/dockerd.pid" ] || break; sleep 0.2; done
    fi
    ;;
  import-alpine)
    tb=$FIXTURES/alpine-3.15/alpine-minirootfs-3.15.11-x86_64.tar.gz
    [ -f "$tb" ] || { echo "real-dockerd: fixture missing: $tb" >&2; exit 2; }
    docker_ image inspect alpine:3.15 >/dev/null 2>&1 ||
      docker_ import -c 'CMD ["/bin/sh"]' "$tb" alpine:3.15 >/dev/null
    echo alpine:3.15
    ;;
  *) echo "usage: $0 start|stop|import-alpine" >&2; exit 2 ;;
esac
