// Change work in a real browser (issue 5): a municipality's request is
// registered, triaged as a 3.0 answer, which creates an initiative with
// suggested partners; the facilitator assesses the anchoring twice and sees
// the history as a chart and a table. axe-core runs on every page, and no page
// may log a script error, violate the CSP or fail a request.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatViolations, runAxe, watchPage } from './support/browser.mjs';
import { useApp } from './support/fixture.mjs';

const app = useApp();
const PASSWORD = 'fire vanlige ord sammen';
const ITEMS = ['tydelig-visjon', 'smarte-mal', 'eierskap', 'ledelse', 'medbestemmelse',
  'tillit-respekt', 'maloppnaelse'];

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

async function submit(page, form) {
  await Promise.all([page.waitForNavigation(), form.locator('button[type="submit"]').click()]);
}

test('request → triage as 3.0 → initiative → anchoring assessed twice', async () => {
  const page = await app.page({ locale: 'nb-NO' });
  const problems = await watchPage(page);

  await page.goto(app.url + (await setupLink()));
  await page.getByLabel('Organisasjon', { exact: true }).fill('USHT Vestfold');
  await page.getByLabel('Fullt navn').fill('Kari Prosess');
  await page.getByLabel('E-postadresse').fill('kari@usht.no');
  await page.getByLabel('Nytt passord').fill(PASSWORD);
  await page.getByLabel('Gjenta passordet').fill(PASSWORD);
  await page.getByRole('button', { name: 'Opprett organisasjon og administrator' }).click();
  await page.waitForURL(app.url + '/');

  // The request list, reached from the main menu.
  await page.locator('header').getByRole('link', { name: 'Henvendelser' }).click();
  await page.waitForURL(/\/henvendelser$/);
  await expectNoAxeViolations(page, 'the empty request list');
  await page.goto(app.url + '/henvendelser/ny');
  await expectNoAxeViolations(page, 'the new request form');

  // A mistake first: the form comes back with the message, and nothing typed is lost.
  const form = page.locator('main form').first();
  await page.locator('#requester_org').fill('Færder kommune, hjemmetjenesten');
  await page.locator('#received_on').fill('31.02.2027');
  await page.locator('#tags').fill('ALS, kompetanse');
  await submit(page, form);
  assert.ok(await page.locator('.error-summary').isVisible(), 'an error summary is shown');
  assert.equal(await page.locator('#requester_org').inputValue(), 'Færder kommune, hjemmetjenesten');
  await expectNoAxeViolations(page, 'the request form with errors');

  await page.locator('#received_on').fill('05.01.2027');
  await page.locator('#body').fill('Vi har fått en bruker med ALS og ønsker et kurs for de ansatte om ALS.');
  await submit(page, page.locator('main form').first());
  await page.waitForURL(/\/henvendelser\/[0-9a-f]+/);
  assert.match(await page.locator('main').innerText(), /bruker med ALS/);
  await expectNoAxeViolations(page, 'the request and its triage');

  // Triage: the three kinds of answer are shown; choose 3.0 with a reason.
  const main = await page.locator('main').innerText();
  assert.match(main, /1\.0/);
  assert.match(main, /2\.0/);
  assert.match(main, /3\.0/);
  const triage = page.locator('form[action$="/vurdering"]');
  await triage.locator('input[name="level"][value="3.0"]').check();
  await triage.locator('#reason').fill('Brukeren, pårørende og spesialisthelsetjenesten må være med for å finne gode løsninger.');
  await submit(page, triage);
  await page.waitForURL(/\/initiativ\/[0-9a-f]+/);
  await expectNoAxeViolations(page, 'the new initiative\'s overview');
  const overview = await page.locator('main').innerText();
  assert.match(overview, /Færder kommune/, 'the title comes from the request');
  assert.doesNotMatch(overview, /Ingen partnere ennå/, 'suggested partners were added');

  // The anchoring tab: assess all seven items, twice.
  await page.locator('nav.tabs').getByRole('link', { name: 'Forankring' }).click();
  await page.waitForURL(/\/forankring$/);
  await expectNoAxeViolations(page, 'the anchoring tab');
  for (const [date, score] of [['01.02.2027', '2'], ['01.05.2027', '4']]) {
    const anchoring = page.locator('form.anchoring-form');
    await anchoring.locator('#assessed_on').fill(date);
    for (const item of ITEMS) await anchoring.locator(`input[name="score-${item}"][value="${score}"]`).check();
    await anchoring.locator('#note-eierskap').fill(`Notat ${date}`);
    await submit(page, anchoring);
  }
  const history = await page.locator('main').innerText();
  assert.match(history, /01\.02\.2027/);
  assert.match(history, /01\.05\.2027/);
  assert.match(history, /Notat 01\.05\.2027/);
  assert.ok(await page.locator('canvas[data-chart]').count() >= 1, 'the history has a chart');
  assert.ok(await page.locator('main table').count() >= 1, '…and a table as its text alternative');
  await expectNoAxeViolations(page, 'the anchoring history');

  // The overview shows the anchoring trend, drawn by Chart.js under the strict CSP.
  await page.locator('nav.tabs').getByRole('link', { name: 'Oversikt' }).click();
  await page.waitForURL(/\/initiativ\/[0-9a-f]+$/);
  await page.waitForFunction(() => window.Chart && document.querySelector('canvas[data-chart]'));
  assert.match(await page.locator('main').innerText(), /3/, 'the average of the second assessment');
  await expectNoAxeViolations(page, 'the overview with the anchoring trend');

  // The request list now counts one 3.0 answer.
  await page.goto(app.url + '/henvendelser');
  assert.match(await page.locator('main').innerText(), /100/, 'all triaged requests were 3.0');
  await expectNoAxeViolations(page, 'the request list with the 3.0 share');

  assert.deepEqual(problems.cspViolations, [], 'no CSP violations');
  assert.deepEqual(problems.pageErrors, [], 'no script errors');
  // The one 400 is the deliberate mistake above (Chromium logs every 4xx document).
  const unexpected = problems.consoleErrors.filter((e) => !/status of 400 .*\/henvendelser\/ny$/.test(e));
  assert.deepEqual(unexpected, [], 'no other console errors');
  assert.deepEqual(problems.failedRequests, [], 'no failed requests');
});
