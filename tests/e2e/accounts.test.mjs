// Accounts in a real browser: the first-run setup link from the console,
// inviting a colleague who sets a password, a role change that shows in the
// audit log, logging out and in again — with axe-core on every form.
import assert from 'node:assert/strict';
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

async function expectNoAxeViolations(page, what) {
  const r = await runAxe(page);
  assert.equal(r.violations.length, 0, `axe on ${what}:\n${formatViolations(r.violations)}`);
}

test('setup, invitation, role change, audit log, logout and login', async () => {
  const admin = await app.page({ locale: 'nb-NO' });
  const problems = await watchPage(admin);

  // First-run setup from the link printed on the console.
  await admin.goto(app.url + (await setupLink()));
  await expectNoAxeViolations(admin, 'the setup form');
  // A mistake first: the form comes back with the message next to the field, and nothing is lost.
  await admin.getByLabel('Organisasjon', { exact: true }).fill('USHT Vestfold');
  await admin.getByLabel('Fullt navn').fill('Kari Prosess');
  await admin.getByLabel('E-postadresse').fill('kari@usht.no');
  await admin.getByLabel('Nytt passord').fill('kort');
  await admin.getByLabel('Gjenta passordet').fill('kort');
  await admin.getByRole('button', { name: 'Opprett organisasjon og administrator' }).click();
  await admin.waitForLoadState();
  assert.match(await admin.locator('.error-summary').innerText(), /minst 12 tegn/);
  assert.equal(await admin.getByLabel('E-postadresse').inputValue(), 'kari@usht.no');
  await expectNoAxeViolations(admin, 'the setup form with errors');

  await admin.getByLabel('Nytt passord').fill(PASSWORD);
  await admin.getByLabel('Gjenta passordet').fill(PASSWORD);
  await admin.getByRole('button', { name: 'Opprett organisasjon og administrator' }).click();
  await admin.waitForURL(app.url + '/');
  assert.match(await admin.locator('header').innerText(), /Kari Prosess/);

  // Invite a colleague.
  await admin.getByRole('link', { name: 'Brukere' }).click();
  await admin.waitForURL(/\/admin\/brukere/);
  await expectNoAxeViolations(admin, 'the user administration page');
  await admin.getByLabel('Fullt navn').fill('Ola Leder');
  await admin.getByLabel('E-postadresse').fill('ola@kommune.no');
  await admin.getByLabel('Rolle', { exact: true }).selectOption('leder');
  await admin.getByRole('button', { name: 'Lag invitasjon' }).click();
  await admin.waitForLoadState();
  const link = await admin.getByLabel('Invitasjonslenke').inputValue();
  assert.match(link, /\/invitasjon\/[A-Za-z0-9_-]+$/);

  // The colleague opens the link in another browser and chooses a password.
  const context = await app.browser.newContext({ locale: 'nb-NO' });
  const ola = await context.newPage();
  await ola.goto(app.url + new URL(link).pathname);
  await expectNoAxeViolations(ola, 'the invitation page');
  await ola.getByLabel('Nytt passord').fill(PASSWORD);
  await ola.getByLabel('Gjenta passordet').fill(PASSWORD);
  await ola.getByRole('button', { name: 'Lagre passord og logg inn' }).click();
  await ola.waitForURL(app.url + '/');
  await ola.goto(app.url + '/meg');
  assert.match(await ola.locator('main').innerText(), /Leder/);
  await expectNoAxeViolations(ola, 'my account');

  // The administrator makes Ola a facilitator; the audit log says so.
  await admin.goto(app.url + '/admin/brukere');
  await admin.getByLabel('Rolle for Ola Leder').selectOption('prosessveileder');
  await admin.getByRole('button', { name: 'Endre rolle for Ola Leder' }).click();
  await admin.waitForLoadState();
  await admin.goto(app.url + '/admin/revisjon');
  const log = await admin.locator('main').innerText();
  assert.match(log, /Rolle endret/);
  assert.match(log, /leder -> prosessveileder/);
  assert.match(log, /Invitasjon tatt i bruk/);
  await ola.goto(app.url + '/meg');
  assert.match(await ola.locator('main').innerText(), /Prosessveileder/);

  // Log out from the header, fail once, log in again.
  await ola.locator('header').getByRole('button', { name: 'Logg ut', exact: true }).click();
  await ola.waitForURL(app.url + '/');
  await ola.goto(app.url + '/logg-inn');
  await expectNoAxeViolations(ola, 'the login page');
  await ola.getByLabel('E-postadresse').fill('ola@kommune.no');
  await ola.getByLabel('Passord').fill('feil passord igjen');
  await ola.locator('main').getByRole('button', { name: 'Logg inn' }).click();
  await ola.waitForLoadState();
  assert.match(await ola.locator('main').innerText(), /E-postadressen eller passordet er feil/);
  await ola.getByLabel('Passord').fill(PASSWORD);
  await ola.locator('main').getByRole('button', { name: 'Logg inn' }).click();
  await ola.waitForURL(app.url + '/');
  assert.match(await ola.locator('header').innerText(), /Ola Leder/);
  await context.close();

  assert.deepEqual(problems.cspViolations, [], 'no CSP violations');
  assert.deepEqual(problems.pageErrors, [], 'no script errors');
});
