// Figures in the browser: `fixtures/figures/` has a folder briefing with a
// photo (an image alone in its paragraph), a chart in a fenced figure block
// with a credit and a citation, and a data file beside it. The gate's checks
// run on every page of it (Nu Html Checker, links including srcset, axe in
// light and dark, layout at 390 and 1280 px, no JavaScript), and the figures
// themselves are looked at: each image loads a copy its srcset offers, is no
// wider than the screen, and has its box before it loads (width and height),
// so nothing moves when it arrives.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { VIEWPORTS } from './lib/config.mjs';
import { checkAccessibility, checkLayout, checkNoJs, launchBrowser, visitsFor } from './lib/browser.mjs';
import { assertNoProblems, prepareSite } from './lib/gate.mjs';
import { checkLinks } from './lib/links.mjs';
import { E2E_DIR, pageTypeOf } from './lib/site.mjs';
import { assertVnuAvailable, checkHtmlValidity } from './lib/vnu.mjs';

const BRIEFING = 'briefings/the-numbers/index.html';

describe('figures (fixtures/figures)', () => {
  let site;
  let browserPromise;
  const browser = () => (browserPromise ??= launchBrowser());
  const visits = (rels) => visitsFor(site.served.url, rels, { typeOf: pageTypeOf });

  before(async () => {
    site = await prepareSite({ root: path.join(E2E_DIR, 'fixtures', 'figures'), name: 'figures' });
  });

  after(async () => {
    if (browserPromise) await (await browserPromise.catch(() => null))?.close();
    await site?.close();
  });

  test('HTML validity: the Nu Html Checker reports no error on any page', async () => {
    assertVnuAvailable();
    assertNoProblems('HTML validity (vnu)', await checkHtmlValidity(site.out));
  });

  test('links: every href, src and srcset resolves, at the root and under a sub-path', () => {
    assertNoProblems('links', checkLinks(site.out, site.baseUrl));
    assertNoProblems(`links under ${site.served.url}`, checkLinks(site.served.out, site.served.url));
  });

  test('accessibility: no serious or critical axe violation, light and dark', async () => {
    const problems = await checkAccessibility(await browser(), visits([BRIEFING, 'index.html']));
    assertNoProblems('accessibility (axe)', problems);
  });

  test('layout: no horizontal scroll at 390x844 and 1280x900, no failed request', async () => {
    const all = site.served.pages.pages.map((p) => p.rel);
    assertNoProblems('layout and console', await checkLayout(await browser(), visits(all)));
  });

  test('without JavaScript: the briefing and its figures show', async () => {
    const b = await browser();
    assertNoProblems('without JavaScript', await checkNoJs(b, visits([BRIEFING])));
    const context = await b.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(visits([BRIEFING])[0].url, { waitUntil: 'load' });
      const loaded = await page.locator('figure img').evaluateAll((imgs) => imgs.map((i) => i.complete && i.naturalWidth > 0));
      assert.deepEqual(loaded, [true, true], 'both figures load without JavaScript');
    } finally {
      await context.close();
    }
  });

  test('each figure loads a copy its srcset offers, fits the screen and keeps its box', async () => {
    const b = await browser();
    for (const vp of VIEWPORTS) {
      const context = await b.newContext({ viewport: { width: vp.width, height: vp.height } });
      try {
        const page = await context.newPage();
        await page.goto(visits([BRIEFING])[0].url, { waitUntil: 'domcontentloaded' });
        // Before any image has loaded, each has the height its width and
        // height attributes give: nothing moves when it arrives.
        const boxes = await page.locator('figure img').evaluateAll((imgs) =>
          imgs.map((i) => ({ w: i.getBoundingClientRect().width, h: i.getBoundingClientRect().height, aw: +i.getAttribute('width'), ah: +i.getAttribute('height') })),
        );
        assert.equal(boxes.length, 2, `${vp.name}: two figures`);
        for (const box of boxes) {
          assert.ok(box.w > 0 && box.w <= vp.width, `${vp.name}: an image ${box.w}px wide fits the screen`);
          assert.ok(Math.abs(box.h - (box.w * box.ah) / box.aw) < 1.5, `${vp.name}: box ${box.w}x${box.h} keeps the ratio ${box.aw}:${box.ah} before loading`);
        }
        const imgs = page.locator('figure img');
        for (let k = 0; k < 2; k++) {
          await imgs.nth(k).scrollIntoViewIfNeeded();
          await imgs.nth(k).evaluate((i) => (i.complete ? null : new Promise((ok) => i.addEventListener('load', ok, { once: true }))));
          const got = await imgs.nth(k).evaluate((i) => ({
            current: i.currentSrc,
            natural: i.naturalWidth,
            offered: i.srcset.split(',').map((c) => new URL(c.trim().split(' ')[0], document.baseURI).href),
            lazy: i.getAttribute('loading'),
          }));
          assert.ok(got.natural > 0, `${vp.name}: figure ${k + 1} loaded`);
          assert.ok(got.offered.includes(got.current), `${vp.name}: figure ${k + 1} loaded ${got.current}, one of ${got.offered.join(', ')}`);
          assert.equal(got.lazy, k === 0 ? null : 'lazy', `${vp.name}: only the first image loads eagerly`);
        }
      } finally {
        await context.close();
      }
    }
  });
});
