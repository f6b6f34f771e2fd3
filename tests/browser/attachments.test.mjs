// End-to-end test of attachments in a real Chromium, against `interdict demo`.
//
// A customs analyst attaches a photo to a report of the customs service; a coast guard
// analyst (their memorandum shares intelligence) sees its thumbnail on the report's page
// and opens the full picture; an HTML page named .png is refused on the page. The
// section is looked at in English, Korean and Thai. Screenshots go to ./screenshots/
// (attachments-*.png).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startDemo, launch, newPage, signIn, shot, shots } from "./harness.mjs";

const password = "demo-password-attachments";
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

async function inLanguage(page, lang) {
  const here = new URL(page.url());
  await page.goto(`${node.base}/lang?set=${lang}&next=${encodeURIComponent(here.pathname + here.search)}`);
}

test("a photo attached by the customs service is opened by the coast guard", async () => {
  const { base } = node;
  const kcs = await as("kcs.analyst");
  await kcs.page.goto(`${base}/reports?agency=KR-KCS&tlp=GREEN&status=published`);
  const link = kcs.page.locator("table a[href^='/reports/']").first();
  const reportPath = await link.getAttribute("href");
  await kcs.page.goto(`${base}${reportPath}`);
  await kcs.page.locator("#attachments").waitFor();

  // A photo: a screenshot of the page's header, as a PNG.
  const photo = await kcs.page.screenshot({ clip: { x: 0, y: 0, width: 900, height: 500 } });
  const photoPath = join(shots, "attachments-photo.png");
  writeFileSync(photoPath, photo);
  await kcs.page.setInputFiles("#attachment-file", photoPath);
  await Promise.all([kcs.page.waitForNavigation(), kcs.page.click(".attach-form button[type=submit]")]);
  const item = kcs.page.locator("#attachments li.attachment", { hasText: "attachments-photo.png" });
  await item.waitFor();
  const thumb = item.locator("img");
  await thumb.waitFor();
  assert.ok(await thumb.evaluate((img) => img.complete && img.naturalWidth === 320), "the thumbnail is 320 pixels wide");
  await kcs.page.locator("#attachments").scrollIntoViewIfNeeded();
  await shot(kcs.page, "attachments-01-kcs-en");

  // An HTML page named .png is refused, with the reason beside the form.
  const fakePath = join(shots, "attachments-fake.png");
  writeFileSync(fakePath, "<!DOCTYPE html><html><body><script>alert(1)</script></body></html>");
  await kcs.page.setInputFiles("#attachment-file", fakePath);
  await Promise.all([kcs.page.waitForNavigation(), kcs.page.click(".attach-form button[type=submit]")]);
  assert.match(await kcs.page.locator(".attach-form .field-error").innerText(), /not taken/);
  await shot(kcs.page, "attachments-02-refused-en");

  // The coast guard's analyst sees the thumbnail, no form, and opens the picture.
  const kcg = await as("kcg.analyst");
  await kcg.page.goto(`${base}${reportPath}`);
  const seen = kcg.page.locator("#attachments li.attachment", { hasText: "attachments-photo.png" });
  await seen.waitFor();
  assert.equal(await kcg.page.locator(".attach-form").count(), 0);
  assert.match(await seen.innerText(), /kcs\.analyst/);
  const href = await seen.locator("a.thumb").getAttribute("href");
  const opened = await kcg.page.request.get(`${base}${href}`);
  assert.equal(opened.status(), 200);
  assert.equal(opened.headers()["content-type"], "image/png");
  assert.equal(opened.headers()["x-content-type-options"], "nosniff");
  assert.ok(Buffer.from(await opened.body()).equals(photo), "the picture as attached");
  for (const [lang, title] of [["ko", "첨부 파일"], ["th", "ไฟล์แนบ"], ["en", "Attachments"]]) {
    await inLanguage(kcg.page, lang);
    await kcg.page.locator("#attachments h2", { hasText: title }).waitFor();
    await kcg.page.locator("#attachments").scrollIntoViewIfNeeded();
    await shot(kcg.page, `attachments-03-kcg-${lang}`);
  }
  await kcs.page.goto(`${base}${reportPath}`);
  await inLanguage(kcs.page, "th");
  await kcs.page.locator("#attachments h2", { hasText: "ไฟล์แนบ" }).waitFor();
  await shot(kcs.page, "attachments-04-kcs-th");
  await inLanguage(kcs.page, "ko");
  await shot(kcs.page, "attachments-05-kcs-ko");

  // The customs service's auditor sees the coast guard's opening in its log.
  const admin = await as("kcs.admin");
  await admin.page.goto(`${base}/audit?action=attachment`);
  await admin.page.locator("td", { hasText: "kcg.analyst" }).first().waitFor();
  await shot(admin.page, "attachments-06-audit-en");
});
