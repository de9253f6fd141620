// Checks in headless Chromium (Debian's, driven by playwright-core):
// accessibility (axe-core), layout (no horizontal scroll, no console errors,
// no failed requests) and content without JavaScript.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import {
  AXE_FAILING_IMPACTS,
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  COLOR_SCHEMES,
  NO_JS_MIN_TEXT,
  PAGE_TYPES,
  VIEWPORTS,
} from './config.mjs';
import { pageUrl } from './site.mjs';

const require = createRequire(import.meta.url);
let axeSource = null;
const axe = () => (axeSource ??= fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));

const NAV_TIMEOUT = 20_000;

/** Launches the one browser of a test run; fails clearly if Chromium is missing. */
export async function launchBrowser() {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM_PATH}: run bash scripts/install-e2e ` +
        '(it installs Debian\'s chromium); the browser checks never skip, in CI or locally',
    );
  }
  try {
    return await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  } catch (e) {
    throw new Error(`could not launch ${CHROMIUM_PATH}: ${e.message}`);
  }
}

/**
 * A page to visit: { page: label used in problems (output-relative path),
 * url, type, expectStatus (default 200), waitUntil }.
 */
export function visitsFor(siteUrl, rels, { typeOf = () => null } = {}) {
  return rels.map((rel) => {
    const type = typeOf(rel);
    const def = PAGE_TYPES.find((t) => t.type === type);
    return { page: rel, url: pageUrl(siteUrl, rel), type, expectStatus: 200, waitUntil: def?.waitUntil ?? 'load' };
  });
}

/** The 404 page as a reader meets it: served for a missing deep path. */
export function missingPageVisit(siteUrl) {
  const url = new URL('e2e-missing/deep/path/', siteUrl).href;
  return { page: `404.html (served for ${new URL(url).pathname})`, url, type: '404', expectStatus: 404, waitUntil: 'load' };
}

/**
 * Opens one tab in `context` and returns visit(v) -> { events, status }:
 * console errors, uncaught exceptions, failed requests and HTTP errors seen
 * while loading v.url.
 */
function tab(context) {
  let pagePromise = null;
  let current = null; // { v, events: [], inflight: Set<Request> }
  const owner = new WeakMap(); // Request -> the visit it was made for
  const open = async () => {
    const page = await context.newPage();
    page.setDefaultTimeout(NAV_TIMEOUT);
    const record = (visit, text) => visit?.events.push(text);
    page.on('console', (msg) => {
      // A failed load is reported below, with its URL and status.
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) record(current, `console error: ${msg.text()}`);
    });
    page.on('pageerror', (err) => record(current, `uncaught exception: ${err.message}`));
    page.on('request', (req) => {
      owner.set(req, current);
      current?.inflight.add(req);
    });
    page.on('requestfinished', (req) => owner.get(req)?.inflight.delete(req));
    page.on('requestfailed', (req) => {
      const visit = owner.get(req);
      visit?.inflight.delete(req);
      const error = req.failure()?.errorText ?? 'failed';
      // net::ERR_ABORTED is the browser cancelling a request (leaving the
      // page while the favicon loads, say), not a resource failing: a
      // missing file is an HTTP error below, an unreachable host another code.
      if (error === 'net::ERR_ABORTED') return;
      record(visit, `request failed: ${req.method()} ${req.url()} (${error})`);
    });
    page.on('response', (res) => {
      const status = res.status();
      if (status < 400) return;
      const req = res.request();
      const visit = owner.get(req);
      if (visit && req.isNavigationRequest() && req.frame() === page.mainFrame() && status === visit.v.expectStatus) return;
      record(visit, `HTTP ${status} for ${req.method()} ${res.url()}`);
    });
    return page;
  };
  return {
    async visit(v) {
      pagePromise ??= open();
      const page = await pagePromise;
      const visit = { v, events: [], inflight: new Set() };
      current = visit;
      let status = null;
      try {
        const res = await page.goto(v.url, { waitUntil: v.waitUntil ?? 'load', timeout: NAV_TIMEOUT });
        status = res?.status() ?? null;
        await page.evaluate(() => document.fonts?.ready.then(() => true)).catch(() => {});
        // Let late requests (icons, lazy images) finish, so they are
        // attributed to this page: at most 2 s.
        for (let waited = 0; visit.inflight.size > 0 && waited < 2000; waited += 25) await page.waitForTimeout(25);
      } catch (e) {
        visit.events.push(`navigation failed: ${e.message.split('\n')[0]}`);
      }
      const expected = v.expectStatus ?? 200;
      if (status !== null && status !== expected) visit.events.push(`page answered HTTP ${status}, expected ${expected}`);
      return { page, status, events: () => visit.events.slice() };
    },
  };
}

const describeTarget = (node) => node.target.map((t) => (Array.isArray(t) ? t.join(' >> ') : t)).join(' ');

/**
 * Check: axe-core finds no serious or critical violation on each visit, in
 * every colour scheme. Returns a list of problems { page, problem }.
 */
export async function checkAccessibility(browser, visits, { colorSchemes = COLOR_SCHEMES, viewport = VIEWPORTS[1] } = {}) {
  const problems = [];
  for (const colorScheme of colorSchemes) {
    const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height }, colorScheme });
    try {
      const t = tab(context);
      for (const v of visits) {
        const { page } = await t.visit(v);
        await page.emulateMedia({ colorScheme });
        let violations;
        try {
          await page.addScriptTag({ content: axe() });
          violations = await page.evaluate(async () => {
            // eslint-disable-next-line no-undef
            const r = await axe.run(document, { resultTypes: ['violations'] });
            return r.violations.map((x) => ({
              id: x.id,
              impact: x.impact,
              help: x.help,
              helpUrl: x.helpUrl,
              nodes: x.nodes.map((n) => ({ target: n.target, impact: n.impact, summary: n.failureSummary, html: n.html })),
            }));
          });
        } catch (e) {
          problems.push({ page: v.page, problem: `[${colorScheme}] axe could not run: ${e.message.split('\n')[0]}` });
          continue;
        }
        for (const x of violations) {
          const nodes = x.nodes.filter((n) => AXE_FAILING_IMPACTS.has(n.impact ?? x.impact));
          if (!AXE_FAILING_IMPACTS.has(x.impact) && nodes.length === 0) continue;
          const shown = (nodes.length ? nodes : x.nodes).slice(0, 4);
          const summarize = (text) =>
            (text || '')
              .split('\n')
              .map((l) => l.trim())
              .filter((l) => l && !/^Fix (any|all) of the following:?$/.test(l))
              .slice(0, 2)
              .join('; ');
          const detail = shown.map((n) => `${describeTarget(n)}${n.summary ? ` (${summarize(n.summary)})` : ''}`).join(', ');
          const more = x.nodes.length > shown.length ? ` (+${x.nodes.length - shown.length} more)` : '';
          problems.push({ page: v.page, problem: `[${colorScheme}] axe ${x.id} (${x.impact}): ${x.help} — ${detail}${more}` });
        }
      }
    } finally {
      await context.close();
    }
  }
  return problems;
}

/**
 * Check: at each viewport no visit scrolls horizontally, logs a console
 * error, throws, or has a failed request. Returns a list of problems.
 */
export async function checkLayout(browser, visits, { viewports = VIEWPORTS } = {}) {
  const problems = [];
  for (const vp of viewports) {
    const context = await browser.newContext({ viewport: { width: vp.width, height: vp.height } });
    try {
      const t = tab(context);
      for (const v of visits) {
        const { page, events } = await t.visit(v);
        const overflow = await page
          .evaluate(() => {
            const vw = window.innerWidth;
            const sw = document.documentElement.scrollWidth;
            if (sw <= vw) return null;
            const describe = (el) => {
              let s = el.tagName.toLowerCase();
              if (el.id) s += `#${el.id}`;
              for (const c of el.classList) s += `.${c}`;
              return `${s} (right edge at ${Math.round(el.getBoundingClientRect().right)}px)`;
            };
            const sticksOut = (el) => el.getBoundingClientRect().right > vw + 0.5;
            const culprits = [];
            for (const el of document.body.querySelectorAll('*')) {
              if (!sticksOut(el)) continue;
              if (el.parentElement && el.parentElement !== document.body && sticksOut(el.parentElement)) continue;
              culprits.push(describe(el));
              if (culprits.length >= 3) break;
            }
            return { sw, vw, culprits };
          })
          .catch((e) => ({ error: e.message }));
        if (overflow?.error) {
          problems.push({ page: v.page, problem: `[${vp.name}] could not measure the layout: ${overflow.error}` });
        } else if (overflow) {
          problems.push({
            page: v.page,
            problem: `[${vp.name}] scrolls horizontally: scrollWidth ${overflow.sw}px > innerWidth ${overflow.vw}px${overflow.culprits.length ? `; wider than the viewport: ${overflow.culprits.join(', ')}` : ''}`,
          });
        }
        for (const e of new Set(events())) problems.push({ page: v.page, problem: `[${vp.name}] ${e}` });
      }
    } finally {
      await context.close();
    }
  }
  return problems;
}

