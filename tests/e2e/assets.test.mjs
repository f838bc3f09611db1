// Hashed assets: every stylesheet and script a page loads comes from
// /assets/<name>.<hash>.<ext>, with a long, immutable cache lifetime and the
// right content type; a name with a wrong hash is not cached forever; pages
// themselves are not cached.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { watchPage } from './support/browser.mjs';
import { useApp } from './support/fixture.mjs';

const app = useApp();
const IMMUTABLE = 'public, max-age=31536000, immutable';
const HASHED = /^\/assets\/[\w-]+(?:\.[\w-]+)*\.[0-9a-f]{8,}(?:\.min)?\.(css|js)$/;

test('every asset the pages load is hashed and served with an immutable cache lifetime', async () => {
  const page = await app.page();
  await watchPage(page);
  const seen = new Map();
  page.on('response', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/assets/')) seen.set(u.pathname, r);
  });
  for (const path of ['/', '/om?lang=en', '/finnes-ikke-e2e']) await page.goto(`${app.url}${path}`);

  const referenced = await page.$$eval('link[rel=stylesheet][href], script[src]', (els) => els.map((e) => e.getAttribute('href') ?? e.getAttribute('src')));
  assert.ok(referenced.some((h) => h.endsWith('.css')), `a stylesheet is referenced: ${referenced}`);
  assert.ok(referenced.some((h) => h.endsWith('.js')), `a script is referenced: ${referenced}`);
  for (const href of referenced) {
    assert.match(href, HASHED, `${href} has a content hash in its name`);
    assert.ok(seen.has(href), `the browser loaded ${href}`);
  }

  for (const [path, browserResponse] of seen) {
    assert.equal(browserResponse.status(), 200, path);
    const res = await fetch(`${app.url}${path}`);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get('cache-control'), IMMUTABLE, `${path} Cache-Control`);
    const type = res.headers.get('content-type') ?? '';
    if (path.endsWith('.css')) assert.match(type, /^text\/css\b/, `${path} Content-Type`);
    if (path.endsWith('.js')) assert.match(type, /^(text|application)\/javascript\b/, `${path} Content-Type`);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `${path} nosniff`);
    const body = await res.text();
    assert.ok(body.length > 0, `${path} has a body`);
  }
});

test('a revalidation with the ETag answers 304 or the same body', async () => {
  const html = await (await fetch(`${app.url}/`)).text();
  const css = /href="(\/assets\/[^"]+\.css)"/.exec(html)?.[1];
  assert.ok(css, 'start page links a stylesheet');
  const first = await fetch(`${app.url}${css}`);
  const body = await first.text();
  const etag = first.headers.get('etag');
  assert.ok(etag, 'hashed assets carry an ETag');
  const again = await fetch(`${app.url}${css}`, { headers: { 'If-None-Match': etag } });
  assert.ok(again.status === 304 || (again.status === 200 && (await again.text()) === body), `status ${again.status}`);
});

test('an asset name with a stale hash is not served as immutable', async () => {
  const html = await (await fetch(`${app.url}/`)).text();
  const css = /href="(\/assets\/[^"]+\.css)"/.exec(html)?.[1];
  assert.ok(css);
  const stale = css.replace(/\.([0-9a-f]{8,})\./, (_, h) => `.${h.replace(/./g, (c) => (c === '0' ? '1' : '0'))}.`);
  assert.notEqual(stale, css);
  const res = await fetch(`${app.url}${stale}`);
  assert.equal(res.status, 404, `${stale} answers 404`);
  assert.notEqual(res.headers.get('cache-control'), IMMUTABLE, 'a miss must not be cached for a year');
});

test('pages are not cached by the browser', async () => {
  for (const path of ['/', '/om', '/finnes-ikke-e2e']) {
    const res = await fetch(`${app.url}${path}`);
    const cc = res.headers.get('cache-control') ?? '';
    assert.ok(/no-store|no-cache|private/.test(cc), `${path} Cache-Control: ${cc}`);
    assert.doesNotMatch(cc, /immutable/, path);
  }
});
