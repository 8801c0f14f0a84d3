#!/usr/bin/env python3
"""A minimal read-only Docker Registry HTTP API v2 on loopback, serving images from
`docker save` tarballs, so that `docker pull localhost:PORT/NAME:TAG` can be observed without
any network (Docker Hub is unreachable here). Used only to capture the pull output formats.

  mini_registry.py PORT NAME:TAG=SAVE.tar [NAME:TAG=SAVE.tar ...]

Layers are served gzip-compressed (as registries do), with schema2 manifests.
Every request is logged to stderr.
"""
import gzip
import hashlib
import http.server
import io
import json
import sys
import tarfile

BLOBS, MANIFESTS = {}, {}


def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


def load(ref, path):
    name, tag = ref.rsplit(":", 1)
    with tarfile.open(path) as t:
        man = json.load(t.extractfile("manifest.json"))[0]
        config = t.extractfile(man["Config"]).read()
        layers = []
        for l in man["Layers"]:
            raw = t.extractfile(l).read()
            gz = gzip.compress(raw, mtime=0)
            d = sha(gz)
            BLOBS[d] = gz
            layers.append({"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                           "size": len(gz), "digest": d})
    cd = sha(config)
    BLOBS[cd] = config
    m = json.dumps({"schemaVersion": 2,
                    "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                    "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                               "size": len(config), "digest": cd},
                    "layers": layers}, indent=3).encode()
    MANIFESTS[(name, tag)] = m
    MANIFESTS[(name, sha(m))] = m


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def send(self, code, body=b"", ctype="application/json", extra=None, head=False):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Docker-Distribution-Api-Version", "registry/2.0")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def route(self, head):
        p = self.path.split("?")[0]
        if p in ("/v2/", "/v2"):
            return self.send(200, b"{}", head=head)
        parts = p[len("/v2/"):].split("/")
        if len(parts) >= 3 and parts[-2] == "manifests":
            name, ref = "/".join(parts[:-2]), parts[-1]
            m = MANIFESTS.get((name, ref))
            if m is None:
                return self.send(404, json.dumps({"errors": [{"code": "MANIFEST_UNKNOWN", "message": "manifest unknown", "detail": {"Tag": ref}}]}).encode(), head=head)
            return self.send(200, m, "application/vnd.docker.distribution.manifest.v2+json",
                             {"Docker-Content-Digest": sha(m)}, head=head)
        if len(parts) >= 3 and parts[-2] == "blobs":
            b = BLOBS.get(parts[-1])
            if b is None:
                return self.send(404, b'{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]}', head=head)
            return self.send(200, b, "application/octet-stream", {"Docker-Content-Digest": parts[-1]}, head=head)
        return self.send(404, b'{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}', head=head)

    def do_GET(self):
        self.route(False)

    def do_HEAD(self):
        self.route(True)

    def log_message(self, fmt, *a):
        sys.stderr.write("registry: %s %s\n" % (self.requestline, " ".join(str(x) for x in a)))


if __name__ == "__main__":
    port = int(sys.argv[1])
    for spec in sys.argv[2:]:
        ref, path = spec.split("=", 1)
        load(ref, path)
    http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
