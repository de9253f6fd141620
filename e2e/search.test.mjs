// Reader search: builds a fixture site (served under a sub-path, as the
// gate's browser build is), loads /search/ in headless Chromium, types
// queries and reads the results Pagefind returns from the built index.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launchBrowser } from './lib/browser.mjs';
import { prepareSite } from './lib/gate.mjs';
import { E2E_DIR } from './lib/site.mjs';

let site;
let browser;

before(async () => {
  site = await prepareSite({ root: path.join(E2E_DIR, 'fixtures', 'search'), name: 'search' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await site?.close();
});

async function search(query, { kind } = {}) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${site.served.url}search/`, { waitUntil: 'networkidle' });
  // The filters appear once the index has loaded.
  await page.waitForSelector('.search__filters:not([hidden])', { timeout: 15_000 });
  if (kind) {
    for (const box of await page.locator('.search__kinds input').all()) {
      if ((await box.getAttribute('value')) !== kind) await box.uncheck();
    }
  }
  await page.locator('#search-query').pressSequentially(query, { delay: 10 });
  await page.waitForFunction(() => /result/.test(document.querySelector('.search__status')?.textContent || ''), null, { timeout: 15_000 });
  const results = await page.locator('.search-result').evaluateAll((items) =>
    items.map((li) => ({
      title: li.querySelector('.search-result__title')?.textContent.trim(),
      href: li.querySelector('.search-result__title a')?.getAttribute('href'),
      meta: li.querySelector('.search-result__meta')?.textContent.trim(),
      marked: [...li.querySelectorAll('mark')].map((m) => m.textContent),
    })),
  );
  await page.close();
  assert.deepEqual(errors, [], 'no script errors on the search page');
  return results;
}

test('a word found only in a briefing body finds that briefing, highlighted', async () => {
  // The source page quotes the citing sentence, so it matches too.
  const all = await search('xylophonic');
  assert.deepEqual(all.map((r) => r.href).sort(), ['/e2e-base/briefings/ships/', '/e2e-base/sources/port-data/']);
  const results = await search('xylophonic', { kind: 'briefing' });
  assert.equal(results.length, 1, JSON.stringify(results, null, 1));
  assert.equal(results[0].title, 'Ships wait at the harbour');
  assert.equal(results[0].href, '/e2e-base/briefings/ships/');
  assert.match(results[0].meta, /Briefing · 1 June 2025 · ports/i);
  assert.ok(results[0].marked.some((m) => /xylophonic/i.test(m)), 'the match is highlighted');
});

test('a publisher finds its source page, and the kind filter keeps only sources', async () => {
  const results = await search('Zephyr Gazette', { kind: 'source' });
  assert.ok(results.length >= 1, 'at least one result');
  assert.equal(results[0].title, 'Quarterly magnet review');
  assert.equal(results[0].href, '/e2e-base/sources/magnet-review/');
  for (const r of results) assert.match(r.meta, /^Source/, `${r.title} is a source`);
});

test('lists, tags and pagination are not indexed', async () => {
  const results = await search('magnets');
  for (const r of results) {
    assert.doesNotMatch(r.href, /\/(tags|page)\/|\/briefings\/$|\/sources\/$|\/e2e-base\/$/, `${r.href} is not a list page`);
  }
});
