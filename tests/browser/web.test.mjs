// End-to-end test of the web interface in a real Chromium, against `interdict demo`.
//
// A KCS analyst switches to Korean, files a TLP:AMBER report on a vessel named in
// Hangul, finds it by a Korean fragment and logs out; the KCG analyst (AMBER agreement)
// sees it; the Thai analyst (GREEN only) does not, neither in search nor by its address.
//
// Environment: INTERDICT_BIN (default target/debug/interdict under the repository
// root), CHROMIUM (default /usr/bin/chromium). Screenshots go to ./screenshots/.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startDemo, launch, newPage as harnessPage, shot } from "./harness.mjs";

const password = "demo-password-e2e";
const runId = Date.now().toString(36).slice(-5);
const title = `해양호 환적 첩보 ${runId}`;

let node;
let base;
let browser;

before(async () => {
  node = await startDemo(password);
  base = node.base;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await node?.stop();
});

function newPage() {
  return harnessPage(browser, base);
}

async function signIn(page, username, screenshot) {
  await page.goto(`${base}/`);
  assert.match(page.url(), /\/login\?next=%2F$/);
  if (screenshot) await shot(page, screenshot);
  await page.fill("#username", username);
  await page.fill("#password", password);
  await Promise.all([page.waitForURL(`${base}/`), page.click("button[type=submit]")]);
  await page.locator(".who-user", { hasText: username }).waitFor();
}


async function searchFor(page, fragment) {
  await page.click("nav.mainnav a[href='/search']");
  await page.fill("#q", fragment);
  await Promise.all([page.waitForURL(/\/search\?q=/), page.click("form.filters button[type=submit]")]);
}

