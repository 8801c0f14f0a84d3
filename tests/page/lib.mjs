// Shared by the page tests and the benchmark: a static file server for the built site
// and Debian's Chromium through playwright-core (never a downloaded browser).
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript",
  ".css": "text/css", ".wasm": "application/wasm", ".json": "application/json", ".png": "image/png",
};

/// Serves `dir` on 127.0.0.1 (a free port). With `gzip`, answers gzip-encoded (level 9) to
/// clients that accept it and counts the bytes sent in `server.bytesSent`.
export async function serve(dir, { gzip = false } = {}) {
  // Compressed once per file, as a static host with precompressed files would serve them.
  const gzipped = new Map();
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
      let file = normalize(join(dir, path));
      if (!file.startsWith(normalize(dir))) throw new Error("outside");
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      let body = await readFile(file);
      const headers = {
        "content-type": TYPES[extname(file)] || "application/octet-stream",
        "cache-control": "no-cache",
        // A teacher's lesson may live on another host.
        "access-control-allow-origin": "*",
      };
      if (gzip && /gzip/.test(req.headers["accept-encoding"] || "")) {
        if (!gzipped.has(file)) gzipped.set(file, gzipSync(body, { level: 9 }));
        body = gzipped.get(file);
        headers["content-encoding"] = "gzip";
      }
      headers["content-length"] = body.length;
      server.bytesSent += body.length;
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
    }
  });
  server.bytesSent = 0;
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  server.url = `http://127.0.0.1:${server.address().port}/`;
  return server;
}

export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-dev-shm-usage"],
  });
}

/// Types a line into the terminal and presses Enter, like a learner.
export async function typeLine(page, line) {
  const input = page.locator("#terminal-input");
  await input.click();
  await input.pressSequentially(line, { delay: 0 });
  await input.press("Enter");
}
