// The deployment test (issue 13), started by tests/deploy/run.sh, which sets
// up two app nodes on PostgreSQL, nginx in front with a certificate for
// samskap.test, and an SMTP server. Everything here goes through nginx at
// https://samskap.test:PORT, as a phone outside the server would.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH, PHONE, DESKTOP } from '../e2e/support/browser.mjs';

const E = process.env;
const BASE = E.DEPLOY_PUBLIC;
const PASSWORD = 'fire vanlige ord sammen';
const work = mkdtempSync(path.join(tmpdir(), 'samskap-deploy-test-'));
let browser;

before(async () => {
  assert.ok(BASE && BASE.startsWith('https://samskap.test:'), 'run through tests/deploy/run.sh');
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      // samskap.test is this machine; only its certificate is accepted.
      '--host-resolver-rules=MAP samskap.test 127.0.0.1',
      `--ignore-certificate-errors-spki-list=${E.DEPLOY_SPKI}`],
  });
});
after(async () => { await browser?.close(); });

/** Decodes the QR code in `locator` from a screenshot, with zbarimg. */
async function decodeQr(locator, name) {
  const file = path.join(work, `${name}.png`);
  await locator.screenshot({ path: file });
  const out = execFileSync('zbarimg', ['--quiet', '--raw', file], { encoding: 'utf8' });
  return out.trim();
}

async function submit(page, button) {
  await Promise.all([page.waitForNavigation(), button.click()]);
}

/** curl through nginx from a chosen loopback address, with only our certificate trusted. */
function curl(from, args) {
  return execFileSync('curl', ['-sS', '--interface', from, '--cacert', E.DEPLOY_CERT,
    '--resolve', `samskap.test:${E.DEPLOY_HTTPS_PORT}:127.0.0.1`, ...args], { encoding: 'utf8' });
}

/** One failed login from `from`, with a forged X-Forwarded-For; returns the status. */
function failedLogin(from, forged, n) {
  const jar = path.join(work, `jar-${from}-${n}`);
  const form = curl(from, ['-c', jar, `${BASE}/logg-inn`]);
  const csrf = /name="csrf" value="([^"]+)"/.exec(form)[1];
  const status = curl(from, ['-b', jar, '-o', '/dev/null', '-w', '%{http_code}',
    '-H', `X-Forwarded-For: ${forged}`,
    '--data-urlencode', `csrf=${csrf}`, '--data-urlencode', `email=nobody${n}@${from}.test`,
    '--data-urlencode', 'password=wrong password here', `${BASE}/logg-inn`]);
  return Number(status);
}

function mails() {
  return readdirSync(E.DEPLOY_MAIL_DIR).filter((f) => f.endsWith('.eml'))
    .map((f) => readFileSync(path.join(E.DEPLOY_MAIL_DIR, f), 'utf8'));
}

function decodeQuotedPrintable(s) {
  return s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
}