test("a Korean report is filed, found, and shared only as agreements allow", async () => {
  // KCS analyst, in Korean.
  const kcs = await newPage();
  await signIn(kcs.page, "kcs.analyst", "00-login-en");
  await shot(kcs.page, "01-dashboard-en");
  assert.equal(await kcs.page.getAttribute("html", "lang"), "en");
  await Promise.all([kcs.page.waitForURL(`${base}/`), kcs.page.click("a.lang-switch[hreflang=ko]")]);
  assert.equal(await kcs.page.getAttribute("html", "lang"), "ko");
  await kcs.page.locator("h1", { hasText: "대시보드" }).waitFor();
  await shot(kcs.page, "02-dashboard-ko");

  // The report form.
  await kcs.page.click("nav.mainnav a[href='/reports']");
  await Promise.all([kcs.page.waitForURL(`${base}/reports/new`), kcs.page.click("a[href='/reports/new']")]);
  await kcs.page.fill("#title", title);
  await kcs.page.fill("#narrative", "파나마 선적 화물선 해양호가 공해상에서 메트암페타민을 환적할 것으로 보임.");
  await kcs.page.selectOption("#grading", "B2");
  // The recipients box shows for TLP:RED only.
  await kcs.page.selectOption("#tlp", "RED");
  assert.equal(await kcs.page.isVisible("#recipients"), true);
  await kcs.page.selectOption("#tlp", "AMBER");
  assert.equal(await kcs.page.isVisible("#recipients"), false);
  await kcs.page.check("input[name=drugs][value=methamphetamine]");
  await kcs.page.fill("#modus_operandi", "선박 간 환적");
  const rows = kcs.page.locator("tbody[data-rows=subject] tr.subject-row");
  await rows.nth(0).locator("select[name=subject_kind]").selectOption("vessel");
  await rows.nth(0).locator("input[name=subject_name]").fill("해양호");
  await rows.nth(0).locator("input[name=subject_id]").fill("9074729");
  await rows.nth(0).locator("select[name=subject_country]").selectOption("PA");
  await kcs.page.click("button[data-add-row=subject]");
  assert.equal(await rows.count(), 2);
  await rows.nth(1).locator("select[name=subject_kind]").selectOption("phone");
  await rows.nth(1).locator("input[name=subject_id]").fill("+82 10 1234 5678");
  // A person's aliases and a place's position show on rows of that kind only.
  await kcs.page.click("button[data-add-row=subject]");
  const third = rows.nth(2);
  assert.equal(await third.locator("input[name=subject_aliases]").isVisible(), true, "aliases on a person row");
  assert.equal(await third.locator("input[name=subject_lat]").isVisible(), false, "no position on a person row");
  await third.locator("select[name=subject_kind]").selectOption("place");
  assert.equal(await third.locator("input[name=subject_aliases]").isVisible(), false, "no aliases on a place row");
  assert.equal(await third.locator("input[name=subject_lat]").isVisible(), true, "position on a place row");
  await third.locator("input[name=subject_name]").fill("감천항 묘박지");
  await third.locator("input[name=subject_lat]").fill("35.0781");
  await third.locator("input[name=subject_lon]").fill("129.0123");
  await kcs.page.click("button[data-add-row=subject]");
  const fourth = rows.nth(3);
  await fourth.locator("input[name=subject_name]").fill("김민준");
  await fourth.locator("input[name=subject_aliases]").fill("김사장, Captain Kim");
  await shot(kcs.page, "03-report-form-ko");

  // A wrong IMO check digit is refused, the field marked and the input kept.
  await rows.nth(0).locator("input[name=subject_id]").fill("9074728");
  await Promise.all([
    kcs.page.waitForURL(`${base}/reports`),
    kcs.page.click("form.record-form button[type=submit]"),
  ]);
  await kcs.page.locator("tr.subject-row.invalid").first().waitFor();
  const problems = await kcs.page.textContent("main");
  assert.ok(problems.includes("올바른 IMO 번호가 아닙니다"), "the IMO error in Korean");
  assert.ok(!problems.includes("check digit"), "no English error on a Korean page");
  assert.equal(await kcs.page.inputValue("#title"), title);
  await shot(kcs.page, "03b-report-form-error-ko");
  await kcs.page.locator("tbody[data-rows=subject] tr.subject-row").nth(0).locator("input[name=subject_id]").fill("9074729");
  await Promise.all([
    kcs.page.waitForURL(/\/reports\/[0-9a-f-]{36}$/),
    kcs.page.click("form.record-form button[type=submit]"),
  ]);
  const detailUrl = kcs.page.url();
  const detail = await kcs.page.textContent("main");
  assert.ok(detail.includes(title));
  assert.ok(detail.includes("TLP:AMBER"));
  assert.ok(detail.includes("9074729"));
  assert.ok(detail.includes("선박"), "subject kind in Korean");
  assert.ok(detail.includes("파나마"), "flag state in Korean");
  assert.ok(detail.includes("35.0781°N 129.0123°E"), "the place's position");
  assert.ok(detail.includes("Captain Kim"), "the person's aliases");
  await shot(kcs.page, "04-report-detail-ko");

  // Found by a Korean fragment.
  await searchFor(kcs.page, "해양");
  await kcs.page.locator("table.search-results a", { hasText: title }).waitFor();
  await shot(kcs.page, "05-search-ko");

  // A seizure linked to the report by its address.
  await kcs.page.goto(`${base}/seizures/new`);
  await shot(kcs.page, "05b-seizure-form-ko");
  await kcs.page.fill("#place_name", "부산신항");
  await kcs.page.selectOption("#place_country", "KR");
  await kcs.page.locator("tbody[data-rows=item] input[name=item_quantity]").first().fill("12.5");
  await kcs.page.fill("#linked_reports", `${detailUrl}\nnot-a-report`);
  await Promise.all([kcs.page.waitForURL(`${base}/seizures`), kcs.page.click("form.record-form button[type=submit]")]);
  assert.ok((await kcs.page.textContent("main")).includes("not-a-report: 해당 보고서를 찾을 수 없습니다."));
  await kcs.page.locator("#linked_reports").scrollIntoViewIfNeeded();
  await shot(kcs.page, "05b2-seizure-form-error-ko");
  await kcs.page.fill("#linked_reports", detailUrl);
  await Promise.all([
    kcs.page.waitForURL(/\/seizures\/[0-9a-f-]{36}$/),
    kcs.page.click("form.record-form button[type=submit]"),
  ]);
  const reportPath = new URL(detailUrl).pathname;
  assert.equal(await kcs.page.locator(`a[href='${reportPath}']`).count(), 1, "the seizure links the report");
  assert.equal(await kcs.page.locator(`a[href='${reportPath}']`).textContent(), title, "by its title");
  await shot(kcs.page, "05b3-seizure-detail-ko");
  // Following the link, and back from the report to the seizure.
  const seizurePath = new URL(kcs.page.url()).pathname;
  await Promise.all([kcs.page.waitForURL(detailUrl), kcs.page.click(`a[href='${reportPath}']`)]);
  const back = kcs.page.locator(`ul.references a[href='${seizurePath}']`);
  assert.equal(await back.count(), 1, "the report links back to the seizure");
  assert.ok((await kcs.page.textContent("main")).includes("이 보고서를 참조하는 압수 기록"));
  await shot(kcs.page, "05b4-report-links-back-ko");
  await Promise.all([kcs.page.waitForURL(`${base}${seizurePath}`), back.click()]);
  // A subject leads to a search for it.
  await Promise.all([kcs.page.waitForURL(detailUrl), kcs.page.click(`a[href='${reportPath}']`)]);
  await Promise.all([kcs.page.waitForURL(/\/search\?q=9074729$/), kcs.page.click("a[href='/search?q=9074729']")]);
  await kcs.page.locator("table.search-results a", { hasText: title }).waitFor();
  // Identifiers typed as officers write them, and the drug by a Korean street name
  // where the report names it otherwise (메트암페타민), find the report too.
  for (const q of ["IMO 9074729", "IMO9074729", "필로폰"]) {
    await kcs.page.fill("main input[name=q]", q);
    await Promise.all([
      kcs.page.waitForURL((url) => url.pathname === "/search" && url.searchParams.get("q") === q),
      kcs.page.press("main input[name=q]", "Enter"),
    ]);
    await kcs.page.locator("table.search-results a", { hasText: title }).waitFor();
  }
  await shot(kcs.page, "05c-search-korean-drug-ko");

  // An unknown address is a page in Korean, with the way home.
  const missing = await kcs.page.goto(`${base}/no/such/page`);
  assert.equal(missing.status(), 404);
  assert.ok((await kcs.page.textContent("h1")).includes("페이지를 찾을 수 없음"));
  assert.equal(await kcs.page.locator("main a[href='/']").count(), 1);
  await shot(kcs.page, "05d-not-found-ko");
  await kcs.page.goto(`${base}/agreements`);
  await shot(kcs.page, "05c-agreements-ko");

  // Log out.
  await Promise.all([kcs.page.waitForURL(/\/login$/), kcs.page.click("form[action='/logout'] button")]);
  const after = await kcs.page.goto(detailUrl);
  assert.match(kcs.page.url(), /\/login\?next=/, "the session is gone");
  assert.equal(after.status(), 200);
  assert.deepEqual(kcs.problems, []);
  await kcs.context.close();

  // The coast guard shares intelligence up to AMBER: it sees the report.
  const kcg = await newPage();
  await signIn(kcg.page, "kcg.analyst");
  await searchFor(kcg.page, "해양");
  const hit = kcg.page.locator("table.search-results a", { hasText: title });
  await hit.waitFor();
  await Promise.all([kcg.page.waitForURL(detailUrl), hit.click()]);
  assert.ok((await kcg.page.textContent("main")).includes("KR-KCS"));
  assert.equal(await kcg.page.locator("a[href$='/edit']").count(), 0, "a partner cannot edit");
  await shot(kcg.page, "06-kcg-sees-report");
  assert.deepEqual(kcg.problems, []);
  await kcg.context.close();

  // Thai customs shares up to GREEN only: the report does not exist for it.
  const thai = await newPage();
  await signIn(thai.page, "thai.analyst");
  await searchFor(thai.page, "해양");
  assert.equal(await thai.page.locator("table.search-results a", { hasText: title }).count(), 0);
  await shot(thai.page, "07-thai-search");
  const response = await thai.page.goto(detailUrl);
  assert.equal(response.status(), 404);
  assert.ok(!(await thai.page.textContent("body")).includes("해양호"));
  await shot(thai.page, "08-thai-not-found");
  await thai.page.goto(`${base}/reports`);
  await shot(thai.page, "08b-thai-reports-list");
  await thai.page.setViewportSize({ width: 390, height: 844 });
  await thai.page.goto(`${base}/reports/new`);
  await shot(thai.page, "08c-narrow-report-form");
  await thai.page.goto(`${base}/reports`);
  assert.equal(await thai.page.locator("a", { hasText: title }).count(), 0);
  await thai.context.close();

  // An administrator reads the audit log, which records the partner's read.
  const admin = await newPage();
  await signIn(admin.page, "kcs.admin");
  await admin.page.click("nav.mainnav a[href='/audit']");
  await admin.page.locator("table.audit tbody tr").first().waitFor();
  await shot(admin.page, "09-audit-en");
  // Filtered to the partner's analyst: only their entries, naming the report they read.
  await admin.page.fill("#actor", "kcg.analyst");
  await Promise.all([admin.page.waitForNavigation(), admin.page.click("form.filters button[type=submit]")]);
  const entries = admin.page.locator("table.audit tbody tr");
  await entries.first().waitFor();
  const actors = await entries.evaluateAll((rs) => rs.map((r) => r.cells[2].textContent));
  assert.ok(actors.length > 0 && actors.every((a) => a.includes("kcg.analyst")), actors.join("|"));
  const reportId = detailUrl.split("/").pop();
  assert.ok((await admin.page.locator(`table.audit a[href='/audit?target=${reportId}']`).count()) > 0);
  await shot(admin.page, "09b-audit-filtered-en");
  // The id leads to everything the log holds about the report, in Korean too.
  await admin.page.goto(`${base}/lang?set=ko&next=/audit?target=${reportId}`);
  await admin.page.locator("table.audit tbody tr").first().waitFor();
  assert.ok((await admin.page.textContent("table.audit")).includes("첩보 보고서"));
  await shot(admin.page, "09c-audit-target-ko");
  await admin.context.close();
});

