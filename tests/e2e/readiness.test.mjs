// Readiness check-ins in a real browser (issue 6): a facilitator opens a
// round for two units with the ORIC scale and gets its short link and QR
// code; a participant on a phone (375 px) follows the link without an
// account, sends the form once without the required answer, then answers and
// gets the feedback for their stage with their own numbers and a private
// code. Nine more phones answer, and the facilitator's dashboard shows the
// response rate of the unit with a head count (axe-core clean there too).
// axe-core runs on every page; every touch target of the questionnaire
// is at least 44×44 px; no page scrolls sideways, logs a script error,
// violates the CSP or fails a request.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PHONE, formatViolations, runAxe, watchPage } from './support/browser.mjs';
import { useApp } from './support/fixture.mjs';

const app = useApp();
const PASSWORD = 'fire vanlige ord sammen';

async function setupLink() {
  for (let i = 0; i < 100; i++) {
    const m = /(\/oppsett\/[A-Za-z0-9_-]+)/.exec(app.server.stderr);
    if (m) return m[1];
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no setup link on the console:\n${app.server.stderr}`);
}

async function expectNoAxeViolations(page, what) {
  const r = await runAxe(page);
  assert.equal(r.violations.length, 0, `axe on ${what}:\n${formatViolations(r.violations)}`);
}

async function submit(page, button) {
  await Promise.all([page.waitForNavigation(), button.click()]);
}

// Every control a thumb has to hit on the questionnaire: buttons, text
// fields, and the labels of the (visually replaced) radios and checkboxes.
async function smallTouchTargets(page) {
  return page.evaluate(() => {
    const small = [];
    const targets = document.querySelectorAll(
      'main form button, main form textarea, main form input[type="text"], main form label[for]');
    for (const el of targets) {
      const forInput = el.tagName === 'LABEL' ? document.getElementById(el.htmlFor) : null;
      // Labels of text fields are not targets of their own.
      if (forInput && !['radio', 'checkbox'].includes(forInput.type)) continue;
      const r = el.getBoundingClientRect();
      if (r.width < 44 || r.height < 44) small.push(`${el.outerHTML.slice(0, 80)} ${r.width}×${r.height}`);
    }
    return small;
  });
}

async function noSidewaysScroll(page, what) {
  const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(over <= 0, `${what} scrolls sideways by ${over}px`);
}

function noProblems(problems, what) {
  assert.deepEqual(problems.consoleErrors, [], `console errors on ${what}`);
  assert.deepEqual(problems.pageErrors, [], `script errors on ${what}`);
  assert.deepEqual(problems.cspViolations, [], `CSP violations on ${what}`);
  assert.deepEqual(problems.failedRequests, [], `failed requests on ${what}`);
}

test('open a round → answer on a phone → feedback for the stage', async () => {
  const page = await app.page({ locale: 'nb-NO' });
  const problems = await watchPage(page);

  await page.goto(app.url + (await setupLink()));
  await page.getByLabel('Organisasjon', { exact: true }).fill('Færder kommune');
  await page.getByLabel('Fullt navn').fill('Kari Prosess');
  await page.getByLabel('E-postadresse').fill('kari@faerder.no');
  await page.getByLabel('Nytt passord').fill(PASSWORD);
  await page.getByLabel('Gjenta passordet').fill(PASSWORD);
  await page.getByRole('button', { name: 'Opprett organisasjon og administrator' }).click();
  await page.waitForURL(app.url + '/');

  // Two units, so the participant chooses one.
  for (const name of ['Hjemmetjenesten nord', 'Hjemmetjenesten sør']) {
    await page.goto(app.url + '/admin/enheter');
    await page.locator('#name').fill(name);
    await submit(page, page.locator('main form').filter({ has: page.locator('#name') })
      .locator('button[type="submit"]'));
  }

  await page.goto(app.url + '/initiativ/ny');
  await page.locator('#title').fill('Hverdagsrehabilitering');
  await submit(page, page.locator('main form button[type="submit"]').first());
  assert.match(page.url(), /\/initiativ\/[0-9a-f]{32}/, await page.locator('main').innerText());

  await page.getByRole('link', { name: 'Innsjekk', exact: true }).click();
  await page.waitForURL(/\/innsjekk$/);
  await expectNoAxeViolations(page, 'the rounds tab');
  await page.getByLabel('Navn på runden').fill('Oppstart');
  await page.getByLabel('Hjemmetjenesten nord', { exact: true }).check();
  await page.getByLabel('Hjemmetjenesten sør', { exact: true }).check();
  // The head count beside a unit, for the response rate.
  await page.getByLabel('Antall invitert (valgfritt) – Hjemmetjenesten nord').fill('12');
  await page.getByLabel(/Ta med organisasjonsskalaen ORIC/).check();
  await submit(page, page.getByRole('button', { name: 'Opprett runden' }));
  await page.waitForURL(/\/innsjekk\/[0-9a-f]{32}\?melding=opprettet$/);
  await expectNoAxeViolations(page, 'the round page');
  const link = await page.getByLabel('Kort lenke').inputValue();
  const code = /\/i\/([2-9A-HJKMNP-Z]{8})$/.exec(link)?.[1];
  assert.ok(code, `a short link: ${link}`);
  const qr = page.getByRole('img', { name: `QR-kode til innsjekken: ${link}` });
  assert.equal(await qr.count(), 1, 'the QR code is an image named by its link');
  await page.getByRole('link', { name: 'Vis plakat for utskrift' }).click();
  await page.waitForURL(/\/plakat$/);
  await expectNoAxeViolations(page, 'the poster');
  noProblems(problems, 'the facilitator pages');

  // The participant: another browser, a phone, no account, bokmål by default.
  const phone = await app.page({ locale: 'de-DE', viewport: PHONE });
  const phoneProblems = await watchPage(phone);
  await phone.goto(`${app.url}/i/${code}`);
  assert.equal(await phone.locator('html').getAttribute('lang'), 'nb');
  await expectNoAxeViolations(phone, 'the questionnaire');
  await noSidewaysScroll(phone, 'the questionnaire');
  assert.deepEqual(await smallTouchTargets(phone), [], 'touch targets of at least 44×44 px');
  assert.ok(await phone.getByText('Svarene dine er anonyme.').isVisible());

  // Sent without the required answer: the error, and nothing typed is lost.
  await phone.locator('label[for="viktighet-7"]').click();
  await phone.getByLabel('Hva skal til for at du blir overbevist').fill('Tid til å øve sammen');
  await submit(phone, phone.getByRole('button', { name: 'Send svaret' }));
  assert.ok(await phone.locator('.error-summary').isVisible(), 'an error summary');
  await expectNoAxeViolations(phone, 'the questionnaire with an error');
  assert.ok(await phone.locator('#viktighet-7').isChecked(), 'the ruler is kept');
  assert.equal(await phone.getByLabel('Hva skal til for at du blir overbevist').inputValue(), 'Tid til å øve sammen');
  // The 400 answer of that page is the only console message allowed.
  assert.equal(phoneProblems.consoleErrors.length, 1, phoneProblems.consoleErrors.join('\n'));
  assert.match(phoneProblems.consoleErrors[0], /status of 400/);
  noProblems({ ...phoneProblems, consoleErrors: [] }, 'the questionnaire with an error');
  await watchPage(phone);

  await phone.getByText('Hjemmetjenesten sør').click();
  await phone.getByText('Jeg har lyst til å endre dette i løpet av det neste halve året').click();
  await phone.locator('label[for="mestring-4"]').click();
  await phone.locator('label[for="oric_1-4"]').click();
  await phone.getByText('Gi meg en privat kode').click();
  await submit(phone, phone.getByRole('button', { name: 'Send svaret' }));
  await phone.getByRole('heading', { name: 'Takk for svaret' }).waitFor();
  await expectNoAxeViolations(phone, 'the feedback');
  await noSidewaysScroll(phone, 'the feedback');
  assert.ok(await phone.getByRole('heading', { name: /Overveielse/ }).isVisible(), 'the stage');
  assert.ok(await phone.getByText('Hvorfor et 7 og ikke 0?').isVisible());
  assert.ok(await phone.getByText('Hva skal til for å komme fra 4 til 5?').isVisible());
  assert.match(await phone.locator('.checkin-private-code__value').innerText(), /^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
  noProblems(phoneProblems, 'the participant pages');

  // The facilitator sees that a few have answered (not how many: fewer than
  // the minimum group), and the head count beside the unit.
  await page.goto(page.url().replace(/\/plakat$/, ''));
  assert.match(await page.locator('dl.facts').first().innerText(), /Svar\s+færre enn 5/);
  assert.match(await page.locator('dl.facts').first().innerText(), /Hjemmetjenesten nord \(12 invitert\)/);

  // Nine more phones answer, five for north and four for south, so both
  // units reach the minimum group of 5: the dashboard shows their figures
  // and the response rate beside north's count (5 of 12; south has no head
  // count). A hidden count never gets a rate (the HTTP tests).
  for (let k = 0; k < 9; k++) {
    // The phone's page again, its cookies cleared: another phone each time
    // (app.page keeps one page per locale; nb-NO is the facilitator's).
    const other = await app.page({ locale: 'de-DE', viewport: PHONE });
    await other.goto(`${app.url}/i/${code}`);
    await other.getByText(k < 5 ? 'Hjemmetjenesten nord' : 'Hjemmetjenesten sør').click();
    await other.getByText('Jeg er i gang med å endre dette nå').click();
    await submit(other, other.getByRole('button', { name: 'Send svaret' }));
    await other.getByRole('heading', { name: 'Takk for svaret' }).waitFor();
  }
  const dashboardProblems = await watchPage(page);
  await page.goto(page.url().replace(/\/innsjekk\/[0-9a-f]{32}.*$/, '/innsjekk/resultater'));
  await page.getByRole('heading', { name: 'Svar per enhet' }).waitFor();
  await expectNoAxeViolations(page, 'the dashboard');
  const units = page.locator('table', { has: page.getByRole('columnheader', { name: 'Svarprosent' }) });
  assert.equal(await units.count(), 1, 'one round with head counts');
  const north = units.getByRole('row', { name: /Hjemmetjenesten nord/ });
  assert.match(await north.innerText(), /5\s+12\s+42\s%/);
  const south = units.getByRole('row', { name: /Hjemmetjenesten sør/ });
  assert.match(await south.innerText(), /5\s+ikke oppgitt\s+ikke oppgitt/);
  noProblems(dashboardProblems, 'the dashboard');
});
