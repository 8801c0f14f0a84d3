#!/usr/bin/env bash
# Captures the real docker-compose 1.29.2 (Debian's `docker-compose` package) against the private
# real dockerd (bash /work/main/scripts/real-dockerd.sh start; alpine:3.15 imported, nothing pulled).
# Everything it creates is named compose-*; it removes all of it at the end.
#   bash tests/reference/compose/capture.sh
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
export REFDIR=$HERE
source "$HERE/../docker/lib.sh"   # cap / captty, DOCKER_HOST
P=/tmp/compose-check
rm -rf "$P" /tmp/compose-yaml /tmp/compose-empty; mkdir -p "$P" /tmp/compose-yaml /tmp/compose-empty
cp "$HERE/files/article.yml" "$P/docker-compose.yml"
cp "$HERE/files/two.yml" "$P/two.yml"
cd "$P"
# Start clean: nothing of an earlier run.
docker ps -aq --filter label=com.docker.compose.project | xargs -r docker rm -f >/dev/null
docker network ls -q --filter label=com.docker.compose.project | xargs -r docker network rm >/dev/null
# The article's file (one service), no TTY.
cap v1-up 'cd /tmp/compose-check && docker-compose up -d'
cap v1-up-again 'cd /tmp/compose-check && docker-compose up -d'
cap v1-ps 'cd /tmp/compose-check && docker-compose ps'
cap v1-ps-q-services 'cd /tmp/compose-check && docker-compose ps --services'
cap v1-logs 'cd /tmp/compose-check && docker-compose logs'
cap v1-logs-no-prefix 'cd /tmp/compose-check && docker-compose logs --no-log-prefix'
captty v1-logs-tty 'cd /tmp/compose-check && docker-compose logs'
cap v1-down 'cd /tmp/compose-check && docker-compose down'
cap v1-ps-after-down 'cd /tmp/compose-check && docker-compose ps'
cap v1-down-again 'cd /tmp/compose-check && docker-compose down'
# The same on a TTY (the playground's terminal).
captty v1-up-tty 'cd /tmp/compose-check && docker-compose up -d'
captty v1-up-again-tty 'cd /tmp/compose-check && docker-compose up -d'
captty v1-down-tty 'cd /tmp/compose-check && docker-compose down'
# Two services, -f and -p.
cap v1-two-up 'cd /tmp/compose-check && docker-compose -f two.yml -p compose-two up -d'
cap v1-two-ps 'cd /tmp/compose-check && docker-compose -f two.yml -p compose-two ps'
cap v1-two-logs 'cd /tmp/compose-check && docker-compose -f two.yml -p compose-two logs'
cap v1-two-logs-web 'cd /tmp/compose-check && docker-compose -f two.yml -p compose-two logs web'
cap v1-two-down 'cd /tmp/compose-check && docker-compose -f two.yml -p compose-two down'
# No file; YAML and schema errors.
cap v1-no-file 'cd /tmp/compose-empty && docker-compose up -d'
cap v1-no-file-f 'cd /tmp/compose-empty && docker-compose -f nosuch.yml up -d'
for f in "$HERE"/files/err-*.yml "$HERE"/files/dup-key.yml; do
  n=$(basename "$f" .yml)
  cp "$f" /tmp/compose-yaml/docker-compose.yml
  cap "v1-$n" 'cd /tmp/compose-yaml && docker-compose up -d'
  docker-compose -f /tmp/compose-yaml/docker-compose.yml down >/dev/null 2>&1 || true
done
# Errors on a TTY: the log's ERROR:/WARNING: prefixes are coloured there.
cp "$HERE/files/err-mapping-values.yml" /tmp/compose-yaml/docker-compose.yml
captty v1-err-mapping-values-tty 'cd /tmp/compose-yaml && docker-compose up -d'
cp "$HERE/files/err-restart.yml" /tmp/compose-yaml/docker-compose.yml
captty v1-err-restart-tty 'cd /tmp/compose-yaml && docker-compose up -d'
docker-compose -f /tmp/compose-yaml/docker-compose.yml down >/dev/null 2>&1 || true
captty v1-no-file-tty 'cd /tmp/compose-empty && docker-compose up -d'
captty v1-down-again-tty 'cd /tmp/compose-check && docker-compose down'
cap v1-bad-command 'cd /tmp/compose-check && docker-compose frobnicate'
cap v1-version 'docker-compose version'
cap v1-no-args 'cd /tmp/compose-check && docker-compose'
cp "$HERE/files/article.yml" /tmp/compose-yaml/docker-compose.yml
cap v1-up-bad-option 'cd /tmp/compose-yaml && docker-compose up --bogus'
cap v1-no-daemon 'cd /tmp/compose-yaml && DOCKER_HOST=unix:///tmp/compose-nosuch.sock docker-compose ps'
# Clean up whatever is left.
docker ps -aq --filter label=com.docker.compose.project | xargs -r docker rm -f >/dev/null
docker network ls -q --filter label=com.docker.compose.project | xargs -r docker network rm >/dev/null
rm -rf "$P" /tmp/compose-yaml /tmp/compose-empty
