// End-to-end test of correlation and deconfliction in a real Chromium, against
// `interdict demo`.
//
// The customs service files a report on 해양호 (IMO 9074729) and sees the coast
// guard's report on HAE YANG HO linked to it. The Thai customs, whose agreement with
// the customs service stops at TLP:GREEN, files one on HAE YANG HO: it sees only that
// KR-KCS holds something on that IMO number, and whom to call. The customs service sees
// the hit among those on its records and discloses its record; the Thai report then
// links it. Screenshots go to ./screenshots/ (deconfliction-*.png).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startDemo, launch, newPage, signIn, shot } from "./harness.mjs";

const password = "demo-password-hits";
const run = Date.now().toString(36).slice(-4);
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

// Files a report naming one vessel and returns the address of its page.
async function fileReport(page, title, tlp, vesselName, imo) {
  await page.goto(`${node.base}/reports/new`);
  await page.fill("#title", title);
  await page.fill("#narrative", `${vesselName} expected at Busan with a reefer container.`);
  await page.selectOption("#grading", "B2");
  await page.selectOption("#tlp", tlp);
  const row = page.locator("tbody[data-rows=subject] tr.subject-row").first();
  await row.locator("select[name=subject_kind]").selectOption("vessel");
  await row.locator("input[name=subject_name]").fill(vesselName);
  await row.locator("input[name=subject_id]").fill(imo);
  await Promise.all([page.waitForURL(/\/reports\/[0-9a-f-]{36}$/), page.click("form.record-form button[type=submit]")]);
  await page.locator("#correlations").waitFor();
  return page.url();
}

test("a match across scripts is a link where readable and a hit where not", async () => {
  const kcs = await as("kcs.analyst");
  await Promise.all([kcs.page.waitForNavigation(), kcs.page.click("a.lang-switch[hreflang=ko]")]);
  await fileReport(kcs.page, `해양호 입항 첩보 ${run}`, "AMBER", "해양호", "9074729");
  const links = kcs.page.locator("#correlations ul.correlation-links li");
  await links.first().waitFor();
  const linked = await links.allTextContents();
  assert.ok(linked.some((l) => l.includes("HAE YANG HO") && l.includes("KR-KCG")), linked.join("\n"));
  await shot(kcs.page, "deconfliction-01-kcs-links-ko");

  // The vessel's profile: both spellings, the coast guard's report in the graph and
  // the list, then back to the report.
  const report = kcs.page.url();
  await Promise.all([kcs.page.waitForURL(/\/profiles\/reports\/[0-9a-f-]{36}\/0$/), kcs.page.click("a.profile-link >> nth=0")]);
  await kcs.page.locator(".profile-graph svg circle.node-subject").waitFor();
  const spellings = await kcs.page.locator("#spellings").textContent();
  assert.ok(spellings.includes("해양호") && spellings.includes("HAE YANG HO"), spellings);
  const rows = await kcs.page.locator("#profile-records tbody tr").allTextContents();
  assert.ok(rows.some((r) => r.includes("HAE YANG HO") && r.includes("KR-KCG")), rows.join("\n"));
  assert.ok((await kcs.page.locator(".profile-graph svg a").count()) >= 2, "records in the graph");
  await shot(kcs.page, "deconfliction-01b-profile-ko");
  await kcs.page.goto(report);

  // The Thai customs may not read the customs service's AMBER reports: a hit only.
  const thai = await as("thai.analyst");
  const ours = await fileReport(thai.page, `HAE YANG HO watch ${run}`, "GREEN", "HAE YANG HO", "IMO 9074729");
  const hits = await thai.page.locator("#correlations ul.correlation-hits li").allTextContents();
  assert.ok(hits.some((h) => h.includes("KR-KCS") && h.includes("9074729")), hits.join("\n"));
  const panel = await thai.page.textContent("#correlations");
  assert.ok(!panel.includes("부산항 입항 예정 선박 해양호"), "no title of an unreadable record");
  await shot(thai.page, "deconfliction-02-thai-hit-en");

  // The owner is told, and discloses one record with one action.
  await kcs.page.goto(`${node.base}/`);
  const waiting = Number(await kcs.page.textContent("#open-hits .card-value"));
  assert.ok(waiting >= 1, `hits awaiting an answer: ${waiting}`);
  await kcs.page.click("#open-hits");
  await kcs.page.waitForURL(`${node.base}/deconfliction`);
  const row = kcs.page.locator("tr.hit", { hasText: "TH-CUSTOMS" }).first();
  await row.waitFor();
  await shot(kcs.page, "deconfliction-03-kcs-hits-ko");
  await Promise.all([kcs.page.waitForNavigation(), row.locator("form[action$='/disclose'] button").click()]);
  await kcs.page.locator("tr.hit", { hasText: "TH-CUSTOMS" }).first().waitFor();

  // The Thai report now links the disclosed record.
  await thai.page.goto(ours);
  const after = await thai.page.locator("#correlations ul.correlation-links li").allTextContents();
  assert.ok(after.some((l) => l.includes("KR-KCS")), after.join("\n"));
  await Promise.all([thai.page.waitForNavigation(), thai.page.click("a.lang-switch[hreflang=th]")]);
  await shot(thai.page, "deconfliction-04-thai-disclosed-th");
  assert.deepEqual(kcs.problems, []);
  assert.deepEqual(thai.problems, []);
});
