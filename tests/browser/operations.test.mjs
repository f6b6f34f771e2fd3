// End-to-end test of joint operations in a real Chromium, against `interdict demo`.
//
// The customs service's coordinator creates an operation with the Thai customs, draws
// its area on the map, names officers and starts it; the KCS analyst posts a warning;
// the Thai analyst answers it with feedback and files a seizure from the board, and the
// results tally goes from nothing to one case. The operation centre is looked at in
// English, Korean and Thai, and the demo's closed operation MEKONG TIDE shows the
// figures of the seeds (35 cases, 22 kg of methamphetamine, 290,000 Yaba tablets) in its
// after-action report. Screenshots go to ./screenshots/ (operation-*.png).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startDemo, launch, newPage, signIn, shot } from "./harness.mjs";

const password = "demo-password-ops";
const code = `TIDE ${Date.now().toString(36).slice(-4).toUpperCase()}`;
let node;
let browser;

before(async () => {
  node = await startDemo(password);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await node?.stop();
});

async function as(username) {
  const session = await newPage(browser, node.base);
  await signIn(session.page, node.base, username, password);
  return session;
}

async function signOut(page) {
  await Promise.all([page.waitForURL(/\/login$/), page.click("form[action='/logout'] button")]);
}

// Waits until the operation's map has drawn its data and MapLibre has painted it.
async function mapReady(page) {
  await page.waitForFunction(() => window.interdictOperationMap?.ready === true, null, { timeout: 60_000 });
  await page.evaluate(() => new Promise((ok) => { const map = window.interdictOperationMap.map; map.once("idle", ok); map.triggerRepaint(); }));
}

async function openOperation(page, name) {
  await page.click("nav.mainnav a[href='/operations']");
  await page.waitForURL(`${node.base}/operations`);
  await Promise.all([page.waitForURL(/\/operations\/[0-9a-f-]{36}$/), page.click(`#operations a:text-is("${name}")`)]);
}

test("an operation is created, drawn, run from its board and tallied", async () => {
  const { base } = node;
  // The KCS coordinator creates the operation and draws its area.
  const lead = await as("kcs.ops");
  await lead.page.click("nav.mainnav a[href='/operations']");
  await Promise.all([lead.page.waitForURL(`${base}/operations/new`), lead.page.click("a[href='/operations/new']")]);
  await lead.page.fill("#code_name", code);
  await lead.page.check("input[name=agencies][value=TH-CUSTOMS]");
  await lead.page.fill("#objectives", "Stop Yaba tablets moving through Laem Chabang");
  await lead.page.fill("#targets", "vessel: SEA DRAGON 7; IMO 9176187");
  await mapReady(lead.page);
  await lead.page.click("#op-draw");
  const canvas = lead.page.locator("#op-map canvas");
  const box = await canvas.boundingBox();
  for (const [x, y] of [[0.4, 0.4], [0.6, 0.4], [0.6, 0.6], [0.4, 0.6]]) {
    await lead.page.mouse.click(box.x + box.width * x, box.y + box.height * y);
  }
  const area = JSON.parse(await lead.page.inputValue("#area"));
  await lead.page.evaluate(() => new Promise((ok) => { const map = window.interdictOperationMap.map; map.once("idle", ok); map.triggerRepaint(); }));
  assert.equal(area.type, "Polygon");
  assert.equal(area.coordinates[0].length, 5, "four corners and the first again");
  await shot(lead.page, "operation-01-new-en");
  await Promise.all([lead.page.waitForURL(/\/operations\/[0-9a-f-]{36}$/), lead.page.click("#operation-form button[type=submit]")]);
  const centre = lead.page.url();
  await lead.page.locator("h1", { hasText: code }).waitFor();
  for (const officer of ["kcs.analyst", "thai.analyst"]) {
    await lead.page.fill("#officer", officer);
    await Promise.all([lead.page.waitForNavigation(), lead.page.click("#op-officers button[type=submit]:has-text('Add')")]);
  }
  await Promise.all([lead.page.waitForNavigation(), lead.page.click("#op-activate")]);
  assert.ok((await lead.page.textContent("h1")).includes("Active"));
  assert.deepEqual(lead.problems, []);
  await signOut(lead.page);

  // The KCS analyst warns of a consignment.
  const kcs = await as("kcs.analyst");
  await kcs.page.goto(centre);
  await kcs.page.click("#post-warning summary");
  await kcs.page.fill("#warning-title", "Reefer containers of frozen fish from Laem Chabang");
  await kcs.page.fill("#warning-profile", "Consignee registered last month; freight paid in cash");
  await kcs.page.fill("#warning-subjects", "container: MSKU 907032-3");
  await Promise.all([kcs.page.waitForNavigation(), kcs.page.click("#post-warning button[type=submit]")]);
  await kcs.page.locator(".board-message.kind-warning").waitFor();
  assert.equal(await kcs.page.textContent("#tally-cases"), "0");
  // A message with a file: a file that is not what it says is refused beside the form.
  await kcs.page.click("#post-message summary");
  await kcs.page.fill("#message-text", "Manifest of the reefer attached");
  await kcs.page.setInputFiles("#message-files", { name: "manifest.pdf", mimeType: "application/pdf", buffer: Buffer.from("MZ not a pdf") });
  await Promise.all([kcs.page.waitForNavigation(), kcs.page.click("#post-message button[type=submit]")]);
  await kcs.page.locator("#post-message .field-error").waitFor();
  await kcs.page.fill("#message-text", "Manifest of the reefer attached");
  await kcs.page.setInputFiles("#message-files", { name: "manifest.csv", mimeType: "text/csv", buffer: Buffer.from("container,seal\nMSKU9070323,TH12345\n") });
  await Promise.all([kcs.page.waitForNavigation(), kcs.page.click("#post-message button[type=submit]")]);
  const link = kcs.page.locator(".attachments a", { hasText: "manifest.csv" });
  await link.waitFor();
  const download = await kcs.page.request.get(`${base}${await link.getAttribute("href")}`);
  assert.equal(download.status(), 200);
  assert.match(await download.text(), /MSKU9070323/);
  assert.deepEqual(kcs.problems, []);
  await signOut(kcs.page);

  // The Thai analyst answers with feedback and files the seizure from the board.
  const thai = await as("thai.analyst");
  await thai.page.goto(centre);
  const warning = thai.page.locator(".board-message.kind-warning");
  await warning.locator("details.reply summary").click();
  await warning.locator("select[name=action]").selectOption("seized");
  await warning.locator("input[name=place]").fill("Laem Chabang");
  await Promise.all([thai.page.waitForNavigation(), warning.locator("button[type=submit]").click()]);
  await thai.page.locator(".board-message.kind-feedback").waitFor();
  await thai.page.click("#post-seizure summary");
  const form = thai.page.locator("#post-seizure form");
  await form.locator("#place_name").fill("Laem Chabang");
  await form.locator("#place_country").selectOption("TH");
  await form.locator("select[name=item_drug]").first().selectOption("yaba");
  await form.locator("input[name=item_quantity]").first().fill("12000");
  await form.locator("select[name=item_unit]").first().selectOption("tablets");
  await form.locator("#arrests").fill("2");
  await form.locator("#tlp").selectOption("AMBER");
  await Promise.all([thai.page.waitForNavigation(), form.locator("button[type=submit]").first().click()]);
  await thai.page.locator(".board-message.kind-seizure").waitFor();
  assert.equal(await thai.page.textContent("#tally-cases"), "1");
  assert.equal(await thai.page.textContent("#tally-arrests"), "2");
  assert.match(await thai.page.textContent("#tally-quantities"), /12,000/);
  // The feedback names the warning's readers: the Thai analyst read it.
  assert.match(await warning.locator(".read-by").textContent(), /thai\.analyst/);
  await mapReady(thai.page);
  await shot(thai.page, "operation-02-centre-en");
  for (const lang of ["ko", "th"]) {
    await Promise.all([thai.page.waitForNavigation(), thai.page.click(`a.lang-switch[hreflang=${lang}]`)]);
    assert.equal(await thai.page.getAttribute("html", "lang"), lang);
    await mapReady(thai.page);
    await shot(thai.page, `operation-03-centre-${lang}`);
  }
  assert.deepEqual(thai.problems, []);
  await thai.context.close();

  // Japan, without an agreement or a membership, learns nothing of it.
  const japan = await as("japan.analyst");
  const answer = await japan.page.goto(centre);
  assert.equal(answer.status(), 404);
  await japan.context.close();
});

