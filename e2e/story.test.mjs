// The story tools in a browser: a fixture site (fixtures/story/) with
// events on a timeline, a bar and a line chart, and an explainer that
// changed on four days, through the whole gate (page types, HTML validity,
// links, feeds, sitemap, axe in light and dark, layout at 390 and 1280 px,
// no JavaScript), plus what only charts need: their text and marks in
// contrast with the page in both schemes, their text drawn at a readable
// size on a 360 px screen, their SVG named and their table in the
// accessibility tree, and a print layout that keeps them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { checkAccessibility, checkLayout, checkNoJs, launchBrowser, visitsFor } from './lib/browser.mjs';
import { checkFeeds, checkSitemap } from './lib/feeds.mjs';
import { assertNoProblems, note, prepareSite } from './lib/gate.mjs';
import { checkLinks } from './lib/links.mjs';
import { E2E_DIR, checkPageTypes, pageTypeOf } from './lib/site.mjs';
import { assertVnuAvailable, checkHtmlValidity } from './lib/vnu.mjs';

const CHARTS = 'briefings/leverage/index.html';
const TIMELINE = 'timeline/index.html';
const SNAPSHOT = 'explainer/2025-06-09/index.html';

/** WCAG contrast of two `rgb(...)` colours. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

describe('story tools (fixtures/story)', () => {
  let site;
  let browserPromise;
  const browser = () => (browserPromise ??= launchBrowser());
  const visits = (rels) => visitsFor(site.served.url, rels, { typeOf: pageTypeOf });

  before(async () => {
    site = await prepareSite({ root: path.join(E2E_DIR, 'fixtures', 'story'), name: 'story' });
  });
  after(async () => {
    if (browserPromise) await (await browserPromise.catch(() => null))?.close();
    await site?.close();
  });

  test('every page type is built, the timeline and the explainer on each day included', (t) => {
    // Every type but bylines and corrections, which this fixture has none of.
    const { problems } = checkPageTypes(site.out, { pendingTypes: [], contentTypes: ['author-list', 'author', 'corrections'] });
    note(t, [`snapshots: ${site.pages.byType.get('snapshot')?.join(', ')}`]);
    assertNoProblems('page types', problems);
    assert.deepEqual(
      site.pages.byType.get('snapshot'),
      ['explainer/2025-06-02/index.html', 'explainer/2025-06-09/index.html', 'explainer/2025-06-10/index.html', 'explainer/2025-06-12/index.html'],
    );
  });

  test('HTML validity: the Nu Html Checker reports no error on any page', async () => {
    assertVnuAvailable();
    assertNoProblems('HTML validity (vnu)', await checkHtmlValidity(site.out));
  });

  test('links and fragments resolve, at the root and under a sub-path', () => {
    assertNoProblems('links', checkLinks(site.out, site.baseUrl));
    assertNoProblems(`links under ${site.served.url}`, checkLinks(site.served.out, site.served.url));
  });

  test('feeds (the timeline\'s included) and the sitemap', (t) => {
    const { problems, feeds } = checkFeeds(site.out, site.baseUrl);
    note(t, [`feeds checked: ${feeds.join(', ')}`]);
    assert.ok(feeds.includes('timeline/atom.xml'), 'the timeline feed is checked');
    assertNoProblems('Atom feeds', problems);
    assertNoProblems('sitemap', checkSitemap(site.out, site.baseUrl));
  });

  test('axe: no serious or critical violation on the timeline, a chart, a snapshot and the rest, light and dark', async () => {
    const rels = [...new Set([CHARTS, TIMELINE, SNAPSHOT, ...site.served.pages.representative.values()])];
    assertNoProblems('accessibility (axe)', await checkAccessibility(await browser(), visits(rels)));
  });

  test('layout: no page scrolls horizontally at 390 or 1280 px, no console error, no failed request', async () => {
    const all = site.served.pages.pages.map((p) => p.rel);
    assertNoProblems('layout and console', await checkLayout(await browser(), visits(all)));
  });

  test('without JavaScript: the timeline, a snapshot and the charts are all there', async () => {
    const b = await browser();
    const rels = [TIMELINE, SNAPSHOT, CHARTS];
    assertNoProblems('without JavaScript', await checkNoJs(b, visits(rels)));
    const context = await b.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
    try {
      const page = await context.newPage();
      await page.goto(visits([CHARTS])[0].url);
      const sizes = await page.locator('svg.chart__svg').evaluateAll((svgs) => svgs.map((s) => s.getBoundingClientRect().height));
      assert.equal(sizes.length, 2);
      for (const h of sizes) assert.ok(h > 150, `a chart is drawn without JavaScript (${h}px high)`);
    } finally {
      await context.close();
    }
  });

  test('charts: text 4.5:1 and marks 3:1 against the page, in light and dark', async () => {
    const b = await browser();
    const problems = [];
    for (const colorScheme of ['light', 'dark']) {
      const context = await b.newContext({ colorScheme, viewport: { width: 1280, height: 900 } });
      try {
        const page = await context.newPage();
        await page.goto(visits([CHARTS])[0].url);
        const found = await page.evaluate(() => {
          const background = (el) => {
            for (let e = el; e; e = e.parentElement) {
              const c = getComputedStyle(e).backgroundColor;
              if (c && !/rgba\(.*, 0\)$/.test(c) && c !== 'transparent') return c;
            }
            return getComputedStyle(document.documentElement).backgroundColor;
          };
          const out = [];
          for (const svg of document.querySelectorAll('svg.chart__svg')) {
            const bg = background(svg);
            for (const t of svg.querySelectorAll('text')) out.push({ what: `text “${t.textContent}”`, colour: getComputedStyle(t).fill, bg, min: 4.5 });
            for (const m of svg.querySelectorAll('.chart__bar, .chart__marker')) out.push({ what: `${m.tagName} ${m.getAttribute('class')}`, colour: getComputedStyle(m).fill, bg, min: 3 });
            for (const l of svg.querySelectorAll('path.chart__line')) out.push({ what: `line ${l.getAttribute('class')}`, colour: getComputedStyle(l).stroke, bg, min: 3 });
          }
          return out;
        });
        assert.ok(found.length > 40, `chart text and marks found (${found.length})`);
        for (const f of found) {
          const ratio = contrast(f.colour, f.bg);
          if (ratio < f.min) problems.push({ page: CHARTS, problem: `[${colorScheme}] ${f.what}: ${f.colour} on ${f.bg} is ${ratio.toFixed(2)}:1, below ${f.min}:1` });
        }
        // Light and dark really differ: the stylesheet's custom properties apply.
        const bar = await page.locator('svg.chart__svg .chart__bar').first().evaluate((el) => getComputedStyle(el).fill);
        assert.equal(bar, colorScheme === 'light' ? 'rgb(47, 95, 138)' : 'rgb(127, 176, 224)', `${colorScheme} bar colour`);
      } finally {
        await context.close();
      }
    }
    assertNoProblems('chart contrast', problems);
  });

  test('charts: readable at 360 px, named for screen readers, with their data as a table', async () => {
    const context = await (await browser()).newContext({ viewport: { width: 360, height: 800 } });
    try {
      const page = await context.newPage();
      await page.goto(visits([CHARTS])[0].url);
      const sizes = await page.evaluate(() =>
        [...document.querySelectorAll('svg.chart__svg')].flatMap((svg) => {
          const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          const right = svg.getBoundingClientRect().right;
          return [...svg.querySelectorAll('text')].map((t) => ({
            text: t.textContent,
            px: Number(t.getAttribute('font-size')) * scale,
            inside: right <= window.innerWidth,
          }));
        }),
      );
      for (const s of sizes) {
        assert.ok(s.px >= 10, `“${s.text}” is drawn at ${s.px.toFixed(1)}px on a 360px screen`);
        assert.ok(s.inside, 'the chart fits the screen');
      }
      // Named images and real tables, in the accessibility tree.
      assert.equal(await page.getByRole('img', { name: 'China’s share of rare earths, by stage' }).count(), 1);
      assert.equal(await page.getByRole('img', { name: 'Magnet exports by month' }).count(), 1);
      const tables = page.getByRole('table');
      assert.equal(await tables.count(), 2);
      assert.equal(await page.getByRole('rowheader', { name: 'Separation and refining' }).count(), 1);
      assert.equal(await page.getByRole('cell', { name: '94%' }).count(), 1);
      // Printed, the chart stays and fits the page.
      await page.emulateMedia({ media: 'print' });
      const printed = await page.locator('svg.chart__svg').first().evaluate((s) => s.getBoundingClientRect().width);
      assert.ok(printed > 200, `the chart prints (${printed}px wide)`);
    } finally {
      await context.close();
    }
  });

  test('the timeline, a snapshot and the explainer link each other', async () => {
    const page = await (await browser()).newPage();
    try {
      await page.goto(visits([TIMELINE])[0].url);
      assert.equal(await page.locator('.event').count(), 4);
      assert.equal(await page.locator('.event.is-withdrawn').count(), 1);
      assert.match(await page.locator('#e-leverage-1 .event__when').innerText(), /4 April 2025.*reported 9 June 2025/i);
      await page.goto(visits([SNAPSHOT])[0].url);
      await page.getByRole('link', { name: 'Read the current explainer' }).click();
      assert.match(page.url(), /\/explainer\/$/);
      assert.equal(await page.locator('.snapshots__list a').count(), 4);
    } finally {
      await page.close();
    }
  });
});
