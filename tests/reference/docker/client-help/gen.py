#!/usr/bin/env python3
"""Captures the real docker CLI's help texts, unwrapped, as the data sim-core's docker CLI
renders its help from (sim-core/src/client/help/*.txt) and parses its flags from.

Each command's help is run on a pty 5000 columns wide (so pflag wraps nothing), once with a
daemon (DOCKER_HOST=unix:///tmp/playground-real-docker/docker.sock: flags for Windows, newer
APIs or experimental daemons are hidden) and once without. Flag lines that only appear without
a daemon are prefixed with '!'. The root help is kept in both variants.

Usage: python3 gen.py OUTDIR
"""
import os, re, subprocess, sys

UP = "unix:///tmp/playground-real-docker/docker.sock"
DOWN = "unix:///tmp/nonexistent-for-help.sock"

COMMANDS = [
    "run", "exec", "ps", "images", "pull", "version", "info", "create", "start", "stop", "kill",
    "restart", "rm", "rmi", "logs", "inspect", "top", "port", "rename", "wait", "tag", "save", "load",
    "import", "history",
    "diff", "container diff", "pause", "unpause", "container pause", "container unpause",
    "container", "container create", "container exec", "container inspect", "container kill",
    "container logs", "container ls", "container port", "container rename", "container restart",
    "container rm", "container run", "container start", "container stop", "container top",
    "container wait",
    "image", "image history", "image import", "image inspect", "image load", "image ls", "image pull",
    "image rm", "image save", "image tag",
    "network", "network connect", "network create", "network disconnect", "network inspect",
    "network ls", "network rm",
    "volume", "volume create", "volume inspect", "volume ls", "volume prune", "volume rm",
    "system", "system df", "system info",
]


def capture(cmd, host):
    env = dict(os.environ, DOCKER_HOST=host)
    shell = "stty cols 5000 rows 50; docker %s --help" % cmd
    out = subprocess.run(["script", "-qec", shell, "/dev/null"], env=env, capture_output=True, stdin=subprocess.DEVNULL).stdout
    return out.decode().replace("\r\n", "\n")


FLAG = re.compile(r"^(  -\S, |      )--([A-Za-z0-9-]+)")


def merge(up, down):
    names_up = {m.group(2) for m in (FLAG.match(l) for l in up.split("\n")) if m}
    out = []
    for line in down.split("\n"):
        m = FLAG.match(line)
        if m and m.group(2) not in names_up:
            out.append("!" + line)
        else:
            out.append(line)
    return "\n".join(out)


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    for cmd in COMMANDS:
        up, down = capture(cmd, UP), capture(cmd, DOWN)
        name = cmd.replace(" ", "_") + ".txt"
        with open(os.path.join(outdir, name), "w") as f:
            f.write(merge(up, down))
    with open(os.path.join(outdir, "docker-up.txt"), "w") as f:
        f.write(capture("", UP))
    with open(os.path.join(outdir, "docker-down.txt"), "w") as f:
        f.write(capture("", DOWN))


if __name__ == "__main__":
    main()
