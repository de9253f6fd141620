// Checks: every Atom feed is well-formed XML and valid Atom (RFC 4287's
// required elements), and the sitemap lists exactly the indexable pages.
import fs from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { PAGINATED, PENDING_TYPES, REQUIRED_FEEDS } from './config.mjs';
import { scanTags } from './html.mjs';
import { internalTarget, resolveFile } from './links.mjs';
import { htmlFiles, listFiles, pageUrl } from './site.mjs';

const ATOM_NS = 'http://www.w3.org/2005/Atom';
const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';
// RFC 3339 date-time, as Atom requires for updated/published.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
// W3C Datetime profiles allowed in <lastmod>.
const W3C_DATETIME = /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;
const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Character references (&#x2F;) decoded; named ones beyond XML's five are
  // rejected separately, since an XML parser would.
  htmlEntities: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ['entry', 'link', 'author', 'category', 'url', 'id', 'title', 'updated'].includes(name),
});

const text = (node) => {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string' || typeof node === 'number') return String(node).trim();
  if (typeof node === 'object' && '#text' in node) return String(node['#text']).trim();
  if (typeof node === 'object') return Object.values(node).map(text).join('').trim();
  return '';
};

/** Parses an XML file, or returns the problems that prevent it. */
function parseXml(file, rel) {
  const xml = fs.readFileSync(file, 'utf8');
  const problems = [];
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    problems.push({ page: rel, problem: `not well-formed XML at line ${valid.err.line}:${valid.err.col}: ${valid.err.msg}` });
    return { problems };
  }
  for (const m of xml.matchAll(/&([a-zA-Z][a-zA-Z0-9]*);/g)) {
    if (!XML_ENTITIES.has(m[1])) {
      const line = xml.slice(0, m.index).split('\n').length;
      problems.push({ page: rel, problem: `undefined XML entity &${m[1]}; at line ${line} (only &amp; &lt; &gt; &quot; &apos; exist in XML)` });
    }
  }
  if (problems.length) return { problems };
  return { doc: parser.parse(xml), problems };
}

