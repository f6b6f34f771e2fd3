// End-to-end test of the live map in a real Chromium, against `interdict demo` fed with
// the simulated AIS scenario (`interdict ais simulate`).
//
// The coast guard adds two file sources: one replays part of the scenario at 120 times
// its recorded speed from now on (a ferry near Incheon, and from ten hours in, a second
// transmitter off Ulsan with the ferry's MMSI), the other the meeting at sea as it was
// recorded until four hours ago; the node is restarted so that its feeds start. Then the KCG
// analyst opens the map: vessel icons move between two samples, an identity alert arrives
// in the list while the page is open, and clicking it draws its evidence; clicking the
// recorded encounter draws both vessels. A vessel is clicked, an area is drawn, saved and
// deleted, and the page is looked at in English and Korean.
//
// Environment: INTERDICT_BIN, CHROMIUM as for web.test.mjs. Screenshots go to
// ./screenshots/ (map-*.png).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, launch } from "./harness.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..");
const bin = resolve(root, process.env.INTERDICT_BIN || "target/debug/interdict");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const password = "demo-password-map";
const shots = join(here, "screenshots");
const SPEED = 60;

let server;
let serverLog = "";
let dataDir;
let port;
let base;
let browser;


async function startNode() {
  serverLog = "";
  server = spawn(bin, ["demo", "--port", String(port), "--data-dir", dataDir, "--password", password], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, INTERDICT_SECURE_COOKIES: "false" },
  });
  server.stdout.on("data", (d) => (serverLog += d));
  server.stderr.on("data", (d) => (serverLog += d));
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`interdict exited with ${server.exitCode}:\n${serverLog}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`interdict did not become healthy:\n${serverLog}`);
}

async function stopNode() {
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
  }
}

// The scenario starting at `start` (Unix seconds), its lines from `from` to `to`
// seconds after the start, as a file to replay. The second sentence of a two-sentence
// message carries no time of its own and goes with the first.
function scenarioFile(dir, start, from, to) {
  execFileSync(bin, ["ais", "simulate", "--start", new Date(start * 1000).toISOString(), "--out-dir", dir], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const lines = readFileSync(join(dir, "ais.nmea"), "utf8").split("\n");
  let time = null;
  const kept = lines.filter((line) => {
    const match = /c:(\d+)/.exec(line);
    if (match) time = Number(match[1]) - start;
    return line.length > 0 && time !== null && time >= from && time <= to;
  });
  assert.ok(kept.length > 100, `the slice holds ${kept.length} lines`);
  const path = join(dir, "slice.nmea");
  writeFileSync(path, kept.join("\n") + "\n");
  return path;
}

before(async () => {
  assert.ok(existsSync(bin), `no interdict binary at ${bin}; build it or set INTERDICT_BIN`);
  assert.ok(existsSync(chromiumPath), `no Chromium at ${chromiumPath}`);
  mkdirSync(shots, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), "interdict-map-e2e-"));
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  await startNode();

  const now = Math.floor(Date.now() / 1000);
  // The coast guard's receivers, live: nine hours and a half into the scenario, a little
  // before the second transmitter appears, for three hours from a minute from now
  // (after the demo's own recorded day, which ends as the demo starts: the map shows a
  // vessel's newest position, and the same vessels must move past it), replayed quickly.
  const live = scenarioFile(mkdtempSync(join(tmpdir(), "interdict-map-ais-")), now - 9.5 * 3600 + 60, 9.5 * 3600, 12.5 * 3600);
  // And what they recorded earlier of the story (an encounter at sea, a vessel going
  // dark), ending four hours ago, read as fast as possible when the node starts; the
  // detectors take messages up to a day old.
  const recorded = scenarioFile(mkdtempSync(join(tmpdir(), "interdict-map-ais-")), now - 66 * 3600, 43 * 3600, 62 * 3600);
  const login = await fetch(`${base}/api/v1/auth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "kcg.analyst", password }),
  });
  assert.ok(login.ok, await login.clone().text());
  const { token } = await login.json();
  for (const [name, address] of [
    ["KCG west coast AIS", `${live}?speed=${SPEED}`],
    ["KCG AIS archive", recorded],
  ]) {
    const created = await fetch(`${base}/api/v1/sources`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ name, kind: "file", address, tlp: "GREEN" }),
    });
    assert.equal(created.status, 201, await created.clone().text());
  }
  // The node starts reading a new source within seconds; the live one replays from now.

  browser = await launch();

});

