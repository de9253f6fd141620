// `brief serve` in a real browser: live reload after a save, the error
// overlay and its recovery, a stylesheet swapped without a reload, the
// scroll position kept across a reload, Ctrl-C with a tab open, and no
// trace of the reload script in a built site.
//
// The server runs the release binary on a temporary copy of a small fixture
// (lib/serve.mjs), on a port the OS picks (--port 0).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launchBrowser } from './lib/browser.mjs';
import { BRIEFING_FILE, BRIEFING_PATH, briefingText, startServe, writeAtomically, writeServeFixture } from './lib/serve.mjs';
import { buildSite, listFiles, tempDir } from './lib/site.mjs';

// How long a save may take to show in the page (debounce, rebuild, event,
// reload); generous because the test machine's cores are shared.
const SHOW_TIMEOUT = 5_000;

describe('brief serve (live reload in headless Chromium)', () => {
  let root;
  let server;
  let browser;
  let page;
  const briefing = () => path.join(root, BRIEFING_FILE);
  const stylesheet = () => path.join(root, 'themes', 'default', 'static', 'style.css');
  const log = () => `\n--- brief serve output ---\n${server?.output() ?? ''}`;

  before(async () => {
    root = writeServeFixture();
    server = await startServe(root);
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    // The reload script's event stream must be open before the first edit,
    // or the edit's event is missed.
    const stream = page.waitForResponse((r) => r.url().endsWith('/__brief/events'));
    await page.goto(new URL(BRIEFING_PATH, server.url).href);
    assert.equal((await stream).status(), 200, 'the event stream answers');
    await page.getByText('The original opening sentence.').waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a saved edit shows in the open page without a manual reload', async () => {
    fs.writeFileSync(briefing(), briefingText({ opening: 'The edited opening sentence.' }));
    try {
      await page.getByText('The edited opening sentence.').waitFor({ timeout: SHOW_TIMEOUT });
    } catch (e) {
      assert.fail(`the edit did not show within ${SHOW_TIMEOUT} ms: ${e.message.split('\n')[0]}${log()}`);
    }
    assert.equal(new URL(page.url()).pathname, BRIEFING_PATH);
  });

  test('an error shows the overlay with path:line:col and the message; the fix clears it', async () => {
    // An unknown front-matter key on line 4, column 1; saved the way many
    // editors save (a temporary file renamed over the original).
    writeAtomically(briefing(), briefingText({ opening: 'The edited opening sentence.', extraFront: 'colour = "red"' }));
    const overlay = page.locator('#brief-error-overlay');
    try {
      await overlay.waitFor({ state: 'visible', timeout: SHOW_TIMEOUT });
    } catch (e) {
      assert.fail(`no error overlay within ${SHOW_TIMEOUT} ms: ${e.message.split('\n')[0]}${log()}`);
    }
    const text = await overlay.innerText();
    assert.match(text, /content\/briefings\/2025-06-01-first\.md:4:1/, `the overlay names path:line:col:\n${text}`);
    assert.match(text, /unknown key `colour`/, `the overlay gives the message:\n${text}`);
    // The last good version stays underneath.
    assert.ok(await page.getByText('The edited opening sentence.').isVisible());

    writeAtomically(briefing(), briefingText({ opening: 'The fixed opening sentence.' }));
    try {
      await overlay.waitFor({ state: 'detached', timeout: SHOW_TIMEOUT });
      await page.getByText('The fixed opening sentence.').waitFor({ timeout: SHOW_TIMEOUT });
    } catch (e) {
      assert.fail(`the fix did not clear the overlay and show the new text within ${SHOW_TIMEOUT} ms: ${e.message.split('\n')[0]}${log()}`);
    }
  });

  test('a stylesheet edit is swapped in without reloading the page', async () => {
    await page.evaluate(() => {
      window.__marker = 1;
    });
    const mark = () => page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--brief-e2e-mark').trim());
    assert.equal(await mark(), '', 'the stylesheet has no mark yet');
    fs.appendFileSync(stylesheet(), '\n:root { --brief-e2e-mark: 42; }\n');
    const deadline = Date.now() + SHOW_TIMEOUT;
    while ((await mark()) !== '42') {
      if (Date.now() > deadline) assert.fail(`the new stylesheet did not apply within ${SHOW_TIMEOUT} ms${log()}`);
      await page.waitForTimeout(50);
    }
    assert.equal(await page.evaluate(() => window.__marker), 1, 'the page was reloaded for a CSS-only change');
    const hrefs = await page.evaluate(() => [...document.querySelectorAll('link[rel="stylesheet"]')].map((l) => l.href));
    assert.ok(hrefs.some((h) => /style\.css\?brief-reload=/.test(h)), `the stylesheet link was swapped: ${hrefs.join(', ')}`);
  });

  test('the scroll position is kept across a reload', async () => {
    await page.evaluate(() => window.scrollTo(0, 900));
    await page.waitForFunction(() => Math.abs(window.scrollY - 900) < 2);
    const before = await page.evaluate(() => {
      window.__marker = 2;
      return window.scrollY;
    });
    fs.writeFileSync(
      briefing(),
      briefingText({ opening: 'The fixed opening sentence.', closing: 'A closing paragraph, added while scrolled down.' }),
    );
    try {
      await page.getByText('A closing paragraph, added while scrolled down.').waitFor({ state: 'attached', timeout: SHOW_TIMEOUT });
    } catch (e) {
      assert.fail(`the edit did not show within ${SHOW_TIMEOUT} ms: ${e.message.split('\n')[0]}${log()}`);
    }
    assert.equal(await page.evaluate(() => window.__marker), undefined, 'the page was reloaded');
    // The script restores the position on load.
    let after = null;
    const deadline = Date.now() + SHOW_TIMEOUT;
    for (;;) {
      after = await page.evaluate(() => window.scrollY);
      if (Math.abs(after - before) <= 40 || Date.now() > deadline) break;
      await page.waitForTimeout(50);
    }
    assert.ok(Math.abs(after - before) <= 40, `scrollY was ${before} before the reload and ${after} after`);
  });

  test('the reload script is injected when served, never in a built site', async () => {
    const served = await (await fetch(new URL(BRIEFING_PATH, server.url))).text();
    assert.match(served, /<script src="\/__brief\/reload\.js" defer><\/script>\s*<\/body>/, 'served pages carry the script');
    const out = path.join(tempDir('serve-build'), 'public');
    await buildSite({ root, output: out });
    const files = listFiles(out);
    assert.ok(files.includes('briefings/first/index.html'), `the build has the briefing: ${files.join(', ')}`);
    const leaking = files.filter((f) => fs.readFileSync(path.join(out, f)).includes('__brief'));
    assert.deepEqual(leaking, [], 'built files mentioning __brief');
  });

  // Last: it stops the server. With a tab open its event stream never
  // ends, and a graceful shutdown that waits for open connections would
  // hang until the tab is closed.
  test('Ctrl-C stops the server while a tab is open', async () => {
    assert.equal(new URL(page.url()).pathname, BRIEFING_PATH, 'the tab is still open on the briefing');
    server.child.kill('SIGINT');
    const stopped = await Promise.race([
      server.exited.then(() => true),
      new Promise((resolve) => setTimeout(() => resolve(false), 3_000)),
    ]);
    assert.ok(stopped, `brief serve was still running 3 s after Ctrl-C, with one tab open${log()}`);
  });
});
