// Steps several browser tests share. New tests import these instead of
// copying them (the older test files still carry their own copies).
import assert from 'node:assert/strict';
import { formatViolations, runAxe } from './browser.mjs';

/** The one-time setup link the server prints on an empty database. */
export async function setupLink(app) {
  for (let i = 0; i < 100; i++) {
    const m = /(\/oppsett\/[A-Za-z0-9_-]+)/.exec(app.server.stderr);
    if (m) return m[1];
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no setup link on the console:\n${app.server.stderr}`);
}

/** Creates the organisation and its administrator through the setup page. */
export async function setUp(app, page, { organisation, name, email, password }) {
  await page.goto(app.url + (await setupLink(app)));
  await page.getByLabel('Organisasjon', { exact: true }).fill(organisation);
  await page.getByLabel('Fullt navn').fill(name);
  await page.getByLabel('E-postadresse').fill(email);
  await page.getByLabel('Nytt passord').fill(password);
  await page.getByLabel('Gjenta passordet').fill(password);
  await page.getByRole('button', { name: 'Opprett organisasjon og administrator' }).click();
  await page.waitForURL(app.url + '/');
}

export async function expectNoAxeViolations(page, what) {
  const r = await runAxe(page);
  assert.equal(r.violations.length, 0, `axe on ${what}:\n${formatViolations(r.violations)}`);
}

/** Clicks a button that navigates, and waits for the new page. */
export async function submit(page, button) {
  await Promise.all([page.waitForNavigation(), button.click()]);
}

/**
 * No console error, script error, CSP violation or failed request on a
 * watched page. An event stream cut off by its page navigating is not a failure.
 */
export function noProblems(problems, what) {
  assert.deepEqual(problems.consoleErrors, [], `console errors on ${what}`);
  assert.deepEqual(problems.pageErrors, [], `script errors on ${what}`);
  assert.deepEqual(problems.cspViolations, [], `CSP violations on ${what}`);
  const failed = problems.failedRequests.filter((f) => !/\/hendelser: net::ERR_ABORTED/.test(f));
  assert.deepEqual(failed, [], `failed requests on ${what}`);
}