/**
 * Check: with JavaScript disabled each visit shows its content: a visible
 * <main> with a visible <h1> and at least NO_JS_MIN_TEXT characters of
 * visible text. Returns a list of problems.
 */
export async function checkNoJs(browser, visits, { minText = NO_JS_MIN_TEXT } = {}) {
  const problems = [];
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: VIEWPORTS[0].width, height: VIEWPORTS[0].height } });
  try {
    const t = tab(context);
    for (const v of visits) {
      const { page, status } = await t.visit(v);
      if (status === null) {
        problems.push({ page: v.page, problem: '[no JavaScript] the page did not load' });
        continue;
      }
      const main = page.locator('main').first();
      if ((await page.locator('main').count()) === 0) {
        problems.push({ page: v.page, problem: '[no JavaScript] the page has no <main> element' });
        continue;
      }
      if (!(await main.isVisible())) {
        problems.push({ page: v.page, problem: '[no JavaScript] <main> is not visible' });
        continue;
      }
      const h1 = page.locator('h1').first();
      if ((await page.locator('h1').count()) === 0 || !(await h1.isVisible())) {
        problems.push({ page: v.page, problem: '[no JavaScript] the page heading <h1> is not visible' });
      }
      // Visible text of <main>: text nodes whose element is rendered and visible.
      const visible = await main.evaluate((el) => {
        let n = 0;
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const parent = node.parentElement;
          if (!parent || !parent.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
          const r = parent.getBoundingClientRect();
          if (r.width === 0 || r.height === 0) continue;
          n += node.textContent.replace(/\s+/g, ' ').trim().length;
        }
        return n;
      });
      if (visible < minText) {
        problems.push({ page: v.page, problem: `[no JavaScript] only ${visible} characters of visible text in <main> (at least ${minText} expected)` });
      }
    }
  } finally {
    await context.close();
  }
  return problems;
}
