#!/usr/bin/env python3
"""Byte-exact logging proxy between the docker CLI and a real dockerd (unix sockets).

Every byte that crosses the proxy is logged, in both directions, per connection, with a
timestamp, including the hijacked (upgraded) streams of `exec`/`attach`. The proxy does not
parse or alter anything: it pumps bytes. The readable rendering parses the logs afterwards.

Usage:
  capture_proxy.py serve  --listen SOCK --upstream SOCK --raw LOG.jsonl
      Serve until interrupted; append every chunk to LOG.jsonl.
  capture_proxy.py capture --upstream SOCK --out DIR NAME -- 'SHELL COMMAND'
      Start the proxy on a private socket, run the shell command with DOCKER_HOST pointing at
      it (stdin is passed through; stdout/stderr are captured), wait for the connections to
      close, then write DIR/NAME.raw.jsonl and the readable DIR/NAME.txt.
  capture_proxy.py render LOG.jsonl
      Print the readable rendering of a raw log.

Raw log format (JSON lines): {"t": seconds since start, "conn": N, "dir": "c2s"|"s2c"|"open"|
"eof-c2s"|"eof-s2c"|"close", "data": base64 of the bytes as received by one recv() call}.
"""
import argparse
import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time


class Proxy:
    def __init__(self, listen, upstream):
        self.listen, self.upstream = listen, upstream
        self.records, self.lock = [], threading.Lock()
        self.t0 = time.monotonic()
        self.nconn, self.active = 0, 0
        self.idle = threading.Condition(self.lock)
        if os.path.exists(listen):
            os.unlink(listen)
        self.srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.srv.bind(listen)
        self.srv.listen(64)
        self.stopping = False

    def log(self, conn, direction, data=b""):
        with self.lock:
            self.records.append({"t": round(time.monotonic() - self.t0, 6), "conn": conn,
                                 "dir": direction, "data": base64.b64encode(data).decode()})

    def serve(self):
        while not self.stopping:
            try:
                c, _ = self.srv.accept()
            except OSError:
                break
            with self.lock:
                self.nconn += 1
                self.active += 1
                n = self.nconn
            threading.Thread(target=self.handle, args=(n, c), daemon=True).start()

    def handle(self, n, c):
        u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        u.connect(self.upstream)
        self.log(n, "open")

        def pump(src, dst, direction):
            while True:
                try:
                    data = src.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    self.log(n, "eof-" + direction)
                    try:
                        dst.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
                    return
                self.log(n, direction, data)
                try:
                    dst.sendall(data)
                except OSError:
                    return

        a = threading.Thread(target=pump, args=(c, u, "c2s"), daemon=True)
        b = threading.Thread(target=pump, args=(u, c, "s2c"), daemon=True)
        a.start(); b.start(); a.join(); b.join()
        c.close(); u.close()
        self.log(n, "close")
        with self.lock:
            self.active -= 1
            self.idle.notify_all()

    def stop(self):
        self.stopping = True
        try:
            self.srv.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.srv.close()
        if os.path.exists(self.listen):
            os.unlink(self.listen)


# ---------------------------------------------------------------- rendering

def esc(b):
    """Bytes as a readable escaped string (printable ASCII kept, CR/LF/TAB/others escaped)."""
    out = []
    for x in b:
        if x == 0x0d: out.append("\\r")
        elif x == 0x0a: out.append("\\n")
        elif x == 0x09: out.append("\\t")
        elif x == 0x5c: out.append("\\\\")
        elif 0x20 <= x < 0x7f: out.append(chr(x))
        else: out.append("\\x%02x" % x)
    return "".join(out)


def split_head(buf):
    i = buf.find(b"\r\n\r\n")
    if i < 0:
        return None, buf
    return buf[:i + 4], buf[i + 4:]


def headers_of(head):
    lines = head.decode("latin-1").split("\r\n")
    hs = {}
    for l in lines[1:]:
        if ":" in l:
            k, v = l.split(":", 1)
            hs[k.strip().lower()] = v.strip()
    return lines[0], hs


def take_body(buf, hs, is_response, status, method):
    """Returns (body_bytes_raw, decoded, rest, complete)."""
    if is_response and (status in (101, 204, 304) or (100 <= status < 200) or method == "HEAD"):
        return b"", b"", buf, True
    if "content-length" in hs:
        n = int(hs["content-length"])
        return buf[:n], buf[:n], buf[n:], len(buf) >= n
    if hs.get("transfer-encoding", "").lower() == "chunked":
        pos, dec = 0, b""
        while True:
            j = buf.find(b"\r\n", pos)
            if j < 0:
                return buf, dec, b"", False
            size = int(buf[pos:j].split(b";")[0], 16)
            if size == 0:
                k = buf.find(b"\r\n", j + 2)
                end = (k + 2) if k >= 0 else len(buf)
                return buf[:end], dec, buf[end:], k >= 0
            dec += buf[j + 2:j + 2 + size]
            pos = j + 2 + size + 2
            if pos > len(buf):
                return buf, dec, b"", False
    if not is_response:
        return b"", b"", buf, True
    return buf, buf, b"", True  # read until close


