// MI conversation analysis in a real browser: upload a transcript file, see
// the coded result with its charts, save it, find it in the list with the
// trend, delete it — with axe-core on every page and no console errors, CSP
// violations or failed requests.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { formatViolations, runAxe, watchPage } from './support/browser.mjs';
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

async function expectClean(page, problems, what, { status = 0 } = {}) {
  const r = await runAxe(page);
  assert.equal(r.violations.length, 0, `axe on ${what}:\n${formatViolations(r.violations)}`);
  // Chromium logs a document answered with 4xx as a console error; that one is expected.
  const errors = problems.consoleErrors.filter((e) => !(status && e.includes(`status of ${status}`)));
  assert.deepEqual(errors, [], `console errors on ${what}`);
  problems.consoleErrors.length = 0;
  assert.deepEqual(problems.pageErrors, [], `page errors on ${what}`);
  assert.deepEqual(problems.cspViolations, [], `CSP violations on ${what}`);
  assert.deepEqual(problems.failedRequests, [], `failed requests on ${what}`);
}

test('upload → result with charts → save → list with trend → delete', async () => {
  const page = await app.page({ locale: 'nb-NO' });
  const problems = await watchPage(page);

  // An administrator (who may use the MI page) from the first-run link.
  await page.goto(app.url + (await setupLink()));
  await page.getByLabel('Organisasjon', { exact: true }).fill('USHT Vestfold');
  await page.getByLabel('Fullt navn').fill('Kari Prosess');
  await page.getByLabel('E-postadresse').fill('kari@usht.no');
  await page.getByLabel('Nytt passord').fill(PASSWORD);
  await page.getByLabel('Gjenta passordet').fill(PASSWORD);
  await page.getByRole('button', { name: 'Opprett organisasjon og administrator' }).click();
  await page.waitForURL(app.url + '/');

  await page.goto(app.url + '/mi');
  await expectClean(page, problems, 'the MI form');

  // A file Samskap cannot read: the message names it, next to the file input.
  await page.getByLabel('Eller last opp en fil').setInputFiles({
    name: 'referat.docx',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from('PK\u0003\u0004 not really a document'),
  });
  await page.getByRole('button', { name: 'Analyser samtalen' }).click();
  await page.waitForLoadState();
  assert.match(await page.locator('.error-summary').innerText(), /referat\.docx/);
  await expectClean(page, problems, 'the MI form with an upload error', { status: 422 });

  // The real transcript, saved with a name.
  const transcript = readFileSync(new URL('../mi/data/fixtures/samtale-nb.txt', import.meta.url));
  await page.getByLabel('Eller last opp en fil').setInputFiles({
    name: 'samtale.txt',
    mimeType: 'text/plain',
    buffer: transcript,
  });
  await page.getByRole('button', { name: 'Analyser samtalen' }).click();
  await page.waitForLoadState();
  assert.match(await page.locator('main').innerText(), /Analysert fra filen «samtale\.txt»/);
  // The charts are drawn (Chart.js loaded under the strict CSP) beside their table.
  await page.locator('canvas[data-chart="mi-chart-percent"]').waitFor();
  await page.waitForFunction(() => {
    const c = document.querySelector('canvas[data-chart="mi-chart-percent"]');
    return c && c.width > 0 && window.Chart && window.Chart.getChart(c);
  });
  await expectClean(page, problems, 'the result page');

  await page.getByLabel('Navn på analysen (valgfritt)').fill('Turnus, uke 12');
  await page.getByRole('button', { name: 'Lagre analysen' }).click();
  await page.waitForURL(/\/mi\/analyser\/[0-9a-f]{32}\?lagret=1$/);
  assert.match(await page.locator('h1').innerText(), /Turnus, uke 12/);
  await expectClean(page, problems, 'a saved analysis');

  // A second one, saved from the form's checkbox, so the trend appears.
  await page.goto(app.url + '/mi');
  await page.getByLabel('Samtaleutskrift').fill(transcript.toString('utf8'));
  await page.getByLabel('Lagre analysen, så jeg kan se den igjen').check();
  await page.getByRole('button', { name: 'Analyser samtalen' }).click();
  await page.waitForURL(/\/mi\/analyser\/[0-9a-f]{32}\?lagret=1$/);

  await page.goto(app.url + '/mi/analyser');
  const rows = page.locator('table.mi-saved tbody tr');
  assert.equal(await rows.count(), 2);
  await page.waitForFunction(() => {
    const c = document.querySelector('canvas[data-chart="mi-trend-percent"]');
    return c && window.Chart && window.Chart.getChart(c);
  });
  await expectClean(page, problems, 'the saved analyses with the trend');

  // Delete the first one.
  await page.getByRole('link', { name: 'Turnus, uke 12' }).click();
  await page.getByRole('button', { name: 'Slett analysen' }).click();
  await page.waitForURL(/\/mi\/analyser\?slettet=1$/);
  assert.match(await page.locator('main').innerText(), /Analysen er slettet/);
  assert.equal(await page.locator('table.mi-saved tbody tr').count(), 1);
  await expectClean(page, problems, 'the list after deleting');
});
