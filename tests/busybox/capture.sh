#!/bin/bash
# Captures the expected transcripts of tests/busybox/*.script from the REAL busybox of the
# alpine 3.15 fixture: an interactive `sh` (PID 1 of new PID/UTS/net namespaces, hostname
# bbtest, environment as `docker exec -it` gives it) in a chroot of a fresh copy of the
# minirootfs, on an 80x24 terminal made by script(1). Each line is typed after the prompt
# appears; lineedit's cursor query (ESC[6n), carriage returns and the final prompt (with
# the newline ash prints at end of input) are removed. Needs root, util-linux (unshare, script) and the fixture.
#
#   sudo bash tests/busybox/capture.sh [NAME...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fixture=${FIXTURE:-$here/../../../shared/fixtures/alpine-3.15/alpine-minirootfs-3.15.11-x86_64.tar.gz}
[ -f "$fixture" ] || fixture=/work/shared/fixtures/alpine-3.15/alpine-minirootfs-3.15.11-x86_64.tar.gz
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for s in "$here"/*.script; do names+=("$(basename "$s" .script)"); done
fi
for name in "${names[@]}"; do
  root=$(mktemp -d /tmp/bb-capture.XXXXXX)
  tar xzf "$fixture" -C "$root"
  inner="hostname bbtest && exec unshare --pid --fork --mount-proc=$root/proc --net /usr/sbin/chroot $root /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOSTNAME=bbtest TERM=xterm HOME=/root sh"
  ( sleep 0.6; while IFS= read -r l; do printf '%s\n' "$l"; sleep 0.4; done; sleep 0.4 ) < "$here/$name.script" \
    | env -i TERM=dumb PATH=/usr/sbin:/usr/bin:/sbin:/bin timeout 120 script -qc "stty cols 80 rows 24; unshare --uts sh -c '$inner'" /dev/null \
    | sed -e 's/\x1b\[6n//g' -e 's/\r$//' \
    | python3 -c 'import sys,re; sys.stdout.write(re.sub(r"(?:/|~)[^\n]*? # \n?$", "", sys.stdin.read()))' \
    > "$here/$name.expected"
  rm -rf "$root"
  echo "captured $name"
done
