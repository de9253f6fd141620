// Highlighted code is readable: a fixture briefing with Rust, Python, TOML
// and JavaScript blocks (comments, strings, attributes, numbers) passes
// axe's colour-contrast rule in the light and the dark scheme. syntect's
// bundled themes fail it as shipped (comments at 2.7-2.9:1); syntax.css
// adjusts token colours to 4.5:1 against each theme's own background.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launchBrowser, checkAccessibility, visitsFor } from './lib/browser.mjs';
import { prepareSite, assertNoProblems } from './lib/gate.mjs';
import { E2E_DIR } from './lib/site.mjs';

let site;
let browser;

before(async () => {
  site = await prepareSite({ root: path.join(E2E_DIR, 'fixtures', 'code'), name: 'code' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await site?.close();
});

test('highlighted code passes axe colour contrast in light and dark', async () => {
  const rel = 'briefings/code/index.html';
  const visits = visitsFor(site.served.url, [rel]);
  const page = await browser.newPage();
  await page.goto(visits[0].url);
  const tokens = await page
    .locator('pre.code span')
    .evaluateAll((spans) => spans.filter((s) => /^(\/\/|#|\/\*)/.test(s.textContent)).length);
  await page.close();
  assert.ok(tokens >= 4, `the fixture's comments are highlighted (${tokens} comment spans)`);
  assertNoProblems('accessibility (axe) of highlighted code', await checkAccessibility(browser, visits));
});

test('each scheme paints code blocks with its own theme', async () => {
  const rel = 'briefings/code/index.html';
  const [visit] = visitsFor(site.served.url, [rel]);
  const colours = {};
  for (const colorScheme of ['light', 'dark']) {
    const context = await browser.newContext({ colorScheme });
    const page = await context.newPage();
    await page.goto(visit.url);
    colours[colorScheme] = await page.locator('pre.code').first().evaluate((el) => getComputedStyle(el).backgroundColor);
    await context.close();
  }
  assert.equal(colours.light, 'rgb(255, 255, 255)', 'InspiredGitHub background in light');
  assert.equal(colours.dark, 'rgb(43, 48, 59)', 'base16-ocean.dark background in dark');
});
