#!/usr/bin/env bash
# Captures the CLI<->dockerd byte transcripts sim-core's docker CLI is tested against
# (proxy-client/NAME.{txt,raw.jsonl}): one real `docker` invocation each, through
# capture_proxy.py, against the private real dockerd (scripts/real-dockerd.sh). Everything
# it creates is named cli-* and removed at the end; the loopback registry runs on :5998.
#
#   bash tests/reference/docker/client-captures.sh
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE/proxy-client
SOCK=/tmp/playground-real-docker/docker.sock
FIX=${FIXTURES:-$HERE/../../../../shared/fixtures}/alpine-3.15/alpine-minirootfs-3.15.11-x86_64.tar.gz
export DOCKER_HOST=unix://$SOCK
mkdir -p "$OUT"
W=$(mktemp -d /tmp/cli-cap.XXXXXX)

cap() { # NAME COMMAND [stdin file]
  local name=$1 cmd=$2 in=${3:-/dev/null}
  python3 "$HERE/capture_proxy.py" capture --upstream "$SOCK" --out "$OUT" "$name" -- "$cmd" <"$in" >/dev/null 2>&1
  echo "captured $name: $(sed -n 3p "$OUT/$name.txt")"
}
q() { docker "$@" >/dev/null 2>&1; }

cleanup() {
  for c in cli-a cli-b cli-c cli-c2 cli-k cli-e cli-p cli-n cli-cr cli-st; do q rm -f $c; done
  for i in cli-tag:1 cli-tag:2 cli-tiny:1 cli-imp:1 cli-imp:2 localhost:5998/cli-pullsrc:1 cli-pullsrc:1; do q rmi -f $i; done
  q network rm cli-net
}
cleanup

# A tiny image (one file) for save/load/import, and a pull source for the loopback registry.
mkdir -p "$W/tiny" && echo tiny >"$W/tiny/hello.txt" && tar -C "$W/tiny" -cf "$W/tiny.tar" hello.txt
docker import "$W/tiny.tar" cli-tiny:1 >/dev/null
mkdir -p "$W/rootfs" && tar -C "$W/rootfs" -xzf "$FIX" && echo pulled >"$W/rootfs/pulled.txt"
tar -C "$W/rootfs" -cf "$W/pullsrc-rootfs.tar" . && docker import -c 'CMD ["/bin/sh"]' "$W/pullsrc-rootfs.tar" cli-pullsrc:1 >/dev/null
docker save -o "$W/pullsrc.tar" cli-pullsrc:1 && docker rmi cli-pullsrc:1 >/dev/null
python3 "$HERE/mini_registry.py" 5998 cli-pullsrc:1="$W/pullsrc.tar" 2>/dev/null &
REG=$!
sleep 1

docker run -d --name cli-a -p 8090:80 --pull=never alpine:3.15 sleep 1000 >/dev/null
docker run -d --name cli-b --pull=never alpine:3.15 sh -c 'echo out1; echo err1 >&2; echo out2; sleep 1000' >/dev/null
docker create --name cli-c --pull=never alpine:3.15 echo created >/dev/null
docker run -d --name cli-k --pull=never alpine:3.15 sleep 1000 >/dev/null
sleep 2

# Listing containers.
cap cli-ps "docker ps"
cap cli-ps-a-filter "docker ps -a --filter name=cli-"
cap cli-ps-q "docker ps -q --filter name=cli-"
cap cli-ps-notrunc "docker ps --no-trunc --filter name=cli-b"
cap cli-ps-format "docker ps --format '{{.Names}}\t{{.Status}}' --filter name=cli-"
cap cli-ps-format-table "docker ps -a --format 'table {{.ID}}\t{{.Names}}\t{{.Ports}}' --filter name=cli-a"
cap cli-ps-json "docker ps --format json --filter name=cli-a"
cap cli-ps-s "docker ps -s --filter name=cli-a"
cap cli-ps-last "docker ps -n 2"
cap cli-container-ls "docker container ls --filter name=cli-a"
cap cli-ps-bad-format "docker ps --format '{{.Nope}}'"
cap cli-ps-unclosed "docker ps --format '{{.ID'"
cap cli-ps-extra-arg "docker ps x"
cap cli-ps-unknown-flag "docker ps --nosuch"

