// The start page in bokmål and English: the default, ?lang=, the cookie that
// remembers the choice, Accept-Language as the first guess, <html lang>, and
// the language switch. Texts are compared with the message catalogues.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useApp } from './support/fixture.mjs';
import { catalogue } from './support/messages.mjs';

const app = useApp();
const t = { nb: catalogue('nb'), en: catalogue('en') };

const norm = (s) => s.replace(/\s+/g, ' ').trim();

/** Asserts the loaded page is the start page in `lang`. */
async function assertStartPage(page, lang) {
  assert.equal(await page.getAttribute('html', 'lang'), lang, '<html lang>');
  assert.equal(norm(await page.textContent('h1')), t[lang]('home.title'), 'h1');
  assert.equal(norm(await page.textContent('main .lead')), t[lang]('home.lead'), 'lead paragraph');
  assert.equal(await page.getAttribute('header nav', 'aria-label'), t[lang]('layout.main_navigation'));
  assert.equal(norm(await page.textContent('.skip-link')), t[lang]('layout.skip_to_content'));
  const labels = (await page.locator('header nav a').allTextContents()).map(norm);
  assert.ok(labels.includes(t[lang]('nav.home')), `nav has ${t[lang]('nav.home')}: ${labels}`);
  assert.ok(labels.includes(t[lang]('nav.about')), `nav has ${t[lang]('nav.about')}: ${labels}`);
  const title = await page.title();
  assert.ok(title.includes(t[lang]('home.page_title')), `title "${title}"`);
}

/** The Accept-Language the browser really sent, so a test cannot pass by accident. */
async function sentLanguage(response) {
  return (await response.request().allHeaders())['accept-language'];
}

async function langCookie(page) {
  return (await page.context().cookies()).find((c) => c.name === 'samskap_lang');
}

test('the catalogues differ where the tests compare them', () => {
  // Otherwise the language assertions below could not tell the languages apart.
  for (const key of ['home.title', 'home.lead', 'layout.skip_to_content', 'nav.home', 'nav.about']) {
    assert.notEqual(t.nb(key), t.en(key), key);
  }
});

test('bokmål is the default when the browser asks for a language we do not offer', async () => {
  const page = await app.page({ locale: 'de-DE' });
  const res = await page.goto(`${app.url}/`);
  assert.equal(res.status(), 200);
  assert.equal(await sentLanguage(res), 'de-DE');
  assert.equal(res.headers()['content-language'], 'nb');
  await assertStartPage(page, 'nb');
  assert.equal(await langCookie(page), undefined, 'no cookie without an explicit choice');
});

test('?lang=en gives English and sets the samskap_lang cookie', async () => {
  const page = await app.page({ locale: 'nb-NO' });
  const res = await page.goto(`${app.url}/?lang=en`);
  assert.equal(res.status(), 200);
  await assertStartPage(page, 'en');
  const cookie = await langCookie(page);
  assert.ok(cookie, 'samskap_lang cookie set');
  assert.equal(cookie.value, 'en');
  assert.equal(cookie.path, '/');
});

test('the cookie remembers the choice on the next page, over Accept-Language', async () => {
  const page = await app.page({ locale: 'nb-NO' });
  await page.goto(`${app.url}/?lang=en`);
  // A link without ?lang= and a browser that asks for Norwegian: the cookie wins.
  assert.equal(await sentLanguage(await page.goto(`${app.url}/om`)), 'nb-NO');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(norm(await page.textContent('h1')), t.en('about.title'));
  await page.goto(`${app.url}/`);
  await assertStartPage(page, 'en');

  // And back: choosing bokmål is remembered in the same way.
  await page.goto(`${app.url}/om?lang=nb`);
  assert.equal((await langCookie(page))?.value, 'nb');
  await page.goto(`${app.url}/`);
  await assertStartPage(page, 'nb');
});

test('Accept-Language en picks English when there is no cookie', async () => {
  const page = await app.page({ locale: 'en-GB' });
  const res = await page.goto(`${app.url}/`);
  assert.equal(res.status(), 200);
  assert.equal(await sentLanguage(res), 'en-GB');
  assert.equal(res.headers()['content-language'], 'en');
  await assertStartPage(page, 'en');

  // A choice of bokmål is then remembered over the browser's English.
  await page.goto(`${app.url}/om?lang=nb`);
  await page.goto(`${app.url}/`);
  await assertStartPage(page, 'nb');
});

test('Accept-Language: Norwegian variants give bokmål, English first gives English', async () => {
  // Server-side negotiation only, so plain HTTP is enough (and quick).
  const cases = [
    ['nb-NO,nb;q=0.9,en;q=0.5', 'nb'], ['no', 'nb'], ['nn-NO,nn;q=0.9,en;q=0.4', 'nb'],
    ['en-US,en;q=0.9,nb;q=0.5', 'en'], ['de-DE,de;q=0.9,en;q=0.8', 'en'], ['fr-FR,fr;q=0.9', 'nb'],
  ];
  for (const [header, lang] of cases) {
    const res = await fetch(`${app.url}/`, { headers: { 'Accept-Language': header } });
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, new RegExp(`<html lang="${lang}"`), `Accept-Language: ${header}`);
    assert.ok(html.includes(t[lang]('home.title')), `Accept-Language: ${header} gives the ${lang} start page`);
    assert.match(res.headers.get('vary') ?? '', /Accept-Language/i, 'caches must know the answer varies');
  }
});

test('the language switch link goes to the other language and back', async () => {
  const page = await app.page({ locale: 'de-DE' });
  await page.goto(`${app.url}/`);
  const sw = page.locator('a.lang-switch');
  assert.equal(await sw.getAttribute('hreflang'), 'en');
  assert.equal(await sw.getAttribute('lang'), 'en', 'the link text is English, so it says so');
  assert.equal(norm(await sw.textContent()), t.nb('layout.switch_language'));
  await Promise.all([page.waitForURL(/lang=en/), sw.click()]);
  await assertStartPage(page, 'en');

  const back = page.locator('a.lang-switch');
  assert.equal(await back.getAttribute('hreflang'), 'nb');
  assert.equal(norm(await back.textContent()), t.en('layout.switch_language'));
  await Promise.all([page.waitForURL(/lang=nb/), back.click()]);
  await assertStartPage(page, 'nb');
});

test('the language switch keeps the reader on the same page', async () => {
  const page = await app.page({ locale: 'de-DE' });
  await page.goto(`${app.url}/om`);
  assert.equal(norm(await page.textContent('h1')), t.nb('about.title'));
  await Promise.all([page.waitForURL(/lang=en/), page.click('a.lang-switch')]);
  assert.equal(new URL(page.url()).pathname, '/om');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(norm(await page.textContent('h1')), t.en('about.title'));
});
