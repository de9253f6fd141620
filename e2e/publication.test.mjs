// The end-to-end quality gate on the repository's own publication: it is
// built with target/release/brief, then every check runs over the output.
// Each check prints every problem it finds (page, problem) and fails when
// there is any; page types and feeds not built yet are printed as pending.
import { after, before, describe, test } from 'node:test';
import { CONTENT_TYPES, PAGE_TYPES, PENDING_TYPES } from './lib/config.mjs';
import { checkAccessibility, checkLayout, checkNoJs, launchBrowser, missingPageVisit, visitsFor } from './lib/browser.mjs';
import { checkFeeds, checkSitemap } from './lib/feeds.mjs';
import { assertNoProblems, note, prepareSite } from './lib/gate.mjs';
import { checkLinks } from './lib/links.mjs';
import { REPO_DIR, checkPageTypes, pageTypeOf } from './lib/site.mjs';
import { assertVnuAvailable, checkHtmlValidity } from './lib/vnu.mjs';

// The site under test: the repository's own (BRIEF_E2E_SITE overrides it, for
// trying the gate on another checkout).
const SITE_ROOT = process.env.BRIEF_E2E_SITE || REPO_DIR;
const started = performance.now();
const timings = [];
const timed = async (name, fn) => {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    timings.push(`${name} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
};

describe('publication (the repository\'s own site)', () => {
  let site;
  let browserPromise;
  const browser = () => (browserPromise ??= launchBrowser());

  // Browser visits: every type's representative (its largest page), and for
  // layout every page of the site plus the 404 page at a missing deep URL.
  const representatives = () => [...site.served.pages.representative.values()];
  const visits = (rels) => visitsFor(site.served.url, rels, { typeOf: pageTypeOf });

  before(async () => {
    site = await timed('build (twice)', () => prepareSite({ root: SITE_ROOT, name: 'publication' }));
    console.log(`# built ${site.pages.pages.length} HTML pages into ${site.out} (base_url ${site.baseUrl}); browser build served at ${site.served.url}`);
  });

  after(async () => {
    if (browserPromise) await (await browserPromise.catch(() => null))?.close();
    await site?.close();
    const total = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`# e2e publication run time: ${total} s (${timings.join(', ')})`);
  });

  test('every page type is in the output (pending ones are reported)', (t) => {
    const { problems, pending, notes } = checkPageTypes(site.out);
    note(t, pending.map((p) => `PENDING: ${p}`));
    note(t, notes.map((n) => `NOTE: ${n}`));
    const found = PAGE_TYPES.filter((p) => site.pages.byType.has(p.type)).map((p) => `${p.type} (${site.pages.byType.get(p.type).length})`);
    note(t, [`page types found: ${found.join(', ')}`]);
    assertNoProblems('page types', problems);
  });

  test('HTML validity: the Nu Html Checker reports no error on any page', async () => {
    assertVnuAvailable();
    const problems = await timed('vnu', () => checkHtmlValidity(site.out));
    assertNoProblems('HTML validity (vnu)', problems);
  });

  test('links: every internal href/src resolves, every fragment exists', () => {
    assertNoProblems('links', checkLinks(site.out, site.baseUrl));
  });

  test('links: still resolve when base_url has a sub-path', () => {
    assertNoProblems(`links under ${site.served.url}`, checkLinks(site.served.out, site.served.url));
  });

  test('feeds: every Atom feed is well-formed, valid Atom', (t) => {
    const { problems, pending, feeds } = checkFeeds(site.out, site.baseUrl);
    note(t, pending.map((p) => `PENDING: ${p}`));
    note(t, [`feeds checked: ${feeds.join(', ')}`]);
    assertNoProblems('Atom feeds', problems);
  });

  test('sitemap: lists every indexable page and only existing pages', () => {
    assertNoProblems('sitemap', checkSitemap(site.out, site.baseUrl));
  });

  test('accessibility: no serious or critical axe violation on any page type, light and dark', async (t) => {
    const b = await browser();
    // One page per type (its largest) by default; BRIEF_E2E_AXE_ALL=1 checks every page.
    const reps = process.env.BRIEF_E2E_AXE_ALL === '1' ? site.served.pages.pages.map((p) => p.rel) : representatives();
    note(t, [`axe on: ${reps.map((r) => `${pageTypeOf(r) ?? 'paginated'}=${r}`).join(', ')}`]);
    const problems = await timed('axe', () => checkAccessibility(b, visits(reps)));
    assertNoProblems('accessibility (axe)', problems);
  });

  test('layout: no horizontal scroll at 390x844 and 1280x900, no console errors, no failed requests', async () => {
    const b = await browser();
    const all = site.served.pages.pages.map((p) => p.rel);
    const problems = await timed('layout', () => checkLayout(b, [...visits(all), missingPageVisit(site.served.url)]));
    assertNoProblems('layout and console', problems);
  });

  test('without JavaScript: home, a briefing and the explainer show their content', async (t) => {
    const b = await browser();
    const problems = [];
    const rels = [];
    for (const def of PAGE_TYPES.filter((p) => p.noJs)) {
      const rel = site.served.pages.representative.get(def.type);
      if (rel) rels.push(rel);
      else if (PENDING_TYPES.includes(def.type)) note(t, [`PENDING: no-JavaScript check of '${def.type}' (${def.url}): not built yet`]);
      else if (CONTENT_TYPES.includes(def.type)) note(t, [`NOTE: no '${def.type}' page (${def.url}) in this site's content`]);
      else problems.push({ page: def.url, problem: `[no JavaScript] page type '${def.type}' is missing from the output` });
    }
    note(t, [`without JavaScript: ${rels.join(', ')}`]);
    problems.push(...(await timed('no-js', () => checkNoJs(b, visits(rels)))));
    assertNoProblems('without JavaScript', problems);
  });
});