def frames(data):
    """Decode docker's multiplexed stream framing if it looks like it."""
    out, pos = [], 0
    while pos + 8 <= len(data):
        st, z, size = data[pos], data[pos + 1:pos + 4], int.from_bytes(data[pos + 4:pos + 8], "big")
        if st not in (0, 1, 2, 3) or z != b"\0\0\0" or pos + 8 + size > len(data):
            return None
        out.append((st, data[pos:pos + 8], data[pos + 8:pos + 8 + size]))
        pos += 8 + size
    return out if pos == len(data) and out else None


STREAMS = {0: "stdin", 1: "stdout", 2: "stderr", 3: "systemerr"}


def render_body(lines, raw, dec, hs):
    ctype = hs.get("content-type", "")
    chunked = hs.get("transfer-encoding", "").lower() == "chunked"
    if not raw:
        return
    if chunked:
        lines.append("  body, raw with chunked framing (%d bytes): %s" % (len(raw), esc(raw)))
    else:
        lines.append("  body, raw (%d bytes): %s" % (len(raw), esc(raw)))
    fr = frames(dec)
    if fr:
        lines.append("  body decoded as docker multiplexed stream frames:")
        for st, h, p in fr:
            lines.append("    [%s] header %s + %d bytes: %s" % (STREAMS[st], esc(h), len(p), esc(p)))
        return
    if "json" in ctype or dec[:1] in (b"{", b"["):
        text = dec.decode("utf-8", "replace")
        docs = []
        try:
            docs = [json.loads(text)]
        except ValueError:
            try:
                docs = [json.loads(l) for l in text.splitlines() if l.strip()]
            except ValueError:
                docs = []
        if docs:
            lines.append("  body as JSON (pretty-printed, %d document%s):" % (len(docs), "" if len(docs) == 1 else "s"))
            for d in docs:
                for l in json.dumps(d, indent=2, ensure_ascii=False).splitlines():
                    lines.append("    " + l)


def render(records):
    conns = {}
    for r in records:
        conns.setdefault(r["conn"], []).append(r)
    out = []
    # timeline
    out.append("## timeline (t = seconds since the proxy started; one line per HTTP message or raw chunk)")
    events = []
    for n, rs in sorted(conns.items()):
        msgs = parse_conn(rs)
        for m in msgs:
            events.append((m["t"], n, m))
    for t, n, m in sorted(events, key=lambda e: (e[0], e[1])):
        out.append("%9.6f conn %d %s %s" % (t, n, "->" if m["dir"] == "c2s" else "<-", m["summary"]))
    out.append("")
    for n, rs in sorted(conns.items()):
        out.append("## connection %d" % n)
        for m in parse_conn(rs):
            out.append("%s t=%.6f %s" % (">>> client->dockerd" if m["dir"] == "c2s" else "<<< dockerd->client", m["t"], m["kind"]))
            out.extend(m["lines"])
        out.append("")
    return "\n".join(out) + "\n"


def parse_conn(rs):
    """Turn one connection's records into messages in time order."""
    msgs = []
    bufs = {"c2s": b"", "s2c": b""}
    first_t = {"c2s": None, "s2c": None}
    hijacked = False
    pending_methods = []
    eof = {"c2s": False, "s2c": False}

    def flush(direction, final=False, now=None):
        nonlocal hijacked
        while bufs[direction]:
            if hijacked:
                return
            head, rest = split_head(bufs[direction])
            if head is None:
                if final:
                    msgs.append({"t": first_t[direction], "dir": direction, "kind": "incomplete data",
                                 "summary": "incomplete: " + esc(bufs[direction][:80]),
                                 "lines": ["  " + esc(bufs[direction])]})
                    bufs[direction] = b""
                return
            start, hs = headers_of(head)
            is_resp = direction == "s2c"
            status = int(start.split()[1]) if is_resp else 0
            method = pending_methods[0] if (is_resp and pending_methods) else ""
            if is_resp and pending_methods and (status >= 200 or status == 101):
                pending_methods.pop(0)
            body_raw, dec, rest2, complete = take_body(rest, hs, is_resp, status, method)
            # hijacked: "101 UPGRADED", or a docker stream type with neither length nor chunking
            upgraded = is_resp and (status == 101 or (hs.get("content-type", "").startswith("application/vnd.docker.")
                                                      and "content-length" not in hs
                                                      and hs.get("transfer-encoding", "").lower() != "chunked"))
            if upgraded:
                body_raw, dec, rest2, complete = b"", b"", rest, True
            if not complete and not final and not eof[direction]:
                return
            lines = ["  head, verbatim (CRLF line ends shown as \\r\\n):"]
            for l in head.split(b"\r\n")[:-2]:
                lines.append("    " + esc(l) + "\\r\\n")
            lines.append("    \\r\\n")
            render_body(lines, body_raw, dec, hs)
            if not is_resp:
                pending_methods.append(start.split()[0])
            summ = start + ("" if is_resp else "")
            if is_resp and hs.get("content-type"):
                summ += "  [%s]" % hs["content-type"]
            if body_raw and now is not None and now - first_t[direction] > 0.0005:
                summ += "  (body complete at t=%.6f)" % now
                lines.insert(0, "  (head arrived at t=%.6f, body complete at t=%.6f)" % (first_t[direction], now))
            msgs.append({"t": first_t[direction], "dir": direction, "kind": "HTTP " + ("response" if is_resp else "request"),
                         "summary": summ, "lines": lines})
            bufs[direction] = rest2
            first_t[direction] = None
            if upgraded:
                hijacked = True
                # anything already buffered after the response head is stream data
                for d in ("c2s", "s2c"):
                    if bufs[d]:
                        msgs.append(raw_msg(first_t[d] if first_t[d] is not None else msgs[-1]["t"], d, bufs[d]))
                        bufs[d] = b""
                return
    for r in rs:
        d = r["dir"]
        if d in ("c2s", "s2c"):
            data = base64.b64decode(r["data"])
            if hijacked:
                msgs.append(raw_msg(r["t"], d, data))
                continue
            if first_t[d] is None:
                first_t[d] = r["t"]
            bufs[d] += data
            flush(d, now=r["t"])
            # a response may complete a request/response pair; the other side may be pending
            flush("s2c" if d == "c2s" else "c2s", now=r["t"])
        elif d.startswith("eof-"):
            dd = d[4:]
            eof[dd] = True
            if not hijacked:
                flush(dd, final=True, now=r["t"])
            msgs.append({"t": r["t"], "dir": dd, "kind": "EOF (half-close: %s side shut down writing)" % ("client" if dd == "c2s" else "dockerd"),
                         "summary": "EOF", "lines": []})
    return msgs


