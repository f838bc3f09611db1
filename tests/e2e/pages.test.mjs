// Every page (the fixed list plus every page the main menu links to), in both
// languages, at desktop and phone width: axe-core finds no violations (WCAG
// 2.1 A and AA, and best practice), the browser logs no errors and no CSP
// violations, and a phone needs no horizontal scrolling (320px and 375px).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DESKTOP, PHONE, formatViolations, runAxe, watchPage } from './support/browser.mjs';
import { LANGS, PAGES, useApp, withLang } from './support/fixture.mjs';

const app = useApp();

/** The hrefs of the start page's main menu, in order. */
async function navHrefs() {
  const html = await (await fetch(`${app.url}/`)).text();
  const header = /<header[^>]*>([\s\S]*?)<\/header>/.exec(html)?.[1] ?? '';
  const nav = /<nav[^>]*aria-label[^>]*>([\s\S]*?)<\/nav>/.exec(header);
  assert.ok(nav, 'start page has a labelled nav in its header');
  const hrefs = [...nav[1].matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(hrefs.length >= 2, `nav has links: ${hrefs}`);
  return hrefs;
}

/** The route shape of a path: '/kunnskap/fase/handling' → '/kunnskap/fase/*'. */
function shape(path) {
  const parts = path.split('?')[0].split('/');
  if (parts.length > 2) parts[parts.length - 1] = '*';
  return parts.join('/');
}

/**
 * PAGES, every page the main menu links to, and one page of each kind those
 * pages link to in their main content (one topic page, one stage page, …),
 * so new kinds of pages are covered without being listed here.
 */
async function discoverPages() {
  const pages = [...PAGES];
  const shapes = new Set(pages.map((p) => shape(p.path)));
  const add = (path, name) => {
    if (pages.some((p) => p.path === path) || shapes.has(shape(path))) return false;
    shapes.add(shape(path));
    pages.push({ name, path, status: null });
    return true;
  };
  for (const href of await navHrefs()) {
    if (!add(href, `nav link ${href}`) && !pages.some((p) => p.path === href)) continue;
    const html = await (await fetch(new URL(href, app.url))).text();
    const main = /<main[^>]*>([\s\S]*?)<\/main>/.exec(html)?.[1] ?? '';
    for (const m of main.matchAll(/href="(\/[^"#?]*)"/g)) {
      if (!m[1].startsWith('/assets/')) add(m[1], `linked from ${href}`);
    }
  }
  return pages;
}

/** Elements that stick out to the right of the viewport, for the failure message. */
function overflowReport(page) {
  return page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    return {
      clientWidth: w,
      scrollWidth: document.documentElement.scrollWidth,
      bodyScrollWidth: document.body.scrollWidth,
      culprits: [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > w + 0.5)
        .slice(0, 5)
        .map((el) => `${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''} right=${Math.round(el.getBoundingClientRect().right)}`),
    };
  });
}

