#!/usr/bin/env bash
# The real docker CLI's answers to command lines that need no daemon (argument errors, help,
# and what it prints when nothing listens on the socket): cases.txt -> real.txt.
# Each case runs as `docker ARGS` with DOCKER_HOST=unix:///tmp/nonexistent.sock, HOME=/root,
# stdin from /dev/null, in this directory.
cd "$(dirname "$0")" || exit 1
: >real.txt
while IFS= read -r line; do
  { echo "=== $line"
    eval "HOME=/root DOCKER_HOST=unix:///tmp/nonexistent.sock docker $line" </dev/null 2>/tmp/client-args.err >/tmp/client-args.out
    code=$?
    cat /tmp/client-args.out; echo "--- err"; cat /tmp/client-args.err; echo "--- exit $code"
  } >>real.txt
done <cases.txt
rm -f /tmp/client-args.err /tmp/client-args.out
