// End-to-end test of capacity building in a real Chromium, against `interdict demo`.
//
// The customs service's training coordinator schedules a session of the demo's course
// for the coast guard; the coast guard's coordinator enrols an officer; the customs
// coordinator records attendance and a pass, which issues a certificate; the PDF is
// downloaded and verified on the public /verify page (no login), and an altered copy is
// refused. The training overview (with its month calendar), the session and the
// verification are looked at in English and Korean. Screenshots go to
// ./screenshots/ (training-*.png).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startDemo, launch, newPage, signIn, shot, shots } from "./harness.mjs";

const password = "demo-password-training";
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

async function inKorean(page, run) {
  const back = page.url();
  await page.goto(`${node.base}/lang?set=ko&next=${encodeURIComponent(new URL(back).pathname + new URL(back).search)}`);
  await run();
  await page.goto(`${node.base}/lang?set=en&next=${encodeURIComponent(new URL(back).pathname + new URL(back).search)}`);
}

function day(offset) {
  const d = new Date(Date.now() + offset * 86_400_000);
  return d.toISOString().slice(0, 10);
}

test("an enrolment goes through attendance to a certificate that verifies", async () => {
  const { base } = node;
  // KCS schedules a session of its course for two KCG officers.
  const kcs = await as("kcs.training");
  await kcs.page.click("nav.mainnav a[href='/training']");
  await kcs.page.waitForURL(`${base}/training`);
  await kcs.page.locator("#training-calendar").waitFor();
  await shot(kcs.page, "training-01-overview-en");
  await inKorean(kcs.page, async () => {
    await kcs.page.locator("h1", { hasText: "교육" }).waitFor();
    await shot(kcs.page, "training-02-overview-ko");
  });
  await kcs.page.fill("#new-session input[name=starts_on]", day(0));
  await kcs.page.fill("#new-session input[name=ends_on]", day(1));
  await kcs.page.fill("#new-session input[name=place]", "Busan Customs, room 301");
  await kcs.page.fill("#new-session input[name=instructors]", "Choi Eun-ji, Kim Dae-sung");
  await kcs.page.fill("#new-session input[name=seats_KR-KCG]", "2");
  await Promise.all([kcs.page.waitForURL(/\/training\/sessions\/[0-9a-f-]{36}$/), kcs.page.click("#new-session button[type=submit]")]);
  const sessionUrl = kcs.page.url();

  // KCG's training coordinator enrols an officer.
  const kcg = await as("kcg.training");
  await kcg.page.goto(sessionUrl);
  await kcg.page.selectOption("#enrol select[name=officer]", "kcg.ops");
  await Promise.all([kcg.page.waitForNavigation(), kcg.page.click("#enrol button[type=submit]")]);
  const row = kcg.page.locator("#enrolment-kcg\\.ops");
  await row.waitFor();
  assert.match(await row.locator("td.enrolment-status").innerText(), /Enrolled/);
  await shot(kcg.page, "training-03-enrolled-en");

  // KCS records attendance and a pass: the certificate is issued.
  await kcs.page.goto(sessionUrl);
  const hostRow = kcs.page.locator("#enrolment-kcg\\.ops");
  await hostRow.locator("select[name=attended]").selectOption("true");
  await Promise.all([kcs.page.waitForNavigation(), hostRow.locator("form[action$='/attendance'] button").click()]);
  await hostRow.locator("select[name=result]").selectOption("passed");
  await hostRow.locator("input[name=score]").fill("91");
  await Promise.all([kcs.page.waitForNavigation(), hostRow.locator("form[action$='/assessment'] button").click()]);
  const download = hostRow.locator("a.cert-download");
  await download.waitFor();
  await shot(kcs.page, "training-04-certified-en");
  await inKorean(kcs.page, async () => {
    await kcs.page.locator("#enrolment-kcg\\.ops a.cert-download").waitFor();
    await shot(kcs.page, "training-05-certified-ko");
  });

  // The officer's agency downloads the certificate.
  await kcg.page.goto(sessionUrl);
  const href = await kcg.page.locator("#enrolment-kcg\\.ops a.cert-download").getAttribute("href");
  const response = await kcg.page.request.get(`${base}${href}`);
  assert.equal(response.status(), 200);
  assert.equal(response.headers()["content-type"], "application/pdf");
  const pdf = Buffer.from(await response.body());
  assert.equal(pdf.subarray(0, 5).toString(), "%PDF-");
  const pdfPath = join(shots, "training-certificate.pdf");
  writeFileSync(pdfPath, pdf);

  // Anyone verifies it, without logging in.
  const anon = await newPage(browser, base);
  await anon.page.goto(`${base}/verify`);
  await anon.page.setInputFiles("input[name=file]", pdfPath);
  await Promise.all([anon.page.waitForNavigation(), anon.page.click("form[action='/verify'] button")]);
  const outcome = anon.page.locator("#verdict-outcome");
  assert.equal(await outcome.getAttribute("data-outcome"), "genuine");
  assert.match(await anon.page.locator("#verified-officer").innerText(), /kcg\.ops/);
  await shot(anon.page, "training-06-verified-en");
  await anon.page.goto(`${base}/lang?set=ko&next=/verify`);
  await anon.page.setInputFiles("input[name=file]", pdfPath);
  await Promise.all([anon.page.waitForNavigation(), anon.page.click("form[action='/verify'] button")]);
  assert.match(await anon.page.locator("#verdict-outcome").innerText(), /진본/);
  await shot(anon.page, "training-07-verified-ko");

  // An altered copy (another name) is refused.
  const text = pdf.toString("latin1");
  const start = text.indexOf("/InterdictCertificate (") + "/InterdictCertificate (".length;
  const end = text.indexOf(")", start);
  const content = JSON.parse(Buffer.from(text.slice(start, end), "base64").toString("utf8"));
  content.officer_name = "Someone Else";
  const forged = Buffer.from(text.slice(0, start) + Buffer.from(JSON.stringify(content)).toString("base64") + text.slice(end), "latin1");
  const forgedPath = join(shots, "training-certificate-altered.pdf");
  writeFileSync(forgedPath, forged);
  await anon.page.goto(`${base}/lang?set=en&next=/verify`);
  await anon.page.setInputFiles("input[name=file]", forgedPath);
  await Promise.all([anon.page.waitForNavigation(), anon.page.click("form[action='/verify'] button")]);
  assert.equal(await anon.page.locator("#verdict-outcome").getAttribute("data-outcome"), "signature_invalid");
  await shot(anon.page, "training-08-altered-en");

  // The officer's training record lists the course with its certificate.
  await kcg.page.goto(`${base}/training/record?officer=kcg.ops`);
  await kcg.page.locator("#record a", { hasText: "컨테이너" }).first().waitFor();
  await shot(kcg.page, "training-09-record-en");
  await kcg.page.goto(`${base}/training/reports`);
  await kcg.page.locator("#report-hours td", { hasText: "KR-KCG" }).waitFor();
  await inKorean(kcg.page, async () => {
    await shot(kcg.page, "training-10-reports-ko");
  });
});
