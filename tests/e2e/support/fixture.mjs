// One server and one browser per test file:
//
//   const app = useApp();          // registers before/after hooks
//   test('...', async () => { const page = await app.page(); await page.goto(app.url + '/'); });
//
// After the file's tests the server gets SIGTERM and must exit with code 0.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { DESKTOP, launchBrowser, newContext } from './browser.mjs';
import { startServer } from './server.mjs';

export function useApp() {
  const app = {
    server: null,
    browser: null,
    url: '',
    pages: new Map(),
    /**
     * A page whose browser asks for `locale` (Accept-Language; 'de-DE' by
     * default: a language Samskap does not offer), reset for a new test: no
     * cookies, about:blank, the given viewport. One page per locale per file
     * keeps the run fast; Chromium's locale, not an extra header, sets
     * Accept-Language (an extra header does not override it).
     */
    async page({ locale = 'de-DE', viewport = DESKTOP } = {}) {
      let entry = app.pages.get(locale);
      if (!entry) {
        const context = await newContext(app.browser, { locale, viewport });
        entry = { context, page: await context.newPage() };
        app.pages.set(locale, entry);
      }
      const { context, page } = entry;
      await page.goto('about:blank');
      await context.clearCookies();
      await page.setViewportSize(viewport);
      return page;
    },
  };

  before(async () => {
    app.server = await startServer();
    app.url = app.server.url;
    app.browser = await launchBrowser();
  });

  after(async () => {
    await app.browser?.close();
    if (app.server) {
      const code = await app.server.stop();
      assert.equal(code, 0, `samskap should exit 0 on SIGTERM; stderr:\n${app.server.stderr}`);
    }
  });

  return app;
}

/** The page paths every page-level check runs on, with the status each must answer. */
export const PAGES = [
  { name: 'start page', path: '/', status: 200 },
  { name: 'about', path: '/om', status: 200 },
  { name: '404 page', path: '/finnes-ikke-e2e', status: 404 },
];
export const LANGS = ['nb', 'en'];

/** The URL of `path` in `lang`, chosen explicitly with ?lang=. */
export function withLang(base, path, lang) {
  const u = new URL(path, base);
  u.searchParams.set('lang', lang);
  return u.toString();
}