after(async () => {
  await browser?.close();
  await stopNode();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function shot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

// Waits for the map to have loaded its data, telling what the page complained of if not.
async function mapReady(page, problems) {
  try {
    await page.waitForFunction(() => window.interdictMap && window.interdictMap.ready, null, { timeout: 30_000 });
  } catch (error) {
    await shot(page, "map-failed");
    throw new Error(`the map did not load: ${problems.join("\n")}`, { cause: error });
  }
}

const positions = (page) =>
  page.evaluate(() =>
    Object.fromEntries(
      [...window.interdictMap.state.vessels.values()].filter((v) => v.lat !== undefined).map((v) => [v.mmsi, [v.lon, v.lat]]),
    ),
  );

test("the live map shows the picture moving, alerts arriving and their evidence", async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: "en-GB" });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(String(e)));
  page.on("request", (r) => {
    if (!r.url().startsWith(base)) problems.push(`request outside the node: ${r.url()}`);
  });
  page.on("dialog", (d) => d.accept());

  await page.goto(`${base}/`);
  await page.fill("#username", "kcg.analyst");
  await page.fill("#password", password);
  await Promise.all([page.waitForURL(`${base}/`), page.click("button[type=submit]")]);
  await Promise.all([page.waitForURL(`${base}/map`), page.click("nav.mainnav a[href='/map']")]);
  assert.equal(
    await page.locator("#map-assets-missing").count(),
    0,
    "the binary was built without the map assets: run `npm ci --prefix web` and build again",
  );
  await mapReady(page, problems);
  await page.locator("#map-status[data-state=live]").waitFor();
  const alertsAtLoad = await page.locator("#alert-list li[data-alert-id]").count();

  // Vessels are drawn and move.
  const first = await positions(page);
  assert.ok(Object.keys(first).length >= 3, `vessels at load: ${JSON.stringify(first)}`);
  await page.waitForTimeout(4000);
  const second = await positions(page);
  const moved = Object.keys(second).filter((m) => first[m] && (first[m][0] !== second[m][0] || first[m][1] !== second[m][1]));
  const events = await page.evaluate(() => window.interdictMap.state.positionEvents);
  if (moved.length === 0) await shot(page, "map-failed");
  assert.ok(moved.length >= 1, `some vessel moved between two samples (${events} positions received; ${problems.join("; ")})`);
  const rendered = await page.evaluate(() => window.interdictMap.map.queryRenderedFeatures({ layers: ["vessels"] }).length);
  assert.ok(rendered >= 1, "vessel icons are rendered on the map");
  await shot(page, "map-01-live-en");

  // An alert arrives while the page is open.
  await page.waitForFunction(
    (n) => document.querySelectorAll("#alert-list li[data-alert-id]").length > n,
    alertsAtLoad,
    { timeout: 240_000 },
  );
  const item = page.locator("#alert-list li[data-alert-id]").first();
  const kind = await item.getAttribute("data-kind");
  await item.locator("button").click();
  await page.locator("#alert-panel:not([hidden])").waitFor();
  await page.waitForFunction(() => window.interdictMap.state.evidence.features.some((f) => f.geometry.type === "LineString"), null, {
    timeout: 15_000,
  });
  await page.waitForTimeout(2000); // the flight to the evidence
  const inView = await page.evaluate(() => {
    const { map, state } = window.interdictMap;
    const alert = state.alerts.get(state.selectedAlert);
    return map.getBounds().contains([alert.lon, alert.lat]);
  });
  assert.ok(inView, "the map flew to the alert");
  const evidenceDrawn = await page.evaluate(() => window.interdictMap.map.queryRenderedFeatures({ layers: ["evidence-line"] }).length);
  assert.ok(evidenceDrawn >= 1, "the evidence track is drawn");
  assert.ok((await page.textContent("#alert-title")).length > 0);
  await shot(page, `map-02-alert-${kind}-en`);

  // The encounter recorded earlier: both vessels' tracks are drawn.
  const encounter = page.locator("#alert-list li[data-kind=encounter]").first();
  await encounter.waitFor({ timeout: 30_000 });
  await encounter.locator("button").click();
  await page.waitForFunction(() => window.interdictMap.state.evidence.features.some((f) => f.properties.role === "other"), null, {
    timeout: 15_000,
  });
  await page.waitForTimeout(2000);
  assert.ok((await page.textContent("#alert-facts")).includes("412440123"), "the other vessel is named");
  await shot(page, "map-02b-encounter-en");
  await page.click("#alert-close");

  // Clicking a vessel shows who it is and its track.
  await page.evaluate(async () => {
    const { map, state } = window.interdictMap;
    const vessel = [...state.vessels.values()].find((v) => v.name && v.lat !== undefined);
    map.jumpTo({ center: [vessel.lon, vessel.lat], zoom: 9 });
    await new Promise((resolve) => map.once("idle", resolve));
  });
  const target = await page.evaluate(() => {
    const { map } = window.interdictMap;
    const f = map.queryRenderedFeatures({ layers: ["vessels"] })[0];
    const p = map.project(f.geometry.coordinates);
    const box = map.getCanvas().getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y, mmsi: f.properties.mmsi };
  });
  await page.mouse.click(target.x, target.y);
  await page.locator("#vessel-panel:not([hidden])").waitFor();
  const facts = await page.textContent("#vessel-facts");
  assert.ok(facts.includes("MMSI"), facts);
  assert.ok(facts.includes("KR-KCG"), "the source agency");
  await page.locator("#vessel-search a").first().waitFor();
  await shot(page, "map-03-vessel-en");

  // Filters: an alert kind shows only its alerts; a kind with none empties the list.
  const present = await page.$$eval("#alert-list li[data-alert-id]", (items) => [...new Set(items.map((i) => i.dataset.kind))]);
  const kinds = await page.$$eval("#filter-kind option", (options) => options.map((o) => o.value).filter(Boolean));
  await page.selectOption("#filter-kind", present[0]);
  const shown = await page.$$eval("#alert-list li[data-alert-id]", (items) => items.map((i) => i.dataset.kind));
  assert.ok(shown.length > 0 && shown.every((k) => k === present[0]), `${present[0]}: ${shown}`);
  const absent = kinds.find((k) => !present.includes(k));
  if (absent) {
    await page.selectOption("#filter-kind", absent);
    assert.equal(await page.locator("#alert-list li[data-alert-id]").count(), 0, absent);
  }
  await page.selectOption("#filter-kind", "");
  await page.selectOption("#filter-type", "tanker");
  await page.selectOption("#filter-type", "");

  // An area is drawn, saved and deleted.
  await page.click("#area-draw");
  const box = await page.locator("#map").boundingBox();
  for (const [dx, dy] of [[0.3, 0.3], [0.6, 0.3], [0.6, 0.6], [0.3, 0.6]]) {
    await page.mouse.click(box.x + box.width * dx, box.y + box.height * dy);
  }
  await page.click("#draw-finish");
  await page.fill("#area-name", "Test watch box");
  await shot(page, "map-04-area-draw-en");
  await page.click("#area-save");
  const area = page.locator("#area-list li.map-area", { hasText: "Test watch box" });
  await area.waitFor();
  await area.locator("button.map-area-delete").click();
  await area.waitFor({ state: "detached" });

  // The page in Korean.
  await Promise.all([page.waitForURL(`${base}/map`), page.click("a.lang-switch[hreflang=ko]")]);
  assert.equal(await page.getAttribute("html", "lang"), "ko");
  await mapReady(page, problems);
  await page.locator("h1", { hasText: "실시간 지도" }).waitFor();
  await page.locator("#alert-list li[data-alert-id]").first().locator("button").click();
  await page.waitForFunction(() => window.interdictMap.state.evidence.features.some((f) => f.geometry.type === "LineString"), null, {
    timeout: 15_000,
  });
  await page.waitForTimeout(2000);
  await shot(page, "map-05-alert-ko");

  assert.deepEqual(problems, []);
  await context.close();
});
