// Save-to-found latency of search under `brief serve`, on a large site:
//
//   node e2e/serve-search-latency.mjs SITE [RUNS]
//
// SITE is a site folder this script may edit (copy bench/'s cached site
// first: cp -r bench/.sites/briefings-10000-seed-1 /tmp/s10k). Starts
// `brief serve` on it, opens /search/ in headless Chromium on a word no
// page has, then RUNS times (default 10) appends a sentence with a new
// unique word to a briefing (a different one each time) and changes the
// query to that word, and measures from just before the save until the
// page shows the one result. Prints each run, the median and the maximum.
// Not a test: a measurement for bench/README.md (the e2e test
// serve-search.test.mjs checks the same on a small site).
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser } from './lib/browser.mjs';
import { startServe } from './lib/serve.mjs';

const [site, runsArg] = process.argv.slice(2);
if (!site) {
  console.error('usage: node e2e/serve-search-latency.mjs SITE [RUNS]');
  process.exit(2);
}
const runs = Number(runsArg || 10);
const dir = path.join(site, 'content', 'briefings');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.md')).sort();

const started = Date.now();
const server = await startServe(site, { timeout: 300_000 });
console.log(`serving after ${Date.now() - started} ms`);
const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  const waitStatus = (pattern) =>
    page.waitForFunction((s) => new RegExp(s).test(document.querySelector('.search__status')?.textContent || ''), pattern, {
      timeout: 60_000,
      polling: 5,
    });
  const t0 = Date.now();
  await page.goto(new URL('/search/?q=zzqnothing', server.url).href);
  await waitStatus('No results');
  console.log(`search page ready (index loaded, first query answered) after ${Date.now() - t0} ms`);
  const times = [];
  for (let k = 0; k < runs; k++) {
    const word = `quokka${k}x${process.pid}`;
    const file = path.join(dir, files[Math.floor(((k + 0.5) * files.length) / runs)]);
    // The query first: the open page looks for the word before it exists.
    await page.locator('#search-query').fill(word);
    await waitStatus(`No results for “${word}”`);
    const saved = Date.now();
    fs.appendFileSync(file, `\nA ${word} came ashore.\n`);
    await waitStatus(`^1 result for “${word}”`);
    const took = Date.now() - saved;
    times.push(took);
    console.log(`run ${k + 1}: ${took} ms (${path.basename(file)})`);
  }
  times.sort((a, b) => a - b);
  console.log(`median ${times[Math.floor(times.length / 2)]} ms, max ${times[times.length - 1]} ms over ${runs} saves`);
  const rebuilt = [...server.output().matchAll(/rebuilt in (\d+) ms/g)].map((m) => Number(m[1]));
  if (rebuilt.length) console.log(`server rebuilds: ${rebuilt.join(', ')} ms`);
} finally {
  await browser.close();
  await server.stop();
}
