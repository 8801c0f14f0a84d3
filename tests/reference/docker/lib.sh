# Helper used to capture the reference files in this directory (source it in bash).
#   cap NAME 'COMMAND'      -> NAME.txt: "# command: COMMAND", stdout verbatim, then (if any)
#                              "# stderr:" and stderr verbatim, then "# exit: N".
#   captty NAME 'COMMAND'   -> same, but run under `script -qec` so stdout/stderr are a TTY
#                              (output is the raw terminal byte stream, \r\n line ends; one stream).
# A missing trailing newline in a stream is marked by a line "# (no newline at end)".
export DOCKER_HOST=unix:///tmp/playground-real-docker/docker.sock
REFDIR=${REFDIR:-/work/wt-refs/tests/reference/docker}
_emit() { # file
  if [ -s "$1" ]; then cat "$1"; [ "$(tail -c1 "$1" | od -An -c | tr -d ' ')" = '\n' ] || printf '\n# (no newline at end)\n'; fi
}
cap() {
  local name=$1; shift; local cmd="$*" o e rc
  o=$(mktemp); e=$(mktemp)
  bash -c "$cmd" >"$o" 2>"$e" </dev/null; rc=$?
  { echo "# command: $cmd"; _emit "$o"; if [ -s "$e" ]; then echo "# stderr:"; _emit "$e"; fi; echo "# exit: $rc"; } >"$REFDIR/$name.txt"
  cat "$REFDIR/$name.txt"; rm -f "$o" "$e"
}
captty() { # NAME COMMAND [INPUT]: INPUT (printf format) is typed 1 s after start; stdin stays open 3 s more
  local name=$1; shift; local cmd="$1" input="${2:-}" o rc
  o=$(mktemp)
  { sleep 1; [ -n "$input" ] && printf "$input"; sleep 3; } | script -qec "$cmd" /dev/null >"$o"; rc=${PIPESTATUS[1]}
  { echo "# command (under a TTY: script -qec): $cmd"; [ -n "$input" ] && echo "# typed (printf format): $input"
    _emit "$o"; echo "# exit: $rc"; } >"$REFDIR/$name.txt"
  cat -A "$REFDIR/$name.txt" | head -60; rm -f "$o"
}
