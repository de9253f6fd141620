// Check: every internal href/src of every HTML page resolves to a file of
// the output, and every fragment to an id on the target page.
import fs from 'node:fs';
import path from 'node:path';
import { baseHref, fragmentTargets, scanTags, urlRefs } from './html.mjs';
import { htmlFiles, listFiles, pageUrl } from './site.mjs';

const NON_NAVIGABLE = /^(mailto|tel|javascript|data|blob|about|sms|geo|urn|news):/i;

/**
 * Where an internal URL lands: { rel } (an output-relative file path, which
 * may not exist) or { outside } (same origin, outside the base path), or null
 * for an external URL.
 */
export function internalTarget(url, baseUrl) {
  const base = new URL(baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.host !== base.host) return null;
  // Same host: http vs https of the site's own host still counts as internal.
  if (!url.pathname.startsWith(base.pathname)) return { outside: url.pathname };
  let rel;
  try {
    rel = decodeURIComponent(url.pathname.slice(base.pathname.length));
  } catch {
    rel = url.pathname.slice(base.pathname.length);
  }
  return { rel };
}

/** The output file a site-relative path is served from, or null. */
export function resolveFile(outDir, rel, fileSet) {
  if (rel.split('/').includes('..')) return null;
  if (rel === '' || rel.endsWith('/')) {
    const index = `${rel}index.html`;
    return fileSet.has(index) ? index : null;
  }
  if (fileSet.has(rel)) return rel;
  // /foo served as /foo/ by every static host (redirect).
  if (fileSet.has(`${rel}/index.html`)) return `${rel}/index.html`;
  return null;
}

/**
 * Runs the link check over an output directory.
 * Returns a list of problems { page, problem }.
 */
export function checkLinks(outDir, baseUrl) {
  const files = listFiles(outDir);
  const fileSet = new Set(files);
  const pages = htmlFiles(files);
  const parsed = new Map(); // rel -> { tags, ids }
  const load = (rel) => {
    if (!parsed.has(rel)) {
      const tags = scanTags(fs.readFileSync(path.join(outDir, rel), 'utf8'));
      parsed.set(rel, { tags, ids: fragmentTargets(tags) });
    }
    return parsed.get(rel);
  };

  const problems = [];
  for (const page of pages) {
    const { tags, ids } = load(page);
    const servedAt = pageUrl(baseUrl, page);
    const declaredBase = baseHref(tags);
    const docBase = declaredBase ? new URL(declaredBase, servedAt).href : servedAt;
    const seen = new Set();
    const report = (ref, problem) => {
      const key = `${ref.value}\u0000${problem}`;
      if (seen.has(key)) return;
      seen.add(key);
      problems.push({ page, problem: `<${ref.tag} ${ref.attr}="${ref.value}"> (line ${ref.line}): ${problem}` });
    };

    for (const ref of urlRefs(tags)) {
      const value = ref.value;
      if (value === '' && ref.attr !== 'href') {
        report(ref, 'empty URL');
        continue;
      }
      if (NON_NAVIGABLE.test(value)) continue;
      let url;
      try {
        url = new URL(value, docBase);
      } catch {
        report(ref, 'not a valid URL');
        continue;
      }
      // 404.html is served at any missing path: a relative URL in it breaks there.
      if (page === '404.html' && !/^([a-z][a-z0-9+.-]*:|\/|#|\?)/i.test(value) && !declaredBase) {
        const deep = new URL(value, new URL('e2e-missing/deep/path/', baseUrl));
        if (deep.href !== url.href) {
          report(ref, `relative URL in 404.html: it resolves to ${deep.pathname} when the page is served for a missing deep path; use a root-relative or absolute URL`);
        }
      }
      const target = internalTarget(url, baseUrl);
      if (!target) continue; // another host: external, ignored
      if (target.outside !== undefined) {
        report(ref, `points to ${target.outside}, outside the site's base path ${new URL(baseUrl).pathname} (hard-coded root instead of base_url?)`);
        continue;
      }
      const file = resolveFile(outDir, target.rel, fileSet);
      if (!file) {
        const expected = target.rel === '' || target.rel.endsWith('/') ? `${target.rel}index.html` : target.rel;
        report(ref, `no such file in the output: ${expected}`);
        continue;
      }
      const fragment = url.hash.slice(1);
      if (!fragment || fragment === 'top' || fragment.startsWith(':~:')) continue;
      if (!file.endsWith('.html')) continue;
      let id;
      try {
        id = decodeURIComponent(fragment);
      } catch {
        id = fragment;
      }
      const targetIds = file === page ? ids : load(file).ids;
      if (!targetIds.has(id)) {
        report(ref, file === page ? `no element with id="${id}" on this page` : `no element with id="${id}" on ${file}`);
      }
    }
  }
  return problems;
}