function absoluteHttpUrl(s) {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Validates one parsed Atom document; returns problem strings. */
function atomProblems(doc, { selfUrl, baseUrl, outDir, fileSet }) {
  const out = [];
  const feed = doc.feed;
  if (!feed || typeof feed !== 'object') return ['root element is not <feed>'];
  if (feed['@_xmlns'] !== ATOM_NS) out.push(`<feed> is not in the Atom namespace (xmlns="${feed['@_xmlns'] ?? ''}", expected ${ATOM_NS})`);

  const one = (node, name, where) => {
    const list = node[name] ?? [];
    if (list.length === 0) out.push(`${where} has no <${name}>`);
    else if (list.length > 1) out.push(`${where} has ${list.length} <${name}> elements (exactly one allowed)`);
    return list[0];
  };
  const id = one(feed, 'id', '<feed>');
  if (id !== undefined && !text(id)) out.push('<feed><id> is empty');
  else if (id !== undefined && !/^[a-z][a-z0-9+.-]*:/i.test(text(id))) out.push(`<feed><id> "${text(id)}" is not an absolute IRI`);
  const title = one(feed, 'title', '<feed>');
  if (title !== undefined && !text(title)) out.push('<feed><title> is empty');
  const updated = one(feed, 'updated', '<feed>');
  if (updated !== undefined && !RFC3339.test(text(updated))) out.push(`<feed><updated> "${text(updated)}" is not an RFC 3339 date-time`);

  const links = feed.link ?? [];
  const self = links.filter((l) => l['@_rel'] === 'self');
  if (self.length === 0) out.push('<feed> has no <link rel="self">');
  else if (self[0]['@_href'] !== selfUrl) out.push(`<link rel="self" href="${self[0]['@_href']}"> is not the feed's own URL ${selfUrl}`);

  const entries = feed.entry ?? [];
  const feedHasAuthor = (feed.author ?? []).length > 0;
  entries.forEach((entry, i) => {
    const where = `entry ${i + 1}${entry.title?.[0] ? ` ("${text(entry.title[0]).slice(0, 60)}")` : ''}`;
    const eid = one(entry, 'id', where);
    if (eid !== undefined && !/^[a-z][a-z0-9+.-]*:/i.test(text(eid))) out.push(`${where}: <id> "${text(eid)}" is not an absolute IRI`);
    const etitle = one(entry, 'title', where);
    if (etitle !== undefined && !text(etitle)) out.push(`${where}: <title> is empty`);
    const eupdated = one(entry, 'updated', where);
    if (eupdated !== undefined && !RFC3339.test(text(eupdated))) out.push(`${where}: <updated> "${text(eupdated)}" is not an RFC 3339 date-time`);
    const alt = (entry.link ?? []).filter((l) => !l['@_rel'] || l['@_rel'] === 'alternate');
    if (alt.length === 0) {
      out.push(`${where} has no <link rel="alternate" href="…">`);
    } else {
      const href = alt[0]['@_href'] ?? '';
      if (!absoluteHttpUrl(href)) {
        out.push(`${where}: link href "${href}" is not an absolute URL`);
      } else {
        const target = internalTarget(new URL(href), baseUrl);
        if (target?.outside !== undefined) out.push(`${where}: link ${href} is outside the site's base path`);
        else if (target && !resolveFile(outDir, target.rel, fileSet)) out.push(`${where}: link ${href} points to a page missing from the output`);
      }
    }
    if (!feedHasAuthor && (entry.author ?? []).length === 0) out.push(`${where} has no <author> and neither has the feed (RFC 4287 4.1.1)`);
  });
  return out;
}

/**
 * Runs the feed check over an output directory: every atom.xml in it, plus
 * the required ones (REQUIRED_FEEDS and one per tag page).
 * Returns { problems, pending }.
 */
export function checkFeeds(outDir, baseUrl, { pendingTypes = PENDING_TYPES } = {}) {
  const files = listFiles(outDir);
  const fileSet = new Set(files);
  const problems = [];
  const pending = [];

  const required = new Map(REQUIRED_FEEDS.map((f) => [f.path, f]));
  for (const rel of files) {
    const m = rel.match(/^tags\/([^/]+)\/index\.html$/);
    if (m && m[1] !== 'page') required.set(`tags/${m[1]}/atom.xml`, { path: `tags/${m[1]}/atom.xml` });
  }
  for (const f of required.values()) {
    if (fileSet.has(f.path)) continue;
    if (f.withPage && !fileSet.has(f.withPage)) continue;
    if (f.pendingWith && pendingTypes.includes(f.pendingWith)) {
      pending.push(`feed ${f.path} is not built yet: pending with page type '${f.pendingWith}' (PENDING_TYPES)`);
    } else {
      problems.push({ page: f.path, problem: 'required Atom feed is missing from the output' });
    }
  }

  const feeds = files.filter((f) => f === 'atom.xml' || f.endsWith('/atom.xml') || f.endsWith('.atom'));
  for (const rel of feeds) {
    const { doc, problems: xmlProblems } = parseXml(path.join(outDir, rel), rel);
    problems.push(...xmlProblems);
    if (!doc) continue;
    const selfUrl = pageUrl(baseUrl, rel);
    for (const problem of atomProblems(doc, { selfUrl, baseUrl, outDir, fileSet })) problems.push({ page: rel, problem });
  }
  return { problems, pending, feeds };
}

/**
 * Runs the sitemap check: sitemap.xml parses, lists every indexable page
 * (every index.html but paginated page/N/ ones; never 404.html) and only
 * pages that exist. Returns a list of problems.
 */
export function checkSitemap(outDir, baseUrl) {
  const rel = 'sitemap.xml';
  const file = path.join(outDir, rel);
  if (!fs.existsSync(file)) return [{ page: rel, problem: 'sitemap.xml is missing from the output' }];
  const { doc, problems } = parseXml(file, rel);
  if (!doc) return problems;
  const urlset = doc.urlset;
  if (!urlset || typeof urlset !== 'object') return [{ page: rel, problem: 'root element is not <urlset>' }];
  if (urlset['@_xmlns'] !== SITEMAP_NS) problems.push({ page: rel, problem: `<urlset> xmlns is "${urlset['@_xmlns'] ?? ''}", expected ${SITEMAP_NS}` });

  const files = listFiles(outDir);
  const fileSet = new Set(files);
  // Pages that ask not to be indexed (<meta name="robots" content="noindex">)
  // are left out, like paginated ones.
  const noindex = (f) =>
    scanTags(fs.readFileSync(path.join(outDir, f), 'utf8')).some(
      (t) => t.name === 'meta' && (t.attrs.get('name') || '').toLowerCase() === 'robots' && /\bnoindex\b/i.test(t.attrs.get('content') || ''),
    );
  const expected = new Set(
    htmlFiles(files).filter((f) => (f === 'index.html' || f.endsWith('/index.html')) && !PAGINATED.test(f) && !noindex(f)),
  );
  const listed = new Map();
  for (const entry of urlset.url ?? []) {
    const loc = text(entry.loc);
    if (!loc) {
      problems.push({ page: rel, problem: '<url> without <loc>' });
      continue;
    }
    if (!absoluteHttpUrl(loc)) {
      problems.push({ page: rel, problem: `<loc>${loc}</loc> is not an absolute URL` });
      continue;
    }
    const target = internalTarget(new URL(loc), baseUrl);
    if (!target || target.outside !== undefined) {
      problems.push({ page: rel, problem: `<loc>${loc}</loc> is not under the site's base_url ${baseUrl}` });
      continue;
    }
    const found = resolveFile(outDir, target.rel, fileSet);
    if (!found) {
      problems.push({ page: rel, problem: `<loc>${loc}</loc> lists a page that is not in the output` });
      continue;
    }
    if (listed.has(found)) problems.push({ page: rel, problem: `${found} is listed twice (${listed.get(found)} and ${loc})` });
    listed.set(found, loc);
    if (found === '404.html') problems.push({ page: rel, problem: `<loc>${loc}</loc>: the 404 page must not be listed` });
    else if (PAGINATED.test(found)) problems.push({ page: rel, problem: `<loc>${loc}</loc>: paginated page ${found} should not be listed` });
    else if (found.endsWith('.html') && noindex(found)) problems.push({ page: rel, problem: `<loc>${loc}</loc>: ${found} is marked noindex` });
    else if (!expected.has(found)) problems.push({ page: rel, problem: `<loc>${loc}</loc> lists ${found}, which is not an HTML page` });
    const lastmod = text(entry.lastmod);
    if (lastmod && !W3C_DATETIME.test(lastmod)) problems.push({ page: rel, problem: `<lastmod>${lastmod}</lastmod> of ${loc} is not a W3C datetime` });
  }
  for (const page of expected) {
    if (!listed.has(page)) problems.push({ page: rel, problem: `indexable page ${page} (${pageUrl(baseUrl, page)}) is missing from the sitemap` });
  }
  // robots.txt, when present, must point at this sitemap.
  const robots = path.join(outDir, 'robots.txt');
  if (fs.existsSync(robots)) {
    const lines = fs.readFileSync(robots, 'utf8').split(/\r?\n/).filter((l) => /^sitemap\s*:/i.test(l));
    const sitemapUrl = pageUrl(baseUrl, rel);
    if (lines.length === 0) problems.push({ page: 'robots.txt', problem: `no "Sitemap: ${sitemapUrl}" line` });
    for (const line of lines) {
      const url = line.replace(/^sitemap\s*:\s*/i, '').trim();
      if (url !== sitemapUrl) problems.push({ page: 'robots.txt', problem: `"${line.trim()}" does not point at ${sitemapUrl}` });
    }
  }
  return problems;
}
