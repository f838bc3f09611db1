// The knowledge base in a browser (issue 3): overview → a stage → the next
// stage → search with the keyboard → results → a hit. On every page: zero axe
// violations, no console errors, no uncaught errors, no CSP violations, no
// failed requests; then the print style sheet on the last page. One page, a
// few navigations, to keep the suite fast.
//
// Stage and topic names ("Overveielse", "Motstand") are content, from
// content/kb/endringsarbeid.toml and content/kb/motstand.toml; interface texts
// come from the message catalogue.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatViolations, runAxe, watchPage } from './support/browser.mjs';
import { useApp } from './support/fixture.mjs';
import { catalogue } from './support/messages.mjs';

const app = useApp();
const t = catalogue('nb');

/**
 * Axe-clean and no problems since the last call. `ignoreAborted` drops a
 * request the browser aborted because the page navigated (htmx's live search
 * request when Enter submits the form): that is not a failure of the page.
 */
async function expectCleanPage(page, problems, label, { ignoreAborted = false } = {}) {
  const { violations } = await runAxe(page);
  assert.equal(violations.length, 0, `${label}: axe violations:\n${formatViolations(violations)}`);
  const failed = problems.failedRequests.filter((r) => !(ignoreAborted && r.endsWith('net::ERR_ABORTED')));
  assert.deepEqual(problems.consoleErrors, [], `${label}: console errors`);
  assert.deepEqual(problems.pageErrors, [], `${label}: uncaught errors`);
  assert.deepEqual(problems.cspViolations, [], `${label}: CSP violations`);
  assert.deepEqual(failed, [], `${label}: failed requests`);
  for (const list of Object.values(problems)) list.length = 0;
}

test('overview → stage → next stage → keyboard search → hit, axe-clean throughout', async () => {
  const page = await app.page({ locale: 'nb-NO' });
  const problems = await watchPage(page);

  // The overview lists the six stages; follow Overveielse.
  const overview = await page.goto(`${app.url}/kunnskap`);
  assert.equal(overview.status(), 200);
  await expectCleanPage(page, problems, '/kunnskap');
  const stages = page.locator('.kb-stage-list a');
  assert.equal(await stages.count(), 6, 'the overview lists the six stages');
  await stages.getByText('Overveielse', { exact: true }).click();
  await page.waitForURL('**/kunnskap/fase/overveielse');
  assert.equal(await page.locator('h1').innerText(), 'Overveielse');
  assert.equal(await page.locator('.kb-stepper a[aria-current="page"]').count(), 1,
    'the current stage is marked in the stage navigation');
  await expectCleanPage(page, problems, '/kunnskap/fase/overveielse');

  // Its "next stage" link leads to Forberedelse, which links back.
  const next = page.locator('a[rel="next"]');
  assert.match(await next.innerText(), new RegExp(`^${t('kb.stage.next')}\\s+Forberedelse$`));
  await next.click();
  await page.waitForURL('**/kunnskap/fase/forberedelse');
  assert.equal(await page.locator('h1').innerText(), 'Forberedelse');
  assert.equal(await page.locator('a[rel="prev"]').getAttribute('href'), '/kunnskap/fase/overveielse');
  await expectCleanPage(page, problems, '/kunnskap/fase/forberedelse');

  // Search with the keyboard: the label focuses the field, type, Enter.
  await page.locator('label[for="kb-q"]').filter({ hasText: t('kb.search.label') }).click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'kb-q',
    'clicking the label focuses the search field');
  await page.keyboard.type('motstand');
  await Promise.all([page.waitForURL('**/kunnskap/sok?q=motstand'), page.keyboard.press('Enter')]);
  await page.waitForLoadState('load');
  const status = t('kb.search.count').replace('{{query}}', 'motstand').split('{{count}}');
  const statusText = await page.locator('#kb-status').innerText();
  assert.ok(statusText.startsWith(status[0]) && statusText.endsWith(status[1]) &&
    Number(statusText.slice(status[0].length, statusText.length - status[1].length)) > 1,
  `the status line gives the count: ${statusText}`);
  assert.equal(await page.locator('#kb-q').inputValue(), 'motstand', 'the field keeps the query');
  const first = page.locator('.kb-hit').first();
  assert.equal(await first.locator('a.kb-hit__title').getAttribute('href'), '/kunnskap/motstand',
    'the first hit is the resistance topic');
  assert.ok(await first.locator('mark').count() > 0, 'the snippet marks the matched words');
  await expectCleanPage(page, problems, '/kunnskap/sok?q=motstand', { ignoreAborted: true });

  // Follow the first hit.
  await first.locator('a.kb-hit__title').click();
  await page.waitForURL('**/kunnskap/motstand');
  assert.equal(await page.locator('h1').innerText(), 'Motstand');
  await expectCleanPage(page, problems, '/kunnskap/motstand');

  // Printed: no navigation, language switch or search form; black on white;
  // the address after external links only (one external link is added here).
  await page.emulateMedia({ media: 'print' });
  const printed = await page.evaluate(() => {
    const main = document.querySelector('main');
    const ext = Object.assign(document.createElement('a'), { href: 'https://example.org/kilde', textContent: 'x' });
    main.append(ext);
    const internal = main.querySelector('a[href^="/"]');
    const shown = (sel) => [...document.querySelectorAll(sel)].some((e) => getComputedStyle(e).display !== 'none');
    const out = {
      hidden: ['.skip-link', '.site-nav', '.lang-switch', 'form[role="search"]'].filter((s) => !shown(s)),
      present: ['.skip-link', '.site-nav', '.lang-switch', 'form[role="search"]'].filter((s) => document.querySelector(s)),
      color: getComputedStyle(document.body).color,
      background: getComputedStyle(document.body).backgroundColor,
      externalAfter: getComputedStyle(ext, '::after').content,
      internalAfter: internal ? getComputedStyle(internal, '::after').content : 'no internal link',
    };
    ext.remove();
    return out;
  });
  await page.emulateMedia({ media: 'screen' });
  assert.deepEqual(printed.hidden, printed.present, 'hidden in print');
  assert.equal(printed.present.length, 4, 'the page has a skip link, nav, language switch and search form');
  assert.equal(printed.color, 'rgb(0, 0, 0)');
  assert.equal(printed.background, 'rgb(255, 255, 255)');
  assert.equal(printed.externalAfter, '" (https://example.org/kilde)"');
  assert.equal(printed.internalAfter, 'none');
});
