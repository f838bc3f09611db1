// Live workshops in a real browser (issue 8): a facilitator builds a
// workshop with two activities, starts it from the control view and reveals
// the results; the big screen (a second tab) and a phone (375 px, no
// account) are open at the same time. The phone's answer appears on the big
// screen without the screen reloading, and when the facilitator moves on the
// phone follows by itself. axe-core runs on every page; no page logs a
// script error, violates the CSP or fails a request.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PHONE, watchPage } from './support/browser.mjs';
import { useApp } from './support/fixture.mjs';
import { expectNoAxeViolations, noProblems, setUp, submit } from './support/steps.mjs';

const app = useApp();

test('build a workshop → a phone answers → the big screen shows it live → the phone follows', async () => {
  const page = await app.page({ locale: 'nb-NO' });
  const problems = await watchPage(page);

  await setUp(app, page, {
    organisation: 'Tønsberg kommune',
    name: 'Kari Prosess',
    email: 'kari@tonsberg.no',
    password: 'fire vanlige ord sammen',
  });

  await page.goto(app.url + '/initiativ/ny');
  await page.locator('#title').fill('Heltidskultur');
  await submit(page, page.locator('main form button[type="submit"]').first());
  assert.match(page.url(), /\/initiativ\/[0-9a-f]{32}/);

  await page.getByRole('link', { name: 'Verksted', exact: true }).click();
  await page.waitForURL(/\/verksted$/);
  await expectNoAxeViolations(page, 'the workshops tab');
  await page.getByLabel('Navn på verkstedet').fill('Oppstartssamling');
  await submit(page, page.getByRole('button', { name: 'Opprett verkstedet' }));
  await page.waitForURL(/\/verksted\/[0-9a-f]{32}\?melding=opprettet$/);
  const builder = page.url().replace(/\?.*$/, '');

  // Two activities: an open reflection question, then a scale.
  await page.getByLabel('Type aktivitet').selectOption('refleksjon');
  await page.getByLabel('Spørsmål eller oppgave').fill('Hva gir deg energi på jobb?');
  await submit(page, page.getByRole('button', { name: 'Legg til', exact: true }));
  await page.getByLabel('Type aktivitet').selectOption('skala');
  await page.getByLabel('Spørsmål eller oppgave').fill('Hvor viktig er heltid for deg?');
  await submit(page, page.getByRole('button', { name: 'Legg til', exact: true }));
  assert.ok(await page.getByText('Hvor viktig er heltid for deg?').first().isVisible());
  await expectNoAxeViolations(page, 'the builder');

  // The control view: start, and reveal the results on the screen.
  await page.getByRole('link', { name: 'Styr verkstedet' }).click();
  await page.waitForURL(/\/styring$/);
  await expectNoAxeViolations(page, 'the control view before the start');
  await submit(page, page.getByRole('button', { name: 'Start med første aktivitet' }));
  await submit(page, page.getByRole('button', { name: 'Vis resultatene på skjermen' }));
  await expectNoAxeViolations(page, 'the control view');
  const code = (await page.locator('code.checkin-code').first().innerText()).trim();
  assert.match(code, /^[2-9A-HJKMNP-Z]{8}$/);

  // The big screen: a second tab of the facilitator's.
  const screen = await page.context().newPage();
  const screenProblems = await watchPage(screen);
  await screen.goto(builder + '/skjerm');
  await screen.getByRole('heading', { name: 'Hva gir deg energi på jobb?' }).waitFor();
  await expectNoAxeViolations(screen, 'the big screen');
  await screen.evaluate(() => { window.samskapNotReloaded = true; });

  // The phone: no account.
  const phone = await app.page({ locale: 'de-DE', viewport: PHONE });
  const phoneProblems = await watchPage(phone);
  await phone.goto(`${app.url}/w/${code}`);
  await expectNoAxeViolations(phone, 'the phone before answering');
  await phone.getByLabel('Hva gir deg energi på jobb?').fill('Gode kolleger og kaffe');
  await submit(phone, phone.getByRole('button', { name: 'Send svaret' }));
  await phone.getByText('Takk! Svaret ditt er med.').waitFor();
  await expectNoAxeViolations(phone, 'the phone after answering');

  // The answer reaches the screen over the event stream.
  await screen.locator('#ws-live').getByText('Gode kolleger og kaffe').waitFor({ timeout: 10000 });
  assert.equal(await screen.evaluate(() => window.samskapNotReloaded), true, 'the screen did not reload');
  await expectNoAxeViolations(screen, 'the big screen with results');

  // The facilitator moves on; the phone follows by itself.
  await page.bringToFront();
  await submit(page, page.getByRole('button', { name: 'Neste aktivitet' }));
  await phone.getByText('Hvor viktig er heltid for deg?').first().waitFor({ timeout: 10000 });
  await screen.getByRole('heading', { name: 'Hvor viktig er heltid for deg?' }).waitFor({ timeout: 10000 });
  await expectNoAxeViolations(phone, 'the phone on the scale');

  // The summary.
  await page.goto(builder + '/oppsummering');
  assert.ok(await page.getByText('Gode kolleger og kaffe').isVisible());
  await expectNoAxeViolations(page, 'the summary');

  noProblems(problems, 'the facilitator pages');
  noProblems(screenProblems, 'the big screen');
  noProblems(phoneProblems, 'the phone');
  await screen.close();
});
