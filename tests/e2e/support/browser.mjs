// Chromium (Debian's) driven by playwright-core, plus the helpers the browser
// tests share: a page watcher for console errors and CSP violations, and axe-core.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const CHROMIUM_PATH = process.env.SAMSKAP_CHROMIUM || '/usr/bin/chromium';

export const PHONE = { width: 375, height: 667 };
export const DESKTOP = { width: 1280, height: 800 };

export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A fresh context. `locale` drives Accept-Language; 'de-DE' is a language
 * Samskap does not offer, so the server has to fall back to its default.
 */
export function newContext(browser, { locale = 'de-DE', viewport = DESKTOP, ...rest } = {}) {
  return browser.newContext({ locale, viewport, ...rest });
}

/**
 * Records console errors, uncaught page errors, failed requests and
 * `securitypolicyviolation` events on `page`. Call before the first goto;
 * calling it again on the same page clears the record and returns it.
 */
const watched = new WeakMap();

export async function watchPage(page) {
  // Watching the same page again starts a fresh record (the listeners stay).
  if (watched.has(page)) {
    const problems = watched.get(page);
    for (const list of Object.values(problems)) list.length = 0;
    return problems;
  }
  const problems = { consoleErrors: [], pageErrors: [], cspViolations: [], failedRequests: [] };
  watched.set(page, problems);
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.consoleErrors.push(`${msg.text()} @ ${msg.location().url}`);
  });
  page.on('pageerror', (err) => problems.pageErrors.push(String(err)));
  page.on('requestfailed', (req) => problems.failedRequests.push(`${req.url()}: ${req.failure()?.errorText}`));
  await page.exposeBinding('__samskapReportCsp', (_source, v) => problems.cspViolations.push(v));
  // Runs in every document before its own scripts; added through the DevTools
  // protocol, so the page's CSP does not apply to it.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__samskapReportCsp(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} ` +
        `at ${e.sourceFile || e.documentURI}:${e.lineNumber}`);
    });
  });
  return problems;
}

let axeSource = null;
function axe() {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/**
 * Runs axe-core on the current document. The source goes in through the
 * DevTools protocol (page.evaluate), which the page's CSP does not block.
 */
export async function runAxe(page) {
  await page.evaluate(axe());
  return page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return {
      passes: r.passes.length,
      violations: r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
      })),
    };
  }, AXE_TAGS);
}

export function formatViolations(violations) {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.join('\n    ')}`).join('\n');
}
