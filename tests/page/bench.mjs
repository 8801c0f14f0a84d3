// Benchmark of the built site (dist/) in Debian's headless Chromium: the bytes a first
// visit transfers (gzip -9, no cache, service worker kept out), the time until the
// terminal is focused and accepts input, the time until a typed command has printed, and
// then the time a first `docker run` takes to print its container's id (on a first visit
// it loads the full build, see frontend/src/handover.rs) with the bytes transferred by then.
// Times are from navigation start (performance.now() in the page); median of RUNS runs.
// Run with scripts/bench-page.sh. Goals: < 500 KB gzip, < 250 ms.
import { resolve } from "node:path";
import { serve, launch } from "./lib.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const DIST = process.env.DIST || resolve(ROOT, "dist");
const RUNS = Number(process.env.RUNS || 7);

// In the page, before any script: as soon as the terminal input is focused, type a line
// and press Enter; record when that happened and when the output appeared.
const PROBE = () => {
  window.__bench = {};
  const typeIt = (input) => {
    window.__bench.interactive = performance.now();
    input.value = "echo bench-ok";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
  };
  const check = () => {
    const input = document.getElementById("terminal-input");
    if (!window.__bench.interactive && input && document.activeElement === input) typeIt(input);
    if (window.__bench.interactive && !window.__bench.printed) {
      const outs = document.querySelectorAll("#terminal .output");
      if ([...outs].some((o) => o.textContent === "bench-ok")) {
        window.__bench.printed = performance.now();
        observer.disconnect();
      }
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  document.addEventListener("focusin", check, true);
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// The floor of this machine and harness: a page of plain HTML with an input that echoes,
// measured the same way. On a loaded machine it shows how much of the time is the page's.
const FLOOR_HTML = `<!DOCTYPE html><html><head><script>
document.addEventListener("keydown", (e) => { const i = e.target; if (e.key === "Enter" && i.id === "terminal-input") {
const d = document.createElement("div"); d.className = "output"; d.textContent = i.value.slice(5);
document.getElementById("terminal").append(d); } });</script></head>
<body><div id="terminal"></div><input id="terminal-input" autofocus>${process.env.FLOOR_EXTRA || ""}</body></html>`;

const { mkdtempSync, writeFileSync } = await import("node:fs");
const { tmpdir } = await import("node:os");
const floorDir = mkdtempSync(resolve(tmpdir(), "bench-floor-"));
writeFileSync(resolve(floorDir, "index.html"), FLOOR_HTML);

async function measure(browser, server, i, docker = false) {
  const context = await browser.newContext({ serviceWorkers: "block", viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.addInitScript(PROBE);
  server.bytesSent = 0;
  await page.goto(server.url, { waitUntil: "load" });
  await page.waitForFunction(() => window.__bench?.printed, null, { timeout: 10000 });
  const firstLoad = server.bytesSent;
  let dockerRun = null;
  if (docker) {
    const start = await page.evaluate(() => performance.now());
    await page.fill("#terminal-input", "docker run -d --name bench -p 8080:80 nginx:1.21-alpine");
    await page.press("#terminal-input", "Enter");
    await page.waitForFunction(() => /^[0-9a-f]{64}$/m.test(document.querySelector("#terminal")?.innerText), null, { timeout: 20000 });
    dockerRun = { ms: (await page.evaluate(() => performance.now())) - start, bytes: server.bytesSent };
  }
  const t = await page.evaluate(() => ({
    ...window.__bench,
    marks: performance.getEntriesByType("mark").map((m) => `${m.name} ${m.startTime.toFixed(0)}`).join(", "),
    wasm: performance.getEntriesByType("resource").filter((e) => e.name.endsWith(".wasm")).map((e) => e.responseEnd.toFixed(0)).join(),
  }));
  await context.close();
  if (process.env.VERBOSE && t.marks) console.log(`run ${i + 1}: wasm loaded ${t.wasm} ms; ${t.marks}; interactive ${t.interactive.toFixed(0)}; printed ${t.printed.toFixed(0)}`);
  return { bytes: firstLoad, interactive: t.interactive, printed: t.printed, dockerRun };
}

const server = await serve(DIST, { gzip: true });
const floorServer = await serve(floorDir, { gzip: true });
const browser = await launch();
const results = [];
const floor = [];
try {
  for (let i = 0; i < RUNS; i++) {
    floor.push(await measure(browser, floorServer, i));
    results.push(await measure(browser, server, i, true));
  }
} finally {
  await browser.close();
  server.close();
  floorServer.close();
}
const bytes = median(results.map((r) => r.bytes));
const interactive = median(results.map((r) => r.interactive));
const printed = median(results.map((r) => r.printed));
console.log(`first load: ${bytes} bytes gzip (${(bytes / 1024).toFixed(1)} KiB), goal < 500 KB: ${bytes < 500_000 ? "met" : "MISSED"}`);
console.log(`time to interactive (terminal focused, accepting input): ${interactive.toFixed(0)} ms median of ${RUNS}, goal < 250 ms: ${interactive < 250 ? "met" : "MISSED"}`);
console.log(`until a command has printed: ${printed.toFixed(0)} ms median of ${RUNS}`);
console.log(`first docker run (a first visit: loads the full build): ${median(results.map((r) => r.dockerRun.ms)).toFixed(0)} ms median, ${median(results.map((r) => r.dockerRun.bytes))} bytes gzip transferred by then`);
console.log(`floor of this machine (plain HTML input, same harness): interactive ${median(floor.map((r) => r.interactive)).toFixed(0)} ms, printed ${median(floor.map((r) => r.printed)).toFixed(0)} ms`);
console.log(`runs (interactive/printed ms): ${results.map((r) => `${r.interactive.toFixed(0)}/${r.printed.toFixed(0)}`).join(" ")}`);
