// braid's GraphiQL page in a real browser (Debian's chromium, driven by puppeteer-core):
// the page and everything it loads come from braid alone; a query typed into the editor
// returns data; a header typed into the header editor reaches braid over HTTP and, as
// connection_init payload, over /graphql/ws, and is not persisted; a typed subscription
// shows an event.
// Usage: node graphiql.mjs BASE_URL TOKEN USERNAME SCREENSHOT_DIR
// The Rust test (tests/api/graphiql.rs) triggers the event once the subscription is live.
// Prints one JSON line: what the page showed.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

const [baseUrl, token, username, screenshotDir] = process.argv.slice(2);
const executablePath = process.env.BRAID_CHROMIUM || '/usr/bin/chromium';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const TIMEOUT = 30_000;

// Every URL the page asked for; any host other than loopback fails the test.
const requested = [];
const foreign = [];
const problems = [];
function record(url) {
  requested.push(url);
  const { protocol, hostname } = new URL(url);
  if (['data:', 'blob:', 'about:'].includes(protocol)) return true;
  if (!LOOPBACK.has(hostname)) {
    foreign.push(url);
    return false;
  }
  return true;
}

const userDataDir = mkdtempSync(join(tmpdir(), 'braid-chromium-'));
const browser = await puppeteer.launch({
  executablePath,
  headless: true, // --headless=new
  userDataDir, // --user-data-dir, fresh each run
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-default-apps',
    '--disable-extensions',
  ],
});
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A failed load is reported with its URL below.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()}: ${response.url()}`);
  });
  page.on('requestfailed', (request) => {
    // Aborted foreign requests are reported through `foreign`.
    if (!foreign.includes(request.url())) {
      problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`);
    }
  });
  // WebSockets bypass request interception: the DevTools protocol reports them.
  const cdp = await page.createCDPSession();
  await cdp.send('Network.enable');
  const sockets = [];
  cdp.on('Network.webSocketCreated', ({ url }) => {
    sockets.push(url);
    record(url);
  });
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    if (record(request.url())) request.continue();
    else request.abort('blockedbyclient');
  });

  const response = await page.goto(`${baseUrl}/graphql`, { waitUntil: 'load' });
  assert.equal(response.status(), 200, 'the page is served');
  const title = await page.title();

  // CodeMirror 5 editors: GraphiQL's query, headers and response panes.
  const QUERY = '.graphiql-query-editor .CodeMirror';
  const HEADERS = '.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror';
  const RESPONSE = '.graphiql-response .CodeMirror';
  await page.waitForSelector(QUERY, { visible: true });
  const value = (selector) => page.$eval(selector, (element) => element.CodeMirror.getValue());
  // Types into an editor as a person would (CodeMirror closes brackets and quotes as they
  // are opened, and steps over the closing ones typed after them).
  async function type(selector, text) {
    await page.click(selector);
    await page.keyboard.down('Control');
    await page.keyboard.press('KeyA');
    await page.keyboard.up('Control');
    await page.keyboard.press('Backspace');
    await page.keyboard.type(text);
    await page.keyboard.press('Escape'); // closes an autocompletion hint, if any
    assert.equal(await value(selector), text, `the editor holds what was typed into ${selector}`);
  }
  // Runs the query editor's operation and waits for a response that `accept`s.
  async function run(accept) {
    const before = await value(RESPONSE).catch(() => '');
    await page.click('.graphiql-execute-button');
    const handle = await page.waitForFunction(
      (selector, before) => {
        const text = document.querySelector(selector)?.CodeMirror?.getValue() ?? '';
        return text && text !== before ? text : null;
      },
      { timeout: TIMEOUT },
      RESPONSE,
      before,
    );
    const result = JSON.parse(await handle.jsonValue());
    assert.ok(accept(result), `unexpected response: ${JSON.stringify(result)}`);
    return result;
  }

  // A query typed into the editor, first anonymously...
  const query = '{ __typename me { username } }';
  await type(QUERY, query);
  const anonymous = await run((result) => result.data?.__typename === 'Query');

  // ...then with an Authorization header typed into the header editor.
  await page.evaluate(() => {
    const tab = [...document.querySelectorAll('.graphiql-editor-tools button')].find(
      (button) => button.textContent.trim() === 'Headers',
    );
    tab.click();
  });
  await page.waitForSelector(HEADERS, { visible: true });
  await type(HEADERS, `{"Authorization": "Bearer ${token}"}`);
  await type(QUERY, query);
  const signedIn = await run((result) => result.data?.me?.username === username);
  mkdirSync(screenshotDir, { recursive: true });
  const queryShot = join(screenshotDir, 'graphiql-query.png');
  await page.screenshot({ path: queryShot });

  // A subscription typed into the editor: braid learns of it over /graphql/ws; the Rust
  // test then causes a notification for this viewer, which the response pane shows.
  await type(QUERY, 'subscription { notificationAdded { type title isRead } }');
  const event = await run((result) => result.data?.notificationAdded != null);
  const subscriptionShot = join(screenshotDir, 'graphiql-subscription.png');
  await page.screenshot({ path: subscriptionShot });

  // shouldPersistHeaders is off: the token is nowhere in the page's storage.
  const persisted = await page.evaluate(
    (token) => Object.keys(localStorage).filter((key) => localStorage.getItem(key).includes(token)),
    token,
  );
  assert.deepEqual(persisted, [], 'headers are not persisted');
  const history = await page.evaluate(() => localStorage.getItem('graphiql:queries'));
  assert.match(history ?? '', /notificationAdded/, 'the history is still kept');
  const stylesheets = await page.evaluate(() => document.styleSheets.length);
  assert.deepEqual(foreign, [], 'the page asked for nothing beyond loopback');
  assert.deepEqual(problems, [], 'no errors in the page');
  console.log(
    JSON.stringify({
      title,
      anonymous,
      signedIn,
      event,
      requests: requested.length,
      sockets,
      stylesheets,
      screenshots: [queryShot, subscriptionShot],
    }),
  );
} finally {
  await browser.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
