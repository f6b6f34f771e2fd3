// End-to-end test of administration in a real Chromium, against `interdict demo`.
//
// The customs service's administrator creates an officer with two roles, makes an API
// token for them (its secret shown once, copied with the button, working against the
// API until it is revoked), and ends the agreement with US HSI in twelve days, which
// the agreements page then marks as ending soon. An analyst has no administration link
// and is refused the pages. The pages are looked at in English, Korean and Thai.
// Screenshots go to ./screenshots/ (admin-*.png).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startDemo, launch, newPage, signIn, shot } from "./harness.mjs";

const password = "demo-password-admin";
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

function day(offset) {
  const d = new Date(Date.now() + offset * 86_400_000);
  return d.toISOString().slice(0, 10);
}

async function inLanguage(page, lang, path) {
  await page.goto(`${node.base}/lang?set=${lang}&next=${encodeURIComponent(path)}`);
  assert.equal(await page.getAttribute("html", "lang"), lang);
}

async function me(token) {
  return fetch(`${node.base}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
}

test("an administrator manages users, tokens and agreements in the browser", async () => {
  const { base } = node;
  const kcs = await newPage(browser, base);
  await kcs.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  await signIn(kcs.page, base, "kcs.admin", password);
  await Promise.all([kcs.page.waitForURL(`${base}/admin/users`), kcs.page.click("nav.mainnav a[href='/admin/users']")]);
  await kcs.page.locator("#users tr[data-user='kcs.analyst']").waitFor();
  assert.equal(await kcs.page.locator("#users tr[data-user^='kcg.']").count(), 0, "only the agency's own users");

  // A new officer with two roles.
  await kcs.page.fill("#username", "kcs.park");
  await kcs.page.fill("#display_name", "Park Ji-won");
  await kcs.page.fill("#password", "first-password-park");
  await kcs.page.check("#new-user input[name=roles][value=watch_officer]");
  await Promise.all([kcs.page.waitForURL(/\/admin\/users\/kcs\.park\?done=created$/), kcs.page.click("#new-user button[type=submit]")]);
  await kcs.page.locator("#notice").waitFor();
  assert.equal(await kcs.page.textContent("h1"), "Park Ji-won");
  const roles = await kcs.page.locator("#roles input[name=roles]:checked").evaluateAll((boxes) => boxes.map((b) => b.value));
  assert.deepEqual(roles, ["analyst", "watch_officer"]);

  // A token for a program: shown once, copied, working until revoked.
  await kcs.page.fill("#token_name", "seizure import");
  await kcs.page.fill("#token_days", "30");
  await Promise.all([kcs.page.waitForNavigation(), kcs.page.click("#token-form button[type=submit]")]);
  const secret = await kcs.page.inputValue("#new-token-value");
  assert.ok(secret.length > 20, "the secret is shown");
  const copy = kcs.page.locator("#new-token button[data-copy]");
  await copy.waitFor();
  await copy.click();
  await kcs.page.locator("#new-token button[data-copy]", { hasText: "Copied" }).waitFor();
  assert.equal(await kcs.page.evaluate(() => navigator.clipboard.readText()), secret);
  await shot(kcs.page, "admin-02-token-en");
  const answer = await me(secret);
  assert.equal(answer.status, 200);
  assert.equal((await answer.json()).username, "kcs.park");
  await kcs.page.goto(`${base}/admin/users/kcs.park`);
  assert.equal(await kcs.page.locator("#new-token-value").count(), 0, "shown once only");
  assert.ok(!(await kcs.page.content()).includes(secret));
  await Promise.all([kcs.page.waitForURL(/done=revoked/), kcs.page.click("#tokens tr[data-token] form button")]);
  assert.equal((await me(secret)).status, 401);
  await shot(kcs.page, "admin-03-user-en");

  await kcs.page.goto(`${base}/admin/users`);
  await kcs.page.locator("#users tr[data-user='kcs.park']").waitFor();
  await shot(kcs.page, "admin-01-users-en");

  // The agreement with HSI ends in twelve days: marked as ending soon.
  await kcs.page.click("nav.mainnav a[href='/agreements']");
  await kcs.page.waitForURL(`${base}/agreements`);
  assert.equal(await kcs.page.textContent("#count-ending"), "0");
  const hsi = kcs.page.locator("#agreements tr", { hasText: "US-HSI" });
  await hsi.locator("input[name=on]").fill(day(12));
  await Promise.all([kcs.page.waitForURL(/done=ended/), hsi.locator("button[type=submit]").click()]);
  assert.equal(await kcs.page.textContent("#count-ending"), "1");
  await kcs.page.locator("#agreements tr.ending", { hasText: "US-HSI" }).waitFor();
  assert.match(await kcs.page.locator("#agreements tr.ending .status-ending").innerText(), /ends in 1[12] days/);
  await shot(kcs.page, "admin-04-agreements-en");

  // The same pages in Korean and Thai.
  for (const [lang, users, ending] of [
    ["ko", "사용자 생성", "일 이내 만료"],
    ["th", "สร้างผู้ใช้", "สิ้นสุดภายใน"],
  ]) {
    await inLanguage(kcs.page, lang, "/admin/users");
    assert.ok((await kcs.page.textContent("#new-user")).includes(users));
    await shot(kcs.page, `admin-01-users-${lang}`);
    await kcs.page.goto(`${base}/admin/users/kcs.park`);
    await kcs.page.fill("#token_name", "e2e");
    await Promise.all([kcs.page.waitForNavigation(), kcs.page.click("#token-form button[type=submit]")]);
    await kcs.page.locator("#new-token-value").waitFor();
    await shot(kcs.page, `admin-02-token-${lang}`);
    await kcs.page.goto(`${base}/admin/users/kcs.park`);
    await shot(kcs.page, `admin-03-user-${lang}`);
    await kcs.page.goto(`${base}/agreements`);
    assert.ok((await kcs.page.textContent("#agreement-counts")).includes(ending));
    await shot(kcs.page, `admin-04-agreements-${lang}`);
  }
  await inLanguage(kcs.page, "en", "/");
  assert.deepEqual(kcs.problems, []);
  await kcs.context.close();

  // The new officer signs in; an analyst has no administration.
  const park = await newPage(browser, base);
  await signIn(park.page, base, "kcs.park", "first-password-park");
  assert.equal(await park.page.locator("nav.mainnav a[href='/admin/users']").count(), 0);
  const refused = await park.page.goto(`${base}/admin/users`);
  assert.equal(refused.status(), 403);
  await shot(park.page, "admin-05-refused-en");
  await park.context.close();
});