# Images.
cap cli-images "docker images"
cap cli-images-q "docker images -q alpine"
cap cli-images-alpine "docker images alpine"
cap cli-images-notrunc "docker images --no-trunc alpine"
cap cli-images-format "docker images --format '{{.Repository}}:{{.Tag}} {{.Size}}' alpine"
cap cli-image-ls-digests "docker image ls --digests alpine"
cap cli-image-inspect "docker image inspect alpine:3.15"
cap cli-image-inspect-f "docker image inspect -f '{{.Id}} {{json .Config}} {{.Os}}' alpine:3.15"
cap cli-image-inspect-nosuch "docker image inspect nosuch"
cap cli-history "docker history alpine:3.15"
cap cli-history-q "docker history -q --no-trunc alpine:3.15"
cap cli-history-H "docker history -H=false cli-tiny:1"
cap cli-tag "docker tag alpine:3.15 cli-tag:1"
cap cli-tag-nosuch "docker tag nosuch cli-tag:2"
cap cli-tag-bad "docker tag alpine:3.15 Bad:1"
cap cli-rmi "docker rmi cli-tag:1"
cap cli-rmi-nosuch "docker rmi nosuch"
cap cli-rmi-in-use "docker rmi alpine:3.15"
cap cli-save "docker save -o $W/tiny-save.tar cli-tiny:1"
docker rmi cli-tiny:1 >/dev/null
cap cli-load "docker load -i $W/tiny-save.tar"
cap cli-load-stdin "docker load" "$W/tiny-save.tar"
cap cli-import "docker import $W/tiny.tar cli-imp:1"
cap cli-import-stdin "docker import - cli-imp:2" "$W/tiny.tar"
cap cli-pull "docker pull localhost:5998/cli-pullsrc:1"
cap cli-pull-again "docker pull localhost:5998/cli-pullsrc:1"
cap cli-pull-q "docker pull -q localhost:5998/cli-pullsrc:1"
cap cli-pull-default-tag "docker pull localhost:5998/cli-pullsrc"
cap cli-pull-bad-ref "docker pull NoSuch"
docker rmi localhost:5998/cli-pullsrc:1 >/dev/null
cap cli-run-pull "docker run --rm localhost:5998/cli-pullsrc:1 cat /pulled.txt"
cap cli-create-missing "docker create nosuch/x:1"

# Inspecting containers.
cap cli-inspect "docker inspect cli-a"
cap cli-inspect-f "docker inspect -f '{{.State.Status}} {{.NetworkSettings.IPAddress}} {{json .Config.Cmd}}' cli-a"
cap cli-inspect-bad-field "docker inspect -f '{{.Nope}}' cli-a"
cap cli-inspect-bad-template "docker inspect -f '{{.Nope' cli-a"
cap cli-inspect-two "docker inspect -f '{{.Name}}' cli-a cli-b"
cap cli-inspect-image "docker inspect -f '{{.Id}}' alpine:3.15"
cap cli-container-inspect-nosuch "docker container inspect nosuch"
cap cli-inspect-size "docker container inspect -s -f '{{.SizeRw}} {{.SizeRootFs}}' cli-a"

# Logs, top, port.
cap cli-logs "docker logs cli-b"
cap cli-logs-t-tail "docker logs -t --tail 1 cli-b"
cap cli-logs-nosuch "docker logs nosuch"
cap cli-top "docker top cli-a"
cap cli-top-args "docker top cli-a -o pid,comm"
cap cli-port "docker port cli-a"
cap cli-port-80 "docker port cli-a 80/tcp"
cap cli-port-81 "docker port cli-a 81"

# Lifecycle.
cap cli-rename "docker rename cli-c cli-c2"
cap cli-rename-nosuch "docker rename nosuch cli-x"
cap cli-start-a "docker start -a cli-c2"
cap cli-wait "docker wait cli-c2"
cap cli-start "docker start cli-c2"
sleep 1
cap cli-start-nosuch "docker start nosuch"
cap cli-stop-t "docker stop -t 1 cli-b"
cap cli-stop-signal "docker stop -s KILL cli-b"
cap cli-restart "docker restart -t 1 cli-b"
cap cli-kill "docker kill cli-k"
cap cli-kill-again "docker kill cli-k"
cap cli-kill-s "docker kill -s HUP cli-b"
cap cli-rm-running "docker rm cli-a"
cap cli-rm-f "docker rm -f cli-k"
cap cli-rm-two "docker rm cli-c2 nosuch"
cap cli-rm-f-nosuch "docker rm -f nosuch"

