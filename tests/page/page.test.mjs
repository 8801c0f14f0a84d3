// Page tests of the built site (dist/) in Debian's headless Chromium: a lesson completed
// by typing, the panels, progress kept across a reload, the language switch, a
// permalink, damaged storage, a teacher's broken lesson file, presenter keys and "type it
// for me". Screenshots of the panels are left in $PAGE_SCREENSHOTS
// (default: target/page-screenshots). Run with scripts/test-page.sh.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import { serve, launch, typeLine } from "./lib.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const DIST = process.env.DIST || resolve(ROOT, "dist");
const SHOTS = process.env.PAGE_SCREENSHOTS || resolve(ROOT, "target/page-screenshots");
mkdirSync(SHOTS, { recursive: true });

let server, browser;
before(async () => {
  server = await serve(DIST);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  server?.close();
});

async function freshPage(query = "") {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(e.message));
  await page.goto(server.url + query);
  await page.waitForSelector("#terminal-input");
  return page;
}

const text = (page, sel) => page.locator(sel).first().innerText();

async function shot(page, name, tab) {
  if (tab) await page.click(`#tab-${tab}`);
  await page.locator(".panels").screenshot({ path: `${SHOTS}/${name}.png` });
}

test("a lesson is completed by typing; panels follow; progress survives a reload", async () => {
  const page = await freshPage();
  await page.selectOption("#lesson-select", { label: "2. PID namespace: what ps aux sees" });
  await typeLine(page, "ps aux");
  await page.waitForSelector("#step-status.done");
  await typeLine(page, "sudo unshare --pid --fork --mount-proc sh");
  await page.waitForFunction(() => document.querySelectorAll("#processes-panel .ns-box").length === 2);
  assert.match(await text(page, "#processes-panel .proc.you .pids"), /1$/);
  await shot(page, "processes-unshare", "processes");
  await shot(page, "filesystem-unshare", "filesystem");
  await shot(page, "architecture-namespaces", "architecture");
  await typeLine(page, "ps aux");
  await typeLine(page, "exit");
  await page.waitForFunction(() => document.querySelector("#step-status")?.textContent.includes("Lesson complete"));

  await page.reload();
  await page.waitForSelector("#terminal-input");
  const option = await page.locator("#lesson-select option:checked").innerText();
  assert.match(option, /^✓ 2\. PID namespace/, "the lesson is kept, marked complete");
  assert.match(await text(page, "#step-goal"), /Step 4 of 4/);
  assert.match(await text(page, "#terminal"), /unshare --pid --fork --mount-proc sh/, "the session is typed again");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("the network lesson draws namespaces and the veth pair", async () => {
  const page = await freshPage();
  await page.selectOption("#lesson-select", { label: "3. Network namespace: what ifconfig sees" });
  for (const line of ["ifconfig", "sudo ip netns add red", "sudo ip link add veth0 type veth peer name veth1",
    "sudo ip link set veth1 netns red", "sudo ip netns exec red ip addr add 10.0.0.2/24 dev veth1",
    "sudo ip netns exec red ip link set veth1 up", "sudo ip netns exec red ifconfig"]) {
    await typeLine(page, line);
  }
  await page.waitForFunction(() => document.querySelector("#step-status")?.textContent.includes("Lesson complete"));
  await page.click("#tab-network");
  const red = await text(page, '#network-panel [data-netns="red"]');
  assert.match(red, /veth1/);
  assert.match(red, /10\.0\.0\.2\/24/);
  assert.match(red, /↔ veth0/);
  await shot(page, "network-veth", "network");
  await page.context().close();
});

test("the docker lesson is completed by typing; the terminal, the socket and the layers follow", async () => {
  const page = await freshPage();
  await page.selectOption("#lesson-select", { label: "5. The docker client and dockerd, over docker.sock" });
  await typeLine(page, "docker run -d --name nginx -p 8080:80 nginx:1.21-alpine");
  await page.waitForSelector("#step-status.done");
  // The pull progress ends as a terminal shows it: one line per layer.
  const out = await page.locator("#terminal .output").last().innerText();
  assert.equal(out.split("\n").filter((l) => l.endsWith(": Pull complete")).length, 6, out);
  assert.doesNotMatch(out, /\x1b|\[1A|\[2K/, "no escape sequences shown");
  await page.click("#tab-socket");
  await page.waitForSelector('#socket-panel .exchange[data-target="/v1.41/containers/create?name=nginx"]');
  await shot(page, "socket-docker-run");
  await page.click("#tab-filesystem");
  await page.waitForSelector('#filesystem-panel .container-fs[data-container="nginx"] .layer.image');
  for (const line of ["curl localhost:8080", "ps auxf", "docker exec -it nginx sh", "ps aux"]) {
    await typeLine(page, line);
  }
  await page.waitForFunction(() => /Step 4 of 7/.test(document.querySelector("#step-goal")?.textContent) && document.querySelector("#step-status.done"));
  // busybox ls colours: directories bold blue.
  await typeLine(page, "ls /");
  await page.waitForSelector("#terminal .output span.fg-4.bold");
  // A change in the container: copied up, added, deleted (a whiteout).
  await typeLine(page, "echo '# changed' >> /etc/nginx/nginx.conf; echo hi > /tmp/new.txt; rm /etc/motd");
  await page.click("#tab-filesystem");
  const upper = page.locator('#filesystem-panel .container-fs[data-container="nginx"] .layer.upper');
  await upper.locator(".entry-row.whiteout").waitFor();
  assert.match(await upper.innerText(), /\/etc\/nginx\/nginx\.conf[\s\S]*copied up/);
  assert.match(await upper.innerText(), /\/etc\/motd[\s\S]*whiteout c 0\/0/);
  assert.match(await upper.innerText(), /\/tmp\/new\.txt[\s\S]*new/);
  await shot(page, "filesystem-layers");
  await shot(page, "processes-docker", "processes");
  await shot(page, "network-docker", "network");
  await typeLine(page, "exit");
  await typeLine(page, "docker ps");
  await page.waitForFunction(() => /Step 5 of 7/.test(document.querySelector("#step-goal")?.textContent) && document.querySelector("#step-status.done"));
  await page.click("#tab-socket");
  const list = page.locator('#socket-panel .exchange[data-target="/v1.41/containers/json"]');
  await list.waitFor();
  assert.match(await list.locator("summary").innerText(), /^GET \/v1\.41\/containers\/json → 200 OK/);
  // A command of one or two requests shows them opened.
  assert.notEqual(await list.locator("details").getAttribute("open"), null);
  assert.match(await list.innerText(), /"Names": \[\s*"\/nginx"\s*\]/, "the JSON body is pretty-printed");
  await shot(page, "socket-docker-ps");
  for (const line of ["sudo systemctl stop docker", "docker ps", "sudo systemctl stop docker.socket docker", "docker ps"]) {
    await typeLine(page, line);
  }
  await page.waitForFunction(() => document.querySelector("#step-status")?.textContent.includes("Lesson complete"));
  assert.match(await text(page, "#terminal"), /Cannot connect to the Docker daemon at unix:\/\/\/var\/run\/docker\.sock\. Is the docker daemon running\?/);
  await page.click("#tab-socket");
  assert.match(await text(page, "#socket-panel"), /dockerd is not running/);
  await shot(page, "architecture-docker-socket", "architecture");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a desktop lesson boots its Mac; the socket panel shows the crossing into the VM", async () => {
  const page = await freshPage();
  await page.selectOption("#lesson-select", { label: "7. Rancher Desktop on an M1 Mac: CPU emulation" });
  // On a first visit the Mac is in the full build: the page hands over to it first.
  await page.waitForFunction(() => /MacBook-Pro ~ %/.test(document.querySelector(".prompt-line.live .prompt")?.textContent ?? ""), null, { timeout: 20000 });
  assert.match(await text(page, "#lesson-machine"), /M1 Mac with Rancher Desktop/);
  assert.match(await text(page, ".prompt-line.live .prompt"), /MacBook-Pro ~ %/);
  await page.click("#type-for-me");
  await page.waitForSelector("#step-status.done", { timeout: 10000 });
  assert.match(await text(page, "#terminal"), /-> \/Users\/playground-user\/\.rd\/docker\.sock/);
  await typeLine(page, "docker ps");
  await page.click("#tab-socket");
  const crossing = page.locator("#socket-panel .crossing").first();
  await crossing.waitFor();
  assert.match(await crossing.innerText(), /\/Users\/playground-user\/\.rd\/docker\.sock\s*⟶\s*VM\s*\/var\/run\/docker\.sock/);
  assert.match(await text(page, "#socket-panel"), /GET \/v1\.41\/containers\/json/);
  await shot(page, "socket-rancher-desktop");
  await shot(page, "architecture-rancher-desktop", "architecture");
  await page.selectOption("#lesson-select", { label: "Sandbox (free play)" });
  assert.match(await text(page, ".prompt-line.live .prompt"), /ec2-user@ip-172-30-1-40/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("before the WebAssembly has loaded, the terminal takes typing and the page types it", async () => {
  const context = await browser.newContext({ serviceWorkers: "block" });
  const page = await context.newPage();
  let release;
  const held = new Promise((ok) => { release = ok; });
  await page.route(/frontend_bg\.wasm$/, async (route) => { await held; await route.continue(); });
  await page.goto(server.url, { waitUntil: "domcontentloaded" });
  const input = page.locator("#boot #terminal-input");
  await input.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), "terminal-input", "focused at once");
  await input.pressSequentially("echo early", { delay: 0 });
  await input.press("Enter");
  assert.match(await text(page, "#boot-log"), /\$ echo early$/);
  await input.pressSequentially("echo late", { delay: 0 });
  release();
  await page.waitForSelector("#terminal .output");
  assert.equal(await page.locator("#boot").count(), 0, "the static terminal is gone");
  assert.match(await text(page, "#terminal"), /\$ echo early\nearly/);
  assert.equal(await page.locator("#terminal-input").inputValue(), "echo late", "the unfinished line is kept");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => /late$/.test(document.querySelector("#terminal")?.innerText.trim()));
  await context.close();
});

test("an attached docker run holds the terminal; Ctrl-C goes to the container; a reload replays it", async () => {
  const page = await freshPage("?mode=sandbox");
  await typeLine(page, "docker run --name web -p 8080:80 nginx:1.21-alpine");
  await page.waitForFunction(() => /start worker process/.test(document.querySelector("#terminal")?.innerText));
  // No prompt while docker holds the terminal; a typed line is only echoed.
  assert.equal(await text(page, ".prompt-line.live .prompt"), "");
  await typeLine(page, "curl localhost:8080");
  assert.doesNotMatch(await text(page, "#terminal"), /Welcome to nginx!/);
  await page.locator("#terminal-input").press("Control+c");
  await page.waitForFunction(() => /\^C.*signal 2 \(SIGINT\) received, exiting/.test(document.querySelector("#terminal")?.innerText));
  await typeLine(page, "docker ps -a");
  await page.waitForFunction(() => /Exited \(0\)/.test(document.querySelector("#terminal")?.innerText));
  await page.reload();
  await page.waitForFunction(() => /Exited \(0\)/.test(document.querySelector("#terminal")?.innerText));
  assert.match(await text(page, "#terminal"), /\^C.*signal 2 \(SIGINT\) received, exiting/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("the compose lesson: the file, docker-compose up -d, the services' containers", async () => {
  const page = await freshPage("?lesson=compose");
  await typeLine(page, "echo -e \"version: '3.1'\\n\\nservices:\\n\\n  db:\\n    image: mysql:5.7\\n    command: --default-authentication-plugin=mysql_native_password\\n    restart: always\\n    environment:\\n      MYSQL_ROOT_PASSWORD: example\\n\\n  web:\\n    image: nginx:1.21-alpine\\n    ports:\\n      - 8080:80\\n\" > docker-compose.yml");
  await page.waitForSelector("#step-status.done");
  await typeLine(page, "docker-compose up -d");
  await page.waitForFunction(() => /Step 2 of 5/.test(document.querySelector("#step-goal")?.textContent) && document.querySelector("#step-status.done"));
  const out = await page.locator("#terminal .output").last().innerText();
  assert.match(out, /Creating ec2-user_db_1 \.\.\. done\nCreating ec2-user_web_1 \.\.\. done$/, out);
  await page.click("#tab-filesystem");
  await page.waitForSelector('#filesystem-panel .container-fs[data-container="ec2-user_web_1"]');
  await page.waitForSelector('#filesystem-panel .container-fs[data-container="ec2-user_db_1"]');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("the language switches at any time, and stays after a reload", async () => {
  const page = await freshPage();
  await page.selectOption("#lesson-select", { label: "3. Network namespace: what ifconfig sees" });
  await page.selectOption("#lang-select", "ja");
  assert.match(await text(page, "#step-goal"), /ホストのインターフェース/);
  assert.match(await text(page, "#undo"), /元に戻す/);
  await page.reload();
  await page.waitForSelector("#terminal-input");
  assert.match(await text(page, "h1"), /コンテナ プレイグラウンド/);
  await shot(page, "processes-ja", "processes");
  await page.context().close();
});

test("a permalink reproduces the commands, the lesson step and the language", async () => {
  const first = await freshPage();
  await first.selectOption("#lesson-select", { label: "3. Network namespace: what ifconfig sees" });
  await typeLine(first, "ifconfig");
  await typeLine(first, "sudo ip netns add red");
  await first.click("#permalink");
  const link = await first.locator("#permalink-url").inputValue();
  assert.match(link, /lesson=network-namespace/);
  await first.context().close();

  const page = await freshPage(link.slice(server.url.length));
  assert.match(await text(page, "#step-goal"), /Step 2 of 6/);
  await page.waitForSelector("#step-status.done");
  await page.click("#tab-network");
  await page.waitForSelector('#network-panel [data-netns="red"]');
  assert.match(await text(page, "#terminal"), /sudo ip netns add red/);

  const ja = await freshPage("?lesson=pid-namespace&step=2&lang=ja&cmds=" + encodeURIComponent("sudo unshare --pid --fork --mount-proc sh\nps aux"));
  assert.match(await text(ja, "#step-goal"), /ステップ 2/);
  assert.equal(await ja.locator("#processes-panel .ns-box").count(), 2);
  await page.context().close();
  await ja.context().close();
});

test("damaged storage is reset with a message", async () => {
  const page = await freshPage();
  await page.evaluate(() => localStorage.setItem("container-playground.v1", "{\"version\": 1, \"progress\": [broken"));
  await page.reload();
  await page.waitForSelector("#notice");
  assert.match(await text(page, "#notice"), /could not be read/);
  await typeLine(page, "echo still works");
  assert.match(await text(page, "#terminal"), /still works/);
  await page.context().close();
});

test("a teacher's lesson file: errors name the line; a good one opens", async () => {
  const page = await freshPage();
  await page.click("#load-lesson");
  const bad = '{\n  "format": 1,\n  "id": "mine",\n  "title": { "en": "Mine" }\n  "intro": {}\n}\n';
  await page.setInputFiles("#lesson-file", { name: "mine.json", mimeType: "application/json", buffer: Buffer.from(bad) });
  await page.waitForSelector("#notice.error");
  assert.match(await text(page, "#notice"), /mine\.json: line 5, column 3: expected `,` or `}`/);
  const good = JSON.stringify({
    format: 1, id: "mine", draft: true, title: { en: "My lesson" }, intro: { en: "Hello" },
    steps: [{ id: "one", goal: { en: "Make red" }, check: { netns_exists: { name: "red" } }, solution: ["sudo ip netns add red"], explain: { en: "Done." } }],
  }, null, 2);
  await page.setInputFiles("#lesson-file", { name: "mine.json", mimeType: "application/json", buffer: Buffer.from(good) });
  await page.waitForFunction(() => document.querySelector("#lesson-title")?.textContent.includes("My lesson"));
  await page.click("#type-for-me");
  await page.waitForSelector("#step-status.done", { timeout: 5000 });
  await page.context().close();
});

test("presenter mode: keys step through the lesson, Alt+T types the solution", async () => {
  const page = await freshPage();
  await page.selectOption("#lesson-select", { label: "1. Containers are processes, not machines" });
  await page.click("#presenter");
  await page.locator("#terminal-input").focus();
  await page.keyboard.press("Alt+t");
  await page.waitForSelector("#step-status.done", { timeout: 5000 });
  assert.match(await text(page, "#terminal"), /uname -r/);
  await page.keyboard.press("PageDown");
  assert.match(await text(page, "#step-goal"), /Step 2 of 3/);
  await page.keyboard.press("PageUp");
  assert.match(await text(page, "#step-goal"), /Step 1 of 3/);
  await page.screenshot({ path: `${SHOTS}/presenter.png` });
  await page.context().close();
});

test("keyboard only: Tab reaches the toolbar, the lesson buttons and the panels", async () => {
  const page = await freshPage("?lesson=pid-namespace");
  const seen = new Set();
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    seen.add(await page.evaluate(() => document.activeElement?.id || document.activeElement?.getAttribute("role") || ""));
  }
  for (const id of ["lesson-select", "lang-select", "reset", "show-solution", "terminal-input", "tab-network"]) {
    assert.ok(seen.has(id), `Tab reaches #${id}: ${[...seen].join(" ")}`);
  }
  assert.equal(await page.locator("#terminal[aria-live]").count(), 1, "output is announced");
  await page.context().close();
});

test("a first visit loads the lighter build, under 500 KB gzip; docker hands over to the full build", async () => {
  const counting = await serve(DIST, { gzip: true });
  // The service worker is kept out: it fetches the full build for offline use after load.
  const context = await browser.newContext({ serviceWorkers: "block", viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const wasm = [];
  page.on("request", (r) => { if (r.url().endsWith(".wasm")) wasm.push(new URL(r.url()).pathname); });
  try {
    await page.goto(counting.url);
    await typeLine(page, "uname -r");
    await page.waitForFunction(() => /amzn2\.x86_64/.test(document.querySelector("#terminal .output")?.innerText));
    assert.deepEqual(wasm, ["/pkg/frontend_bg.wasm"]);
    assert.ok(counting.bytesSent < 500_000, `first load: ${counting.bytesSent} bytes gzip`);
    // The lighter build has no Docker code: the full build takes over and runs the command.
    await typeLine(page, "docker run -d --name web -p 8080:80 nginx:1.21-alpine");
    await page.waitForFunction(() => /^[0-9a-f]{64}$/m.test(document.querySelector("#terminal")?.innerText));
    assert.deepEqual(wasm, ["/pkg/frontend_bg.wasm", "/pkg/full/frontend_bg.wasm"]);
    await page.click("#tab-socket");
    await page.waitForSelector('#socket-panel .exchange[data-target="/v1.41/containers/create?name=web"]');
    await typeLine(page, "curl localhost:8080");
    await page.waitForFunction(() => /Welcome to nginx!/.test(document.querySelector("#terminal")?.innerText));
    const shown = await text(page, "#terminal");
    // The session before the hand-over is still there, typed again on the full build.
    assert.match(shown, /uname -r\n4\.14\.\d+-\d+\.\d+\.amzn2\.x86_64/, shown);
    assert.equal(shown.match(/docker run -d --name web/g)?.length, 1, shown);
    // This browser needed the full build: a reload loads it first.
    wasm.length = 0;
    await page.reload();
    await page.waitForFunction(() => /Welcome to nginx!/.test(document.querySelector("#terminal")?.innerText));
    assert.deepEqual(wasm, ["/pkg/full/frontend_bg.wasm"]);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    counting.close();
  }
});

test("offline: once loaded, the page works without the network", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForSelector("#terminal-input");
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector("#terminal-input");
  await typeLine(page, "echo offline-ok");
  assert.match(await text(page, "#terminal"), /offline-ok/);
  // The full build was cached too: Docker works offline after a first visit that never used it.
  await typeLine(page, "docker version --format '{{.Server.Version}}'");
  await page.waitForFunction(() => /^20\.10\.\d+\S*$/m.test(document.querySelector("#terminal")?.innerText));
  await context.close();
});

test("progress is exported as a file and imported back", async () => {
  const page = await freshPage("?lesson=containers-vs-vms");
  await typeLine(page, "uname -r");
  await page.waitForSelector("#step-status.done");
  await page.click("#progress");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-progress")]);
  const exported = JSON.parse(await (await download.createReadStream()).toArray().then((c) => Buffer.concat(c).toString()));
  assert.deepEqual(exported.progress["containers-vs-vms"], ["kernel"]);

  const other = await freshPage();
  assert.equal(await other.locator("#step-status.done").count(), 0);
  await other.click("#progress");
  await other.locator("#import-text").fill("{ not json");
  await other.click("#import-button");
  assert.match(await text(other, "#notice"), /could not be read/);
  await other.locator("#import-text").fill(JSON.stringify(exported));
  await other.click("#import-button");
  await other.waitForSelector("#step-status.done");
  assert.match(await text(other, "#terminal"), /uname -r/);
  await page.context().close();
  await other.context().close();
});

test("a teacher's lesson by URL (?lesson-url=): a broken file names its line; a reload keeps the session", async () => {
  const dir = mkdtempSync(resolve(tmpdir(), "lessons-"));
  writeFileSync(resolve(dir, "bad.json"), '{\n  "format": 1,\n  "id": "Bad Id",\n  "title": { "en": "x" },\n  "intro": { "en": "y" },\n  "steps": []\n}\n');
  const other = await serve(dir);
  try {
    const page = await freshPage("?lesson-url=" + encodeURIComponent(other.url + "bad.json"));
    await page.waitForSelector("#notice.error");
    assert.match(await text(page, "#notice"), /bad\.json: line 3, column 3: the lesson id "Bad Id" must be/);
    assert.equal(new URL(page.url()).search, "", "the parameters are dropped once applied");

    const link = await freshPage("?mode=sandbox&cmds=" + encodeURIComponent("sudo ip netns add red"));
    await typeLine(link, "sudo ip netns add blue");
    await link.reload();
    await link.waitForSelector("#terminal-input");
    assert.match(await text(link, "#terminal"), /netns add red[\s\S]*netns add blue/, "the reload keeps what was typed after the permalink");
    await page.context().close();
    await link.context().close();
  } finally {
    other.close();
  }
});
