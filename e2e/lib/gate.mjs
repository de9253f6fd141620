// Shared plumbing of the test files: build a site twice (its own base_url
// for the static checks; the local server's URL under a sub-path for the
// browser checks), serve the second build, report problems.
import assert from 'node:assert/strict';
import path from 'node:path';
import { BROWSER_BASE_PATH } from './config.mjs';
import { startServer } from './server.mjs';
import { buildSite, classifyPages, readBaseUrl, tempDir } from './site.mjs';

/**
 * Builds the site at `root`:
 *  - `out`: with its own base_url (static checks: vnu, links, feeds, sitemap);
 *  - `served.out`: with base_url = the local server's URL + BROWSER_BASE_PATH,
 *    served by `served.server` (browser checks).
 */
export async function prepareSite({ root, name }) {
  const baseUrl = readBaseUrl(root);
  const dir = tempDir(name);
  const out = path.join(dir, 'site');
  const first = await buildSite({ root, output: out });

  const server = await startServer({ prefix: BROWSER_BASE_PATH });
  const servedOut = path.join(dir, 'served');
  try {
    await buildSite({ root, output: servedOut, baseUrl: server.url });
  } catch (e) {
    await server.close();
    throw e;
  }
  server.setRoot(servedOut);
  return {
    root,
    baseUrl,
    out,
    buildLog: first.log,
    buildMs: first.ms,
    pages: classifyPages(out),
    served: { server, url: server.url, out: servedOut, pages: classifyPages(servedOut) },
    close: () => server.close(),
  };
}

/** Problems as readable lines, grouped by page. */
export function formatProblems(problems) {
  const byPage = new Map();
  for (const p of problems) {
    if (!byPage.has(p.page)) byPage.set(p.page, []);
    byPage.get(p.page).push(p.problem);
  }
  const lines = [];
  for (const [page, list] of [...byPage].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`  ${page}`);
    for (const problem of list) lines.push(`    - ${problem}`);
  }
  return lines.join('\n');
}

/** Prints every problem and fails the test when there is any. */
export function assertNoProblems(check, problems) {
  if (problems.length === 0) return;
  assert.fail(`${check}: ${problems.length} problem(s)\n${formatProblems(problems)}`);
}

/**
 * Asserts that `problems` has one naming `page` (exact, or a RegExp) whose
 * message matches `pattern`. Used by the broken-fixture test.
 */
export function assertHasProblem(check, problems, page, pattern) {
  const pageOk = (p) => (page instanceof RegExp ? page.test(p.page) : p.page === page);
  const hit = problems.find((p) => pageOk(p) && pattern.test(p.problem));
  assert.ok(
    hit,
    `${check} should report ${pattern} on ${page}, but reported:\n${problems.length ? formatProblems(problems) : '  (nothing)'}`,
  );
  return hit;
}

/** Prints lines (pending types, notes) so they show in the spec reporter. */
export function note(t, lines) {
  for (const line of lines) {
    if (t?.diagnostic) t.diagnostic(line);
    else console.log(`# ${line}`);
  }
}