for (const lang of LANGS) {
  test(`[${lang}] every page: no axe violations, no console errors, no CSP violations, no horizontal scroll on a phone`, async (t) => {
    const pages = await discoverPages();
    const page = await app.page({ viewport: DESKTOP });
    const problems = await watchPage(page);

    for (const p of pages) {
      await t.test(`${p.name} (${p.path})`, async () => {
        for (const k of Object.keys(problems)) problems[k].length = 0;
        await page.setViewportSize(DESKTOP);
        const url = withLang(app.url, p.path, lang);
        const res = await page.goto(url, { waitUntil: 'load' });
        if (p.status) assert.equal(res.status(), p.status, `status of ${p.path}`);
        assert.equal(await page.getAttribute('html', 'lang'), lang);
        assert.equal(await page.locator('main#main').count(), 1, 'one main#main');
        assert.equal(await page.locator('h1').count(), 1, 'one h1');

        // The browser's own note about a 404 document is not a problem here
        // (whether a page should exist is checked by its own test below).
        const consoleErrors = problems.consoleErrors.filter((e) =>
          !(res.status() === 404 && /status of 404/.test(e) && e.endsWith(`@ ${url}`)));
        assert.deepEqual(problems.cspViolations, [], 'CSP violations');
        assert.deepEqual(consoleErrors, [], 'console errors');
        assert.deepEqual(problems.pageErrors, [], 'uncaught script errors');
        assert.deepEqual(problems.failedRequests, [], 'failed requests');

        const desktop = await runAxe(page);
        assert.ok(desktop.passes > 10, `axe ran its rules (${desktop.passes} passed)`);
        assert.equal(desktop.violations.length, 0, `axe at desktop width:\n${formatViolations(desktop.violations)}`);

        // 375px is the phone the product is designed for; 320px is WCAG 1.4.10 reflow.
        for (const width of [320, PHONE.width]) {
          await page.setViewportSize({ width, height: PHONE.height });
          const o = await overflowReport(page);
          assert.ok(o.scrollWidth <= o.clientWidth && o.bodyScrollWidth <= o.clientWidth,
            `no horizontal scroll at ${width}px: ${JSON.stringify(o)}`);
        }
      });
    }
  });
}

// Main-menu links whose pages are still being built. Each must answer the 404
// page until it lands; then this test fails as a reminder to take it off the list.
const PENDING_NAV = new Set([]);

test('every main-menu link leads to a page that exists', async () => {
  for (const href of await navHrefs()) {
    const res = await fetch(new URL(href, app.url), { redirect: 'manual' });
    if (PENDING_NAV.has(href)) {
      assert.equal(res.status, 404, `${href} is on PENDING_NAV but now answers ${res.status}: take it off the list`);
    } else {
      assert.equal(res.status, 200, `${href} answers 200`);
    }
  }
});

// The checks above only mean something if they can see a problem: plant one of
// each on a real page and make sure it is caught.
test('self-check: the watchers catch a CSP violation and axe catches a planted violation', async () => {
  const page = await app.page();
  const problems = await watchPage(page);
  await page.goto(`${app.url}/`);
  assert.deepEqual(problems.cspViolations, []);

  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true;';
    document.body.append(s);
    const d = document.createElement('div');
    d.innerHTML = '<p style="color: red">inline style</p>';
    document.querySelector('main').append(d);
  });
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(await page.evaluate(() => window.__inlineRan), undefined, 'the CSP blocked the inline script');
  assert.ok(problems.cspViolations.some((v) => v.startsWith('script-src')), `script-src violation seen: ${problems.cspViolations}`);
  assert.ok(problems.cspViolations.some((v) => v.startsWith('style-src')), `style-src violation seen: ${problems.cspViolations}`);
  assert.ok(problems.consoleErrors.length > 0, 'Chromium reported the refusals on the console');

  await page.evaluate(() => {
    const img = document.createElement('img');
    img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
    document.querySelector('main').append(img);
  });
  const r = await runAxe(page);
  assert.ok(r.violations.some((v) => v.id === 'image-alt'), `axe reports image-alt: ${r.violations.map((v) => v.id)}`);

  await page.setViewportSize(PHONE);
  await page.evaluate(() => {
    const wide = document.createElement('div');
    wide.style.width = '2000px'; // CSSOM, which the CSP allows
    wide.style.height = '1px';
    wide.setAttribute('aria-hidden', 'true');
    document.querySelector('main').append(wide);
  });
  const o = await overflowReport(page);
  assert.ok(o.scrollWidth > o.clientWidth, `a 2000px wide block makes the page scroll sideways (${JSON.stringify(o)})`);
});

// Error pages are rendered at the address that failed: no menu link is current.
test('the 404 page marks no menu link as the current page', async () => {
  const page = await app.page();
  const res = await page.goto(`${app.url}/finnes-ikke-e2e`);
  assert.equal(res.status(), 404);
  assert.deepEqual(await page.$$eval('header nav a[aria-current]', (as) => as.map((a) => a.getAttribute('href'))), []);
});