test("the demo's closed operation reproduces the seeds' figures", async () => {
  const thai = await as("thai.analyst");
  await openOperation(thai.page, "MEKONG TIDE");
  assert.equal(await thai.page.textContent("#tally-cases"), "35");
  const quantities = await thai.page.textContent("#tally-quantities");
  assert.match(quantities, /Methamphetamine\s*22\s*kg/i);
  assert.match(quantities, /290,000\s*tablets/i);
  await mapReady(thai.page);
  await shot(thai.page, "operation-04-mekong-en");
  await Promise.all([thai.page.waitForNavigation(), thai.page.click("a:has-text('After-action report')")]);
  await thai.page.locator("#after-action").waitFor();
  assert.equal(await thai.page.locator("#report-seizures tbody tr").count(), 35);
  await thai.page.emulateMedia({ media: "print" });
  await shot(thai.page, "operation-05-report-print");
  assert.deepEqual(thai.problems, []);
  await thai.context.close();

  // The coast guard's operation at sea shows its area with the scenario's vessels.
  const kcg = await as("kcg.analyst");
  await openOperation(kcg.page, "EAST SEA NET");
  await mapReady(kcg.page);
  const picture = await kcg.page.evaluate(() => window.interdictOperationMap.picture);
  assert.ok(picture.area, "the area is drawn");
  await shot(kcg.page, "operation-06-east-sea-en");
  assert.deepEqual(kcg.problems, []);
  await kcg.context.close();
});

test("seizure statistics are charted in English and Korean", async () => {
  const kcs = await as("kcs.analyst");
  await kcs.page.click("nav.mainnav a[href='/statistics']");
  await kcs.page.waitForURL(/\/statistics/);
  await kcs.page.locator("#stats-table table.data tbody tr").first().waitFor();
  // Chart.js has drawn on every canvas.
  for (const id of ["chart-series", "chart-stacked", "chart-agencies", "chart-regions"]) {
    const drawn = await kcs.page.evaluate((id) => Boolean(window.Chart?.getChart(document.getElementById(id))), id);
    assert.ok(drawn, `${id} drawn`);
  }
  await shot(kcs.page, "statistics-01-en");
  await Promise.all([kcs.page.waitForNavigation(), kcs.page.click("a.lang-switch[hreflang=ko]")]);
  assert.equal(await kcs.page.getAttribute("html", "lang"), "ko");
  await kcs.page.locator("#stats-table table.data tbody tr").first().waitFor();
  await shot(kcs.page, "statistics-02-ko");
  assert.deepEqual(kcs.problems, []);
  await kcs.context.close();
});