# Run and create.
cap cli-run-fg "docker run --rm --pull=never alpine:3.15 sh -c 'echo out; echo err >&2; exit 3'"
cap cli-run-d-opts "docker run -d --name cli-e -e FOO=bar -e HOME -w /tmp -u nobody --hostname h1 -l a=b --pull=never alpine:3.15 sleep 100"
cap cli-run-p-multi "docker run -d --name cli-p -p 127.0.0.1:8091:80 -p 8092:53/udp -p 8093 --expose 7000 --pull=never alpine:3.15 sleep 100"
cap cli-run-entrypoint "docker run --rm --entrypoint echo --pull=never alpine:3.15 hi there"
cap cli-run-i "docker run -i --rm --pull=never alpine:3.15 cat" "$W/tiny/hello.txt"
cap cli-run-t "docker run -t --rm --pull=never alpine:3.15 sh -c 'echo tty; echo err >&2'"
cap cli-run-it-notty "docker run -it --rm --pull=never alpine:3.15 sh"
cap cli-run-bad-p "docker run -p 80:nosuch --pull=never alpine:3.15"
cap cli-run-bad-pull "docker run --pull=sometimes alpine:3.15"
cap cli-run-nosuchcmd "docker run --rm --pull=never alpine:3.15 nosuchcmd"
cap cli-run-exit-d "docker run -d --name cli-st --pull=never alpine:3.15 nosuchcmd"
cap cli-run-unknown-flag "docker run --nosuch alpine"
cap cli-run-no-args "docker run"
cap cli-create "docker create --name cli-cr --pull=never alpine:3.15 true"
cap cli-create-dup "docker create --name cli-cr --pull=never alpine:3.15 true"

# Exec.
cap cli-exec "docker exec cli-a sh -c 'echo out; echo err >&2; exit 2'"
cap cli-exec-opts "docker exec -e A=1 -w /tmp -u nobody cli-a sh -c 'echo \$A; pwd; id -u'"
cap cli-exec-d "docker exec -d cli-a true"
cap cli-exec-i "docker exec -i cli-a cat" "$W/tiny/hello.txt"
cap cli-exec-t "docker exec -t cli-a echo tty"
cap cli-exec-it-notty "docker exec -it cli-a sh"
cap cli-exec-nosuch "docker exec nosuch true"
cap cli-exec-stopped "docker exec cli-cr true"

# Networks.
cap cli-network-create "docker network create cli-net"
cap cli-network-create-dup "docker network create cli-net"
cap cli-network-ls "docker network ls"
cap cli-network-ls-q "docker network ls -q --no-trunc"
cap cli-network-ls-format "docker network ls --format '{{.Name}} {{.Driver}} {{.Scope}}' --filter name=cli"
cap cli-network-inspect "docker network inspect cli-net"
cap cli-network-inspect-f "docker network inspect -f '{{.Name}} {{.Driver}} {{range .IPAM.Config}}{{.Subnet}}{{end}}' bridge"
cap cli-network-inspect-nosuch "docker network inspect nosuch"
cap cli-run-network "docker run -d --name cli-n --network cli-net --network-alias web --pull=never alpine:3.15 sleep 100"
cap cli-network-connect "docker network connect cli-net cli-a"
cap cli-network-disconnect "docker network disconnect cli-net cli-a"
cap cli-network-rm-in-use "docker network rm cli-net"
q rm -f cli-n
cap cli-network-rm "docker network rm cli-net"
cap cli-network-rm-nosuch "docker network rm cli-net"

# System, help.
cap cli-version "docker version"
cap cli-version-f "docker version -f '{{.Server.Version}} {{.Client.APIVersion}}'"
cap cli-version-json "docker version --format json"
cap cli-info "docker info"
cap cli-info-f "docker info -f '{{.ServerVersion}} {{.NCPU}}'"
cap cli-help "docker --help"
cap cli-run-help "docker run --help"
cap cli-ps-help "docker ps --help"
cap cli-image-noargs "docker image"
cap cli-unknown "docker nosuch"

kill $REG 2>/dev/null
cleanup
rm -rf "$W"
