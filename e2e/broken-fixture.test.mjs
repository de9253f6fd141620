// Proof that the gate can fail: e2e/fixtures/broken/ is a brief site broken
// on purpose. It is built like the publication and every check function of
// the gate runs over it; each must report the problem, naming the page.
// Feeds and the sitemap are written by brief itself and can't be broken
// from content, so their checks run on a tampered copy of the output.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { checkAccessibility, checkLayout, checkNoJs, launchBrowser, visitsFor } from './lib/browser.mjs';
import { checkFeeds, checkSitemap } from './lib/feeds.mjs';
import { assertHasProblem, formatProblems, prepareSite } from './lib/gate.mjs';
import { checkLinks } from './lib/links.mjs';
import { startServer } from './lib/server.mjs';
import { E2E_DIR, checkPageTypes, pageTypeOf, tempDir } from './lib/site.mjs';
import { checkHtmlValidity } from './lib/vnu.mjs';

const BROKEN = 'briefings/broken/index.html';
const NEEDS_JS = 'briefings/needs-javascript/index.html';
const show = (name, problems) => console.log(`# ${name} on the broken fixture (expected to fail): ${problems.length} problem(s)\n${formatProblems(problems)}`);

describe('broken fixture: every check fails on it', () => {
  let site;
  let browserPromise;
  const browser = () => (browserPromise ??= launchBrowser());
  const visits = (rels) => visitsFor(site.served.url, rels, { typeOf: pageTypeOf });

  before(async () => {
    site = await prepareSite({ root: path.join(E2E_DIR, 'fixtures', 'broken'), name: 'broken' });
  });
  after(async () => {
    if (browserPromise) await (await browserPromise.catch(() => null))?.close();
    await site?.close();
  });

  test('page types: a type missing from the output fails, naming it', () => {
    const { problems } = checkPageTypes(site.out, { pendingTypes: [] });
    show('page types', problems);
    // The fixture has no content/pages/, so no standalone page.
    assertHasProblem('page types', problems, '/<slug>/', /page type 'page' is missing/);
    const missing = [...new Set(problems.map((p) => p.problem.match(/page type '([^']+)'/)[1]))];
    const pendingRun = checkPageTypes(site.out, { pendingTypes: missing });
    assert.deepEqual(pendingRun.problems, []);
    assert.ok(pendingRun.pending.some((p) => /'page'.*pending/.test(p)), 'pending types are reported as pending');
  });

  test('HTML validity: vnu reports the invalid element and the missing alt', async () => {
    const problems = await checkHtmlValidity(site.out);
    show('HTML validity', problems);
    assertHasProblem('vnu', problems, BROKEN, /Element “li” not allowed as child of element “div”/);
    assertHasProblem('vnu', problems, BROKEN, /An “img” element must have an “alt” attribute/);
  });

  test('links: dangling link and fragments are reported', () => {
    const problems = checkLinks(site.out, site.baseUrl);
    show('links', problems);
    assertHasProblem('links', problems, BROKEN, /href="\/nowhere\/".*no such file in the output: nowhere\/index\.html/);
    assertHasProblem('links', problems, BROKEN, /href="#no-such-anchor".*no element with id="no-such-anchor" on this page/);
    assertHasProblem('links', problems, BROKEN, /#no-such-section".*no element with id="no-such-section" on briefings\/needs-javascript\/index\.html/);
    assertHasProblem('links', problems, BROKEN, /src="\/missing-image\.png".*no such file/);
  });

  test('links: root-relative URLs are reported under a sub-path base_url', () => {
    const problems = checkLinks(site.served.out, site.served.url);
    assertHasProblem('links (sub-path)', problems, BROKEN, /src="\/favicon\.svg".*outside the site's base path/);
  });

  test('accessibility: axe reports the image without alt (light and dark) and dark-only low contrast', async () => {
    const problems = await checkAccessibility(await browser(), visits([BROKEN]));
    show('accessibility', problems);
    assertHasProblem('axe', problems, BROKEN, /^\[light\] axe image-alt \(critical\)/);
    assertHasProblem('axe', problems, BROKEN, /^\[dark\] axe image-alt \(critical\)/);
    // Contrast is checked in each colour scheme: .dark-trap fails in dark only.
    assertHasProblem('axe', problems, BROKEN, /^\[dark\] axe color-contrast \(serious\).*\.dark-trap/);
    assert.ok(!problems.some((p) => /^\[light\].*\.dark-trap/.test(p.problem)), '.dark-trap is readable in light mode');
  });

  test('layout: horizontal overflow, uncaught exception and failed request are reported', async () => {
    const problems = await checkLayout(await browser(), visits([BROKEN]));
    show('layout', problems);
    for (const vp of ['mobile 390x844', 'desktop 1280x900']) {
      const at = vp;
      assertHasProblem('layout', problems, BROKEN, new RegExp(`^\\[${at}\\] scrolls horizontally: scrollWidth \\d+px > innerWidth \\d+px; wider than the viewport: div`));
      assertHasProblem('layout', problems, BROKEN, new RegExp(`^\\[${at}\\] uncaught exception: broken fixture: deliberate uncaught exception`));
      assertHasProblem('layout', problems, BROKEN, new RegExp(`^\\[${at}\\] HTTP 404 for GET .*/missing-image\\.png`));
    }
  });

  test('without JavaScript: hidden main content is reported', async () => {
    const problems = await checkNoJs(await browser(), visits([NEEDS_JS, BROKEN]));
    show('without JavaScript', problems);
    assertHasProblem('no-JS', problems, NEEDS_JS, /\[no JavaScript\] <main> is not visible/);
    assert.ok(!problems.some((p) => p.page === BROKEN), `the broken page's content is visible without JS:\n${formatProblems(problems)}`);
  });

  test('feeds and sitemap: a tampered copy of the output fails both checks', () => {
    const copy = path.join(tempDir('broken-tampered'), 'site');
    fs.cpSync(site.out, copy, { recursive: true });
    // Feed: drop <updated> from the feed and the self link; break a tag feed's XML.
    const feed = path.join(copy, 'atom.xml');
    let xml = fs.readFileSync(feed, 'utf8');
    xml = xml.replace(/\n\s*<updated>[^<]*<\/updated>/, '').replace(/<link rel="self"[^>]*\/>/, '');
    fs.writeFileSync(feed, xml);
    fs.appendFileSync(path.join(copy, 'tags', 'broken', 'atom.xml'), '<entry>');
    // Sitemap: a listed page removed, an unlisted page added.
    fs.rmSync(path.join(copy, 'briefings', 'needs-javascript'), { recursive: true });
    fs.mkdirSync(path.join(copy, 'unlisted'));
    fs.writeFileSync(path.join(copy, 'unlisted', 'index.html'), '<!doctype html><title>x</title>');

    const { problems: feedProblems } = checkFeeds(copy, site.baseUrl);
    show('feeds (tampered)', feedProblems);
    assertHasProblem('feeds', feedProblems, 'atom.xml', /<feed> has no <updated>/);
    assertHasProblem('feeds', feedProblems, 'atom.xml', /<feed> has no <link rel="self">/);
    assertHasProblem('feeds', feedProblems, 'atom.xml', /link https:\/\/broken\.example\/briefings\/needs-javascript\/ points to a page missing/);
    assertHasProblem('feeds', feedProblems, 'tags/broken/atom.xml', /not well-formed XML/);

    const sitemapProblems = checkSitemap(copy, site.baseUrl);
    show('sitemap (tampered)', sitemapProblems);
    assertHasProblem('sitemap', sitemapProblems, 'sitemap.xml', /briefings\/needs-javascript\/<\/loc> lists a page that is not in the output/);
    assertHasProblem('sitemap', sitemapProblems, 'sitemap.xml', /indexable page unlisted\/index\.html .* is missing from the sitemap/);
  });
});

describe('static server', () => {
  let server;
  let dir;
  before(async () => {
    dir = tempDir('server');
    fs.mkdirSync(path.join(dir, 'site', 'a'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'site', 'a', 'index.html'), 'A');
    fs.writeFileSync(path.join(dir, 'site', '404.html'), 'NOT FOUND PAGE');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'SECRET');
    server = await startServer({ root: path.join(dir, 'site'), prefix: '/sub/' });
  });
  after(() => server?.close());

  // Raw request paths (no client-side normalisation of `..`).
  const get = (p) =>
    new Promise((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: server.port, path: p }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode, body, location: res.headers.location }));
        })
        .on('error', reject);
    });

  test('serves files, directories and 404.html; refuses ..', async () => {
    assert.equal(server.url.startsWith('http://127.0.0.1:'), true);
    assert.deepEqual(await get('/sub/a/'), { status: 200, body: 'A', location: undefined });
    assert.equal((await get('/sub/a/index.html?h=1')).body, 'A');
    assert.equal((await get('/sub/a')).location, '/sub/a/');
    assert.deepEqual(await get('/sub/nope/'), { status: 404, body: 'NOT FOUND PAGE', location: undefined });
    assert.equal((await get('/a/')).status, 404, 'outside the prefix');
    for (const p of ['/sub/../secret.txt', '/sub/%2e%2e/secret.txt', '/sub/a/..%2f..%2fsecret.txt', '/sub/..\\secret.txt']) {
      const res = await get(p);
      assert.equal(res.status, 400, `${p} must be refused`);
      assert.ok(!res.body.includes('SECRET'));
    }
  });
});