test('through nginx: QR codes carry the public address, a phone answers, cookies are Secure, e-mail arrives', async () => {
  assert.ok(E.DEPLOY_SETUP.startsWith(`${BASE}/oppsett/`), `the console's setup link: ${E.DEPLOY_SETUP}`);
  const ctx = await browser.newContext({ locale: 'nb-NO', viewport: DESKTOP });
  const page = await ctx.newPage();

  // Plain http is sent to https.
  const redirect = curl('127.0.0.1', ['-o', '/dev/null', '-w', '%{http_code} %{redirect_url}',
    '--resolve', `samskap.test:${E.DEPLOY_HTTP_PORT}:127.0.0.1`, `http://samskap.test:${E.DEPLOY_HTTP_PORT}/kunnskap`]);
  assert.equal(redirect, `301 ${BASE}/kunnskap`);

  // 1. The facilitator sets up and signs in through nginx.
  await page.goto(E.DEPLOY_SETUP);
  await page.getByLabel('Organisasjon', { exact: true }).fill('Fjellvik kommune');
  await page.getByLabel('Fullt navn').fill('Kari Prosess');
  await page.getByLabel('E-postadresse').fill('kari@fjellvik.test');
  await page.getByLabel('Nytt passord').fill(PASSWORD);
  await page.getByLabel('Gjenta passordet').fill(PASSWORD);
  await submit(page, page.getByRole('button', { name: 'Opprett organisasjon og administrator' }));
  const head = curl('127.0.0.1', ['-I', `${BASE}/kunnskap`]);
  assert.match(head, /^strict-transport-security: max-age=\d+/im, head);

  // An initiative with a check-in round and its poster.
  await page.goto(`${BASE}/initiativ/ny`);
  await page.locator('#title').fill('Heltidskultur');
  await submit(page, page.locator('main form button[type="submit"]').first());
  const initiative = page.url().replace(/[?#].*$/, '');
  assert.match(initiative, new RegExp(`^${BASE}/initiativ/[0-9a-f]{32}`));
  await page.goto(`${initiative}/innsjekk`);
  await page.getByLabel('Navn på runden').fill('Oppstart');
  await submit(page, page.getByRole('button', { name: 'Opprett runden' }));
  const shortLink = await page.getByLabel('Kort lenke').inputValue();
  assert.match(shortLink, new RegExp(`^${BASE}/i/[2-9A-HJKMNP-Z]{8}$`));
  await page.getByRole('link', { name: 'Vis plakat for utskrift' }).click();
  await page.waitForURL(/\/plakat$/);
  // 2. The poster's QR code, decoded, is the public address.
  assert.equal(await decodeQr(page.locator('.checkin-poster__qr'), 'poster'), shortLink);

  // A workshop on the big screen.
  await page.goto(`${initiative}/verksted`);
  await page.getByLabel('Navn på verkstedet').fill('Oppstartssamling');
  await submit(page, page.getByRole('button', { name: 'Opprett verkstedet' }));
  const builder = page.url().replace(/\?.*$/, '');
  await page.getByLabel('Type aktivitet').selectOption('refleksjon');
  await page.getByLabel('Spørsmål eller oppgave').fill('Hva gir deg energi på jobb?');
  await submit(page, page.getByRole('button', { name: 'Legg til', exact: true }));
  await page.getByRole('link', { name: 'Styr verkstedet' }).click();
  await page.waitForURL(/\/styring$/);
  await submit(page, page.getByRole('button', { name: 'Start med første aktivitet' }));
  await submit(page, page.getByRole('button', { name: 'Vis resultatene på skjermen' }));
  const screen = await ctx.newPage();
  await screen.goto(`${builder}/skjerm`);
  await screen.getByRole('heading', { name: 'Hva gir deg energi på jobb?' }).waitFor();
  const joinUrl = await decodeQr(screen.locator('.ws-screen__qr'), 'screen');
  assert.match(joinUrl, new RegExp(`^${BASE}/w/[2-9A-HJKMNP-Z]{8}$`));

  // 3. A phone opens the decoded address and answers; the big screen shows it.
  const phoneCtx = await browser.newContext({ locale: 'nb-NO', viewport: PHONE });
  const phone = await phoneCtx.newPage();
  await phone.goto(joinUrl);
  await phone.getByLabel('Hva gir deg energi på jobb?').fill('Gode kolleger og kaffe');
  await submit(phone, phone.getByRole('button', { name: 'Send svaret' }));
  await phone.getByText('Takk! Svaret ditt er med.').waitFor();
  await screen.locator('#ws-live').getByText('Gode kolleger og kaffe').waitFor({ timeout: 15000 });
  // The check-in from a phone too, by the poster's address.
  const checkin = await phoneCtx.newPage();
  await checkin.goto(shortLink);
  await checkin.locator('label[for="stadium-ingen-planer"]').click();
  await submit(checkin, checkin.getByRole('button', { name: 'Send svaret' }));
  assert.equal(new URL(checkin.url()).origin, BASE, 'the answer stays on the public address');
  assert.equal(await checkin.locator('.error-summary').count(), 0, 'the check-in answer was taken');

  // Both nodes served requests (nginx spreads them).
  for (const node of ['node-a', 'node-b']) {
    const log = readFileSync(path.join(E.DEPLOY_DIR, `${node}.out`), 'utf8');
    assert.match(log, /"type":"access"/, `${node} served nothing`);
  }

  // 4. Every cookie the app set is Secure.
  const cookies = [...await ctx.cookies(), ...await phoneCtx.cookies()];
  assert.ok(cookies.length >= 3, `cookies: ${JSON.stringify(cookies.map((c) => c.name))}`);
  for (const c of cookies) assert.equal(c.secure, true, `cookie ${c.name} is not Secure`);

  // 6. An invitation goes out by e-mail, and its link sets the password through nginx.
  await page.goto(`${BASE}/admin/brukere`);
  await page.locator('#name').fill('Ola Deltaker');
  await page.locator('#email').fill('ola@fjellvik.test');
  await submit(page, page.getByRole('button', { name: 'Lag invitasjon' }));
  await page.getByText('Invitasjonen sendes med e-post til ola@fjellvik.test.').waitFor();
  let mail;
  for (let i = 0; i < 100 && !mail; i++) {
    mail = mails().find((m) => m.includes('X-Envelope-To: ola@fjellvik.test'));
    if (!mail) await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(mail, 'the invitation e-mail arrived');
  assert.match(mail, /^From: Samskap <samskap@samskap\.test>\r?$/m);
  assert.match(mail, /^Subject: =\?UTF-8\?B\?/m);
  const body = decodeQuotedPrintable(mail.split(/\r?\n\r?\n/).slice(1).join('\n'));
  assert.match(body, /Hei, Ola Deltaker!/);
  const link = new RegExp(`${BASE.replace(/[.]/g, '\\.')}/invitasjon/[A-Za-z0-9_-]+`).exec(body)?.[0];
  assert.ok(link, `a link to ${BASE} in:\n${body}`);
  const invited = await (await browser.newContext({ locale: 'nb-NO' })).newPage();
  await invited.goto(link);
  await invited.getByLabel('Nytt passord').fill('et annet langt passord her');
  await invited.getByLabel('Gjenta passordet').fill('et annet langt passord her');
  await submit(invited, invited.getByRole('button', { name: 'Lagre passord og logg inn' }));
  assert.equal(new URL(invited.url()).origin, BASE);
  for (const c of await invited.context().cookies()) assert.equal(c.secure, true, `cookie ${c.name}`);
  await phoneCtx.close();
  await ctx.close();
});

test('through nginx: failed logins throttle that client address, not another, and a forged X-Forwarded-For changes nothing', () => {
  // 127.0.0.2 and 127.0.0.3 are clients outside trusted_proxies: nginx
  // forwards their address, and whatever they put in X-Forwarded-For is
  // theirs, not believed. Every attempt claims a different address and names
  // a different account, so only the real client address can add up to a
  // throttle. The delay starts at one second after three free failures (kFreeAttempts) and
  // doubles with each further failure, so a slow machine still meets it within
  // these attempts; the test does not depend on how fast one attempt is.
  const statuses = [];
  for (let n = 0; n < 14 && !statuses.includes(429); n++) {
    statuses.push(failedLogin('127.0.0.2', `198.51.100.${n + 1}`, n));
  }
  assert.ok(statuses.every((s) => s === 401 || s === 429), `statuses ${statuses}`);
  assert.ok(statuses.slice(0, 3).every((s) => s === 401), `the first three are free: ${statuses}`);
  assert.equal(statuses.at(-1), 429,
    `the same client is throttled, whatever address it claims: ${statuses}`);
  assert.notEqual(failedLogin('127.0.0.3', '127.0.0.2', 0), 429,
    'another client is not throttled, even when it claims to be the throttled one');
});
