// Search under `brief serve` in headless Chromium: a word a save adds is
// found within a second of the save, by the search page that is already
// open (it runs its query again when the site changes) and by a new
// query; a word a save removes is no longer found.
//
// The server runs the release binary on a temporary copy of the serve
// fixture (lib/serve.mjs), on a port the OS picks.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launchBrowser } from './lib/browser.mjs';
import { BRIEFING_FILE, BRIEFING_PATH, briefingText, startServe, writeAtomically, writeServeFixture } from './lib/serve.mjs';

// From the save to the result on screen.
const FOUND_WITHIN_MS = 1_000;
const status = (page) => page.locator('.search__status').textContent();

describe('search under brief serve (headless Chromium)', () => {
  let root;
  let server;
  let browser;
  let page;
  const briefing = () => path.join(root, BRIEFING_FILE);
  const log = () => `\n--- brief serve output ---\n${server?.output() ?? ''}`;

  before(async () => {
    root = writeServeFixture('serve-search');
    server = await startServe(root);
    browser = await launchBrowser();
    page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.errors = errors;
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Opens the search page on `query` and waits for its result line. */
  async function openSearch(query) {
    await page.goto(new URL(`/search/?q=${encodeURIComponent(query)}`, server.url).href);
    await page.waitForSelector('.search__filters:not([hidden])', { timeout: 15_000 });
    await page.waitForFunction(() => /result/.test(document.querySelector('.search__status')?.textContent || ''), null, { timeout: 15_000 });
  }

  /** Waits until the status line matches `pattern`; returns ms since `since`. */
  async function waitForStatus(pattern, since, what) {
    try {
      await page.waitForFunction(
        (source) => new RegExp(source).test(document.querySelector('.search__status')?.textContent || ''),
        pattern.source,
        { timeout: 10_000, polling: 10 },
      );
    } catch (e) {
      assert.fail(`${what}: status still “${await status(page)}” after 10 s${log()}`);
    }
    return Date.now() - since;
  }

  test('the open search page finds a word within a second of the save that adds it', async () => {
    await openSearch('quokkas');
    assert.match(await status(page), /No results for “quokkas”/);
    const saved = Date.now();
    writeAtomically(briefing(), briefingText({ opening: 'The original opening sentence.', closing: 'Two quokkas came ashore.' }));
    const took = await waitForStatus(/^1 result for “quokkas”/, saved, 'the new word');
    const results = await page.locator('.search-result__title a').evaluateAll((links) => links.map((a) => new URL(a.href).pathname));
    assert.deepEqual(results, [BRIEFING_PATH]);
    assert.ok(took <= FOUND_WITHIN_MS, `found ${took} ms after the save (at most ${FOUND_WITHIN_MS})${log()}`);
    assert.deepEqual((await page.locator('.search-result mark').allTextContents()).map((m) => m.toLowerCase()), ['quokkas']);
  });

  test('a new query finds a word within a second of the save', async () => {
    await openSearch('wombat');
    assert.match(await status(page), /No results/);
    const saved = Date.now();
    writeAtomically(briefing(), briefingText({ opening: 'The original opening sentence.', closing: 'A wombat followed the quokkas.' }));
    // Type as a reader would, right after saving.
    await page.locator('#search-query').fill('');
    await page.locator('#search-query').pressSequentially('wombats', { delay: 10 });
    const took = await waitForStatus(/^1 result for “wombats”/, saved, 'the typed word');
    assert.ok(took <= FOUND_WITHIN_MS, `found ${took} ms after the save (at most ${FOUND_WITHIN_MS})${log()}`);
  });

  test('a word a save removes is no longer found', async () => {
    await openSearch('wombat');
    assert.match(await status(page), /^1 result/);
    const saved = Date.now();
    writeAtomically(briefing(), briefingText({ opening: 'The original opening sentence.' }));
    await waitForStatus(/^No results for “wombat”/, saved, 'the removed word');
    assert.deepEqual(page.errors, [], 'no script errors on the search page');
  });
});
