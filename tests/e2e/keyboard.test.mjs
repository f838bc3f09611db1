// Keyboard use of the page frame: the skip link comes first and moves focus
// to the content, Tab walks brand → every nav link → language switch, each
// with a visible focus indicator, and Enter on a nav link follows it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LANGS, useApp, withLang } from './support/fixture.mjs';

const app = useApp();
// The main menu: the labelled nav in the page header (pages may have other
// navs, such as breadcrumbs, in main).
const MAIN_NAV = 'header nav[aria-label]';
const MAIN_NAV_LINKS = `${MAIN_NAV} ul a`;

/** A description of the focused element, comparable with describe() below. */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    return { tag: el.tagName.toLowerCase(), id: el.id, cls: el.className, href: el.getAttribute('href'), text: el.textContent.trim() };
  });
}

/** Everything about the focused element's focus indicator the checks need. */
function focusStyle(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const cs = getComputedStyle(el);
    // The colour behind the element: the first ancestor with an opaque background.
    let bg = 'rgb(255, 255, 255)';
    for (let n = el.parentElement; n; n = n.parentElement) {
      const b = getComputedStyle(n).backgroundColor;
      if (b && !/rgba\(.*,\s*0\)$/.test(b) && b !== 'transparent') { bg = b; break; }
    }
    const r = el.getBoundingClientRect();
    return {
      matchesFocusVisible: el.matches(':focus-visible'),
      outlineStyle: cs.outlineStyle,
      outlineWidth: parseFloat(cs.outlineWidth),
      outlineColor: cs.outlineColor,
      background: bg,
      rect: { x: r.x, y: r.y, w: r.width, h: r.height },
      viewport: { w: innerWidth, h: innerHeight },
    };
  });
}

function parseRgb(s) {
  const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(s);
  assert.ok(m, `colour ${s}`);
  return [m[1], m[2], m[3]].map(Number);
}
function luminance([r, g, b]) {
  const lin = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}
function contrast(a, b) {
  const [l1, l2] = [luminance(parseRgb(a)), luminance(parseRgb(b))].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
}

/** Asserts a clearly visible focus indicator (WCAG 2.4.7, and 1.4.11 contrast ≥ 3:1). */
async function assertVisibleFocus(page, what) {
  const s = await focusStyle(page);
  assert.ok(s.matchesFocusVisible, `${what}: keyboard focus matches :focus-visible`);
  assert.notEqual(s.outlineStyle, 'none', `${what}: has an outline when focused`);
  assert.ok(s.outlineWidth >= 2, `${what}: outline at least 2px wide (is ${s.outlineWidth}px)`);
  const ratio = contrast(s.outlineColor, s.background);
  assert.ok(ratio >= 3, `${what}: outline ${s.outlineColor} on ${s.background} has contrast ${ratio.toFixed(2)} < 3`);
  assert.ok(s.rect.w > 0 && s.rect.h > 0, `${what}: has a size`);
  assert.ok(s.rect.y >= 0 && s.rect.y + s.rect.h <= s.viewport.h && s.rect.x >= 0 && s.rect.x + s.rect.w <= s.viewport.w,
    `${what}: inside the viewport when focused (${JSON.stringify(s.rect)})`);
}

/** The order the frame's controls must take focus in, read from the DOM. */
function expectedFrameOrder(page) {
  return page.evaluate((MAIN_NAV_LINKS) => {
    const d = (el) => ({ tag: el.tagName.toLowerCase(), id: el.id, cls: el.className, href: el.getAttribute('href'), text: el.textContent.trim() });
    return [
      document.querySelector('a.skip-link'),
      document.querySelector('header a.brand'),
      ...document.querySelectorAll(MAIN_NAV_LINKS),
      document.querySelector('header a.lang-switch'),
    ].map((el) => (el ? d(el) : null));
  }, MAIN_NAV_LINKS);
}

for (const lang of LANGS) {
  test(`[${lang}] Tab reaches the skip link first, and Enter on it moves focus to main`, async () => {
    const page = await app.page();
    await page.goto(withLang(app.url, '/', lang));
    assert.equal(await focused(page), null, 'nothing focused after load');
    const before = await page.evaluate(() => document.querySelector('.skip-link').getBoundingClientRect().bottom);
    assert.ok(before <= 0, 'skip link is off-screen until focused');

    await page.keyboard.press('Tab');
    const first = await focused(page);
    assert.ok(first, 'Tab focuses something');
    assert.match(first.cls, /\bskip-link\b/, `first Tab stop is the skip link, got ${JSON.stringify(first)}`);
    assert.equal(first.href, '#main');
    await assertVisibleFocus(page, 'skip link');

    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'main');
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'MAIN');
    assert.equal(new URL(page.url()).hash, '#main');
  });

  test(`[${lang}] Tab walks brand, every nav link and the language switch with visible focus`, async () => {
    const page = await app.page();
    await page.goto(withLang(app.url, '/', lang));
    const expected = await expectedFrameOrder(page);
    assert.ok(expected.every(Boolean), 'skip link, brand, nav links and language switch all present');
    assert.ok(expected.length >= 5, `at least two nav links (frame has ${expected.length} controls)`);
    for (const [i, want] of expected.entries()) {
      await page.keyboard.press('Tab');
      const got = await focused(page);
      assert.deepEqual(got, want, `Tab stop ${i + 1}`);
      await assertVisibleFocus(page, `Tab stop ${i + 1} (${want.text})`);
    }
  });

  test(`[${lang}] Enter on a nav link follows it`, async () => {
    const page = await app.page();
    await page.goto(withLang(app.url, '/', lang));
    const links = await page.$$eval(MAIN_NAV_LINKS, (as) => as.map((a) => ({ href: a.getAttribute('href'), current: a.getAttribute('aria-current') })));
    assert.equal(links.filter((l) => l.current === 'page').length, 1, 'exactly one nav link is the current page');
    assert.equal(links.find((l) => l.current === 'page').href, '/', 'the start page marks its own link');

    for (const target of links.filter((l) => l.current !== 'page')) {
      await page.goto(withLang(app.url, '/', lang));
      // Tab to the link from the top, as a keyboard user would.
      let steps = 0;
      while ((await focused(page))?.href !== target.href || !(await page.evaluate(() => !!document.activeElement.closest('header nav')))) {
        await page.keyboard.press('Tab');
        assert.ok(++steps < 20, `reached ${target.href} within 20 Tab presses`);
      }
      const [response] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      assert.equal(new URL(page.url()).pathname, target.href, 'Enter followed the link');
      assert.equal(await page.getAttribute('html', 'lang'), lang, 'the language stays');
      if (response.status() === 200) {
        const current = await page.$$eval(`${MAIN_NAV} a[aria-current="page"]`, (as) => as.map((a) => a.getAttribute('href')));
        assert.deepEqual(current, [target.href], `${target.href} marks itself as the current page`);
      }
    }
  });

  test(`[${lang}] Enter on the language switch changes the language`, async () => {
    const page = await app.page();
    await page.goto(withLang(app.url, '/om', lang));
    const other = await page.getAttribute('a.lang-switch', 'hreflang');
    assert.notEqual(other, lang);
    let steps = 0;
    while (!(await page.evaluate(() => document.activeElement?.classList.contains('lang-switch')))) {
      await page.keyboard.press('Tab');
      assert.ok(++steps < 20, 'reached the language switch within 20 Tab presses');
    }
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(await page.getAttribute('html', 'lang'), other);
    assert.equal(new URL(page.url()).pathname, '/om');
  });
}