def raw_msg(t, d, data):
    lines = ["  %d bytes: %s" % (len(data), esc(data))]
    fr = frames(data)
    if fr:
        for st, h, p in fr:
            lines.append("    frame [%s] header %s + %d bytes: %s" % (STREAMS[st], esc(h), len(p), esc(p)))
    return {"t": t, "dir": d, "kind": "raw stream data (hijacked connection)",
            "summary": "raw %d bytes: %s" % (len(data), esc(data[:60]) + ("..." if len(data) > 60 else "")),
            "lines": lines}


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve"); s.add_argument("--listen", required=True); s.add_argument("--upstream", required=True); s.add_argument("--raw", required=True)
    c = sub.add_parser("capture"); c.add_argument("--upstream", required=True); c.add_argument("--out", required=True)
    c.add_argument("name"); c.add_argument("command", nargs="+")
    r = sub.add_parser("render"); r.add_argument("raw")
    a = ap.parse_args()
    if a.cmd == "render":
        with open(a.raw) as f:
            sys.stdout.write(render([json.loads(l) for l in f]))
        return
    if a.cmd == "serve":
        p = Proxy(a.listen, a.upstream)
        try:
            p.serve()
        except KeyboardInterrupt:
            pass
        p.stop()
        with open(a.raw, "w") as f:
            for rec in p.records:
                f.write(json.dumps(rec) + "\n")
        return
    # capture
    d = tempfile.mkdtemp(prefix="ref-proxy-")
    sock = os.path.join(d, "docker.sock")
    p = Proxy(sock, a.upstream)
    th = threading.Thread(target=p.serve, daemon=True); th.start()
    cmd = " ".join(a.command)
    env = dict(os.environ, DOCKER_HOST="unix://" + sock)
    t_start = time.monotonic() - p.t0
    res = subprocess.run(["bash", "-c", cmd], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    t_end = time.monotonic() - p.t0
    with p.lock:
        p.idle.wait_for(lambda: p.active == 0, timeout=5)
    p.stop()
    os.rmdir(d)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, a.name + ".raw.jsonl"), "w") as f:
        for rec in p.records:
            f.write(json.dumps(rec) + "\n")
    text = ["# command: " + cmd.replace(sock, "$PROXY_SOCK"),
            "# run with DOCKER_HOST=unix://$PROXY_SOCK (this proxy), upstream " + a.upstream,
            "# command ran from t=%.6f to t=%.6f, exit %d" % (t_start, t_end, res.returncode),
            "## command stdout (escaped): " + esc(res.stdout),
            "## command stderr (escaped): " + esc(res.stderr),
            "## command stdout (verbatim):", res.stdout.decode("utf-8", "replace").rstrip("\n"),
            "## command stderr (verbatim):", res.stderr.decode("utf-8", "replace").rstrip("\n"), ""]
    with open(os.path.join(a.out, a.name + ".txt"), "w") as f:
        f.write("\n".join(text) + "\n" + render(p.records))
    sys.stdout.buffer.write(res.stdout); sys.stderr.buffer.write(res.stderr)
    sys.exit(res.returncode)


if __name__ == "__main__":
    main()