/// The days of the seizure rows shown, in order.
async function daysShown(page) {
  return page.locator("table.data tbody tr[data-day]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-day")));
}

test("lists sort by a column and filter by dates, in English, Korean and Thai", async () => {
  const { context, page, problems } = await newPage();
  await signIn(page, "kcs.analyst");
  for (const lang of ["en", "ko", "th"]) {
    if (lang !== "en") {
      await Promise.all([page.waitForURL(`${base}/`), page.click(`a.lang-switch[hreflang=${lang}]`)]);
    }
    assert.equal(await page.getAttribute("html", "lang"), lang);
    await shot(page, `20-dashboard-${lang}`);
    await page.click("nav.mainnav a[href='/seizures']");
    // Newest day first by default.
    const days = await daysShown(page);
    assert.ok(days.length > 1, "the demo has seizures");
    assert.deepEqual(days, [...days].sort().reverse(), "newest day first");
    assert.equal(await page.getAttribute("th[data-sort=date]", "aria-sort"), "descending");
    await shot(page, `21-seizures-${lang}`);

    // By place, ascending, then descending: the heading toggles.
    await Promise.all([page.waitForURL(/sort=place$/), page.click("th[data-sort=place] a")]);
    assert.equal(await page.getAttribute("th[data-sort=place]", "aria-sort"), "ascending");
    const places = await page.locator("table.data tbody td.title-cell a").allTextContents();
    const folded = places.map((p) => p.toLowerCase());
    assert.deepEqual(folded, [...folded].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), `places ascending: ${places}`);
    await shot(page, `22-seizures-by-place-${lang}`);
    await Promise.all([page.waitForURL(/sort=-place$/), page.click("th[data-sort=place] a")]);
    assert.equal(await page.getAttribute("th[data-sort=place]", "aria-sort"), "descending");

    // Paging forwards and back keeps the order.
    const firstPage = await page.locator("table.data tbody td.title-cell a").allTextContents();
    if (await page.locator("a[rel=next]").count()) {
      await Promise.all([page.waitForURL(/trail=/), page.click("a[rel=next]")]);
      await Promise.all([page.waitForURL(/sort=-place/), page.click("a[rel=prev]")]);
      assert.deepEqual(await page.locator("table.data tbody td.title-cell a").allTextContents(), firstPage);
    }

    // A date range: the month of the newest seizure.
    const month = days[0].slice(0, 7);
    await page.fill("#from", `${month}-01`);
    await page.fill("#to", `${month}-28`);
    await Promise.all([page.waitForURL(/from=/), page.click("form.filters button[type=submit]")]);
    const inRange = await daysShown(page);
    assert.ok(inRange.every((d) => d >= `${month}-01` && d <= `${month}-28`), `${inRange}`);
    await shot(page, `23-seizures-dated-${lang}`);

    // A seizure and its history.
    await page.goto(`${base}/seizures?agency=KR-KCS`);
    await Promise.all([page.waitForURL(/\/seizures\/[0-9a-f-]{36}$/), page.locator("table.data tbody td.title-cell a").first().click()]);
    await shot(page, `24-seizure-detail-${lang}`);
    await Promise.all([page.waitForURL(/\/history$/), page.click("a[href$='/history']")]);
    await page.locator("table.history").waitFor();
    await shot(page, `25-history-${lang}`);
    await page.goto(`${base}/search?q=Busan&sort=-date`);
    await shot(page, `26-search-${lang}`);
    await page.goto(`${base}/`);
  }
  assert.deepEqual(problems, []);
  await context.close();
});
