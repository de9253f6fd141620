// Bytes a reader's browser fetches for one search, on a built site:
//
//   node e2e/search-bytes.mjs SITE_OUTPUT_DIR WORD [WORD ...]
//
// Serves SITE_OUTPUT_DIR (built with base_url at the root, as bench/ builds
// it) on 127.0.0.1, opens /search/ in headless Chromium, types each word
// into a fresh page and waits for the result count. Prints, per word, the
// requests made after the page's own HTML and CSS (the search script, the
// index files, the result fragments) with their sizes, and the total. Not
// a test: a measurement for bench/README.md.
import path from 'node:path';
import { launchBrowser } from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';

const [dir, ...words] = process.argv.slice(2);
if (!dir || words.length === 0) {
  console.error('usage: node e2e/search-bytes.mjs SITE_OUTPUT_DIR WORD [WORD ...]');
  process.exit(2);
}

const server = await startServer({ root: path.resolve(dir), prefix: '/' });
const browser = await launchBrowser();
try {
  for (const word of words) {
    // A fresh context per word: nothing comes from an earlier word's cache.
    const context = await browser.newContext();
    const page = await context.newPage();
    const fetched = [];
    const sizes = [];
    page.on('requestfinished', (request) => {
      const entry = { url: new URL(request.url()).pathname, bytes: 0 };
      fetched.push(entry);
      sizes.push(
        request
          .response()
          .then((r) => (r ? r.body() : Buffer.alloc(0)))
          .then((b) => (entry.bytes = b.length), () => {}),
      );
    });
    await page.goto(`${server.url}search/`, { waitUntil: 'networkidle' });
    await page.waitForSelector('.search__filters:not([hidden])', { timeout: 60_000 });
    const before = fetched.length;
    const started = Date.now();
    await page.locator('#search-query').fill(word);
    await page.waitForFunction(() => /result/.test(document.querySelector('.search__status')?.textContent || ''), null, { timeout: 60_000 });
    await page.waitForLoadState('networkidle');
    const took = Date.now() - started;
    await Promise.all(sizes);
    const status = await page.locator('.search__status').textContent();
    const onLoad = fetched.slice(0, before);
    const onQuery = fetched.slice(before);
    const sum = (list) => list.reduce((n, f) => n + f.bytes, 0);
    const searchOnLoad = onLoad.filter((f) => !/\.(html|css)$|\/$/.test(f.url));
    console.log(`\n== “${word}”: ${status.trim()} (${took} ms after typing)`);
    console.log(`page load: ${onLoad.length} requests, ${sum(onLoad)} bytes; of them search script and index: ${searchOnLoad.length} requests, ${sum(searchOnLoad)} bytes`);
    for (const f of searchOnLoad) console.log(`  load   ${String(f.bytes).padStart(8)}  ${f.url}`);
    console.log(`query: ${onQuery.length} requests, ${sum(onQuery)} bytes`);
    const shown = onQuery.length > 12 ? [...onQuery.slice(0, 8), null, ...onQuery.slice(-2)] : onQuery;
    for (const f of shown) console.log(f ? `  query  ${String(f.bytes).padStart(8)}  ${f.url}` : '  …');
    console.log(`one-word query total (search script + index + results): ${sum(searchOnLoad) + sum(onQuery)} bytes`);
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
