// End-to-end test of resource support in a real Chromium, against `interdict demo`.
//
// The coast guard's resource manager searches for a methamphetamine dog near Busan,
// asks the customs service for the nearest one, and the customs service's resource
// manager approves the request choosing the dog, then deploys it; the coast guard
// returns it with a usage report. The dog's month calendar shows the loan. Pages are
// looked at in English and Korean. Screenshots go to ./screenshots/ (resources-*.png).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startDemo, launch, newPage, signIn, shot } from "./harness.mjs";

const password = "demo-password-res";
const purpose = `Boarding of SEA DRAGON 7 ${Date.now().toString(36).slice(-4).toUpperCase()}`;
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

function day(offset) {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10);
}

const card = (page) => page.locator("article.loan", { hasText: purpose });

async function lang(page, code) {
  await Promise.all([page.waitForNavigation(), page.click(`a.lang-switch[hreflang=${code}]`)]);
  assert.equal(await page.getAttribute("html", "lang"), code);
}

test("a partner's request goes through approval and deployment to return", async () => {
  const { base } = node;
  // The coast guard searches and asks.
  const kcg = await as("kcg.resources");
  await kcg.page.click("nav.mainnav a[href='/resources']");
  await kcg.page.waitForURL(`${base}/resources`);
  await kcg.page.selectOption("#s-kind", "dog");
  await kcg.page.selectOption("#s-spec", "methamphetamine");
  await kcg.page.fill("#s-from", day(20));
  await kcg.page.fill("#s-to", day(22));
  await kcg.page.fill("#s-place", "Busan North Port");
  await kcg.page.fill("#s-lat", "35.11");
  await kcg.page.fill("#s-lon", "129.05");
  await Promise.all([kcg.page.waitForNavigation(), kcg.page.click("#res-search button[type=submit]")]);
  const rows = kcg.page.locator("#res-results tbody tr");
  assert.ok((await rows.count()) >= 2, "dogs of both agencies are found");
  // Nearest first: the KCG dog at the Busan station and KCS's Tori in Busan lead; Nuri,
  // whose certification expires before the loan ends, is not offered.
  const names = await rows.locator("td.title-cell").allInnerTexts();
  assert.ok(!names.some((n) => n.includes("Nuri")), names.join(", "));
  const distances = (await rows.locator("td.num").allInnerTexts()).map((t) => parseFloat(t));
  assert.deepEqual(distances, [...distances].sort((a, b) => a - b));
  await shot(kcg.page, "resources-01-search-en");
  const tori = kcg.page.locator("#res-results tbody tr", { hasText: "Tori" });
  await Promise.all([kcg.page.waitForURL(/\/loans\?new=1/), tori.locator("a.button").click()]);
  assert.equal(await kcg.page.inputValue("#r-from"), day(20));
  assert.equal(await kcg.page.inputValue("#r-lat"), "35.11");
  await kcg.page.fill("#r-purpose", purpose);
  await Promise.all([kcg.page.waitForNavigation(), kcg.page.click("#loan-request button[type=submit]")]);
  await card(kcg.page).waitFor();
  assert.equal(await card(kcg.page).getAttribute("data-status"), "requested");
  assert.deepEqual(kcg.problems, []);

  // The customs service approves, choosing Tori, and deploys.
  const kcs = await as("kcs.resources");
  await kcs.page.goto(`${base}/loans`);
  const mine = card(kcs.page);
  await mine.locator("form[action$='/approve'] select").selectOption({ label: "Tori (토리)" });
  await shot(kcs.page, "resources-02-loans-en");
  await Promise.all([kcs.page.waitForNavigation(), mine.locator("form[action$='/approve'] button").click()]);
  assert.equal(await card(kcs.page).getAttribute("data-status"), "approved");
  await Promise.all([kcs.page.waitForNavigation(), card(kcs.page).locator("form[action$='/deploy'] button").click()]);
  assert.equal(await card(kcs.page).getAttribute("data-status"), "deployed");
  await lang(kcs.page, "ko");
  await card(kcs.page).locator(".status", { hasText: "배치됨" }).waitFor();
  await shot(kcs.page, "resources-03-deployed-ko");
  // Deploying twice is refused with the reason.
  const again = await kcs.page.request.post(`${base}/loans/${(await card(kcs.page).getAttribute("id")).slice(5)}/deploy`, {
    form: { csrf: await kcs.page.inputValue("input[name=csrf]") },
    maxRedirects: 0,
  });
  assert.equal(again.status(), 303);
  assert.match(again.headers().location, /error=.*deployed/);
  assert.deepEqual(kcs.problems, []);

  // The coast guard returns it with a usage report.
  await kcg.page.goto(`${base}/loans`);
  const ret = card(kcg.page).locator("form[action$='/return']");
  await ret.locator("input[name=hours]").fill("14.5");
  await ret.locator("input[name=searches]").fill("6");
  await ret.locator("input[name=finds]").fill("1");
  await ret.locator("input[name=notes]").fill("One find behind the engine room panels");
  await Promise.all([kcg.page.waitForNavigation(), ret.locator("button").click()]);
  assert.equal(await card(kcg.page).getAttribute("data-status"), "returned");
  await card(kcg.page).locator(".usage", { hasText: "14.5" }).waitFor();
  await shot(kcg.page, "resources-04-returned-en");
  await lang(kcg.page, "ko");
  await card(kcg.page).locator(".status", { hasText: "반환됨" }).waitFor();
  await shot(kcg.page, "resources-05-returned-ko");
  await lang(kcg.page, "en");

  // Tori's calendar shows the loan in its month, coloured as on loan.
  await kcg.page.goto(`${base}/resources`);
  await Promise.all([kcg.page.waitForURL(/\/resources\/[0-9a-f-]{36}$/), kcg.page.click("#resources a:has-text('Tori')")]);
  let cell = kcg.page.locator(`td.cal-day[data-day='${day(20)}']`);
  if ((await cell.count()) === 0) {
    await Promise.all([kcg.page.waitForNavigation(), kcg.page.click("#cal-next")]);
    cell = kcg.page.locator(`td.cal-day[data-day='${day(20)}']`);
  }
  assert.match(await cell.getAttribute("class"), /cal-on_loan/);
  await shot(kcg.page, "resources-06-calendar-en");
  await lang(kcg.page, "ko");
  await kcg.page.locator("table.cal th", { hasText: "월" }).first().waitFor();
  await shot(kcg.page, "resources-07-calendar-ko");
  assert.deepEqual(kcg.problems, []);
});
