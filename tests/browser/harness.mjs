// What the browser tests share: a demo node on a free port, Chromium with the flags
// the machines allow, pages that record console errors and requests leaving the node,
// signing in, and screenshots.
//
// Environment: INTERDICT_BIN (default target/debug/interdict under the repository
// root), CHROMIUM (default /usr/bin/chromium). Screenshots go to ./screenshots/.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..");
export const bin = resolve(root, process.env.INTERDICT_BIN || "target/debug/interdict");
export const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
export const shots = join(here, "screenshots");

export function freePort() {
  return new Promise((ok, fail) => {
    const probe = createServer();
    probe.once("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => ok(port));
    });
  });
}

// Starts `interdict demo` with `password` in a fresh data directory and waits until it
// answers; returns { base, stop }.
export async function startDemo(password) {
  assert.ok(existsSync(bin), `no interdict binary at ${bin}; build it or set INTERDICT_BIN`);
  mkdirSync(shots, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), "interdict-e2e-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let log = "";
  const server = spawn(bin, ["demo", "--port", String(port), "--data-dir", dataDir, "--password", password], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, INTERDICT_SECURE_COOKIES: "false" },
  });
  server.stdout.on("data", (d) => (log += d));
  server.stderr.on("data", (d) => (log += d));
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`interdict exited with ${server.exitCode}:\n${log}`);
    if (Date.now() > deadline) throw new Error(`interdict did not become healthy:\n${log}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const stop = async () => {
    if (server.exitCode === null) {
      server.kill("SIGTERM");
      await new Promise((r) => server.once("exit", r));
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { base, stop, log: () => log };
}

// Chromium headless with the flags the machines allow; WebGL runs on the CPU
// (SwiftShader), which MapLibre needs without a GPU.
export async function launch() {
  assert.ok(existsSync(chromiumPath), `no Chromium at ${chromiumPath}`);
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--use-angle=swiftshader",
      "--enable-unsafe-swiftshader",
    ],
  });
}

// A page in a context of its own; `problems` collects console errors, page errors and
// requests to anywhere but the node.
export async function newPage(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB" });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => {
    // Chromium logs every 4xx page as a console error; the tests check statuses themselves.
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource: the server responded with a status of 4")) {
      problems.push(m.text());
    }
  });
  page.on("pageerror", (e) => problems.push(String(e)));
  page.on("request", (r) => {
    if (!r.url().startsWith(base)) problems.push(`request outside the node: ${r.url()}`);
  });
  return { context, page, problems };
}

export async function signIn(page, base, username, password) {
  await page.goto(`${base}/login`);
  await page.fill("#username", username);
  await page.fill("#password", password);
  await Promise.all([page.waitForURL(`${base}/`), page.click("button[type=submit]")]);
  await page.locator(".who-user", { hasText: username }).waitFor();
}

export async function shot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}
