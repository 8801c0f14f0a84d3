"""The Python `docker` package (docker-py, Debian's python3-docker) driving a dockerd: the
basics a script does. Prints one line per step; native-runner/tests/python_docker.rs runs it
against `native-runner daemon` and, when it runs, real dockerd, and compares the lines.

usage: python3 docker_basics.py SOCKET
"""
import sys

import docker
from docker.errors import APIError, ContainerError, ImageNotFound, NotFound

PREFIX = "py-basic"


def step(name, value):
    print(f"{name}: {value!r}", flush=True)


def main(sock):
    client = docker.DockerClient(base_url="unix://" + sock, timeout=60)
    for name in (PREFIX, PREFIX + "-echo", PREFIX + "-fail"):
        try:
            client.containers.get(name).remove(force=True)
        except NotFound:
            pass

    step("ping", client.ping())
    step("version", {k: client.version()[k] for k in ("ApiVersion", "Os", "Arch", "MinAPIVersion")})

    images = client.images.list(name="alpine")
    step("images.list(name=alpine) has alpine:3.15", any("alpine:3.15" in i.tags for i in images))
    image = client.images.get("alpine:3.15")
    # Other tags of the same image are the daemon's history (real dockerd here is shared).
    step("image", ([t for t in image.tags if t.startswith("alpine:")], image.attrs["Os"], image.attrs["Architecture"], image.attrs["Size"], image.attrs["Config"]["Cmd"]))

    c = client.containers.run("alpine:3.15", ["sleep", "1000"], detach=True, name=PREFIX)
    step("run(detach=True, name=...)", (c.name, len(c.id)))
    c.reload()
    step("status", (c.status, c.attrs["State"]["Running"], c.attrs["Path"], c.attrs["Args"], c.attrs["Config"]["Image"]))

    listed = client.containers.list(filters={"name": PREFIX})
    step("containers.list(filters=name)", sorted(x.name for x in listed))
    step("containers.list sees the id", [x.id for x in listed] == [c.id])

    step("exec_run cat", c.exec_run(["cat", "/etc/alpine-release"]))
    step("exec_run sh exit", c.exec_run(["sh", "-c", "echo out; exit 3"]))
    step("exec_run demux", c.exec_run(["ls", "/etc/alpine-release", "/nonexistent"], demux=True))
    step("exec_run workdir env", c.exec_run(["sh", "-c", "pwd; echo $GREETING"], workdir="/etc", environment={"GREETING": "hi"}))
    step("exec_run hostname is the short id", c.exec_run("hostname").output.decode().strip() == c.id[:12])

    step("logs (sleep writes nothing)", c.logs())
    out = client.containers.run("alpine:3.15", ["echo", "hello from alpine"], name=PREFIX + "-echo")
    step("run() returns the output", out)
    echo = client.containers.get(PREFIX + "-echo")
    step("logs", echo.logs())
    step("logs(tail=1, stdout only)", echo.logs(tail=1, stderr=False))
    step("echo state", (echo.status, echo.attrs["State"]["ExitCode"]))

    c.stop(timeout=1)
    c.reload()
    step("stop", (c.status, c.attrs["State"]["ExitCode"]))
    c.remove()
    echo.remove()
    step("after remove", client.containers.list(all=True, filters={"name": PREFIX}))

    try:
        client.containers.run("alpine:3.15", ["sh", "-c", "exit 3"], name=PREFIX + "-fail", remove=True)
    except ContainerError as e:
        step("ContainerError", (e.exit_status, e.command, e.image))
    try:
        client.containers.get(PREFIX + "-nosuch")
    except NotFound as e:
        step("NotFound", (e.status_code, e.explanation))
    try:
        client.images.get("nosuch-image:1")
    except ImageNotFound as e:
        step("ImageNotFound", (e.status_code, e.explanation))
    dup = client.containers.run("alpine:3.15", ["sleep", "1000"], detach=True, name=PREFIX)
    try:
        client.containers.run("alpine:3.15", ["sleep", "1000"], detach=True, name=PREFIX)
    except APIError as e:
        step("name conflict", (e.status_code, e.explanation))
    dup.remove(force=True)
    step("done", True)


if __name__ == "__main__":
    main(sys.argv[1])
