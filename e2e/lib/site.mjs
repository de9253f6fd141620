// Building a site with the release binary, and reading what it wrote.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTENT_TYPES, PAGE_TYPES, PAGINATED, PENDING_TYPES } from './config.mjs';

export const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = path.resolve(E2E_DIR, '..');
export const BRIEF_BIN = process.env.BRIEF_E2E_BIN || path.join(REPO_DIR, 'target', 'release', 'brief');

/** A fresh temporary directory, removed at process exit. */
export function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `brief-e2e-${prefix}-`));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Runs `brief build --root <root> --output <output> [--base-url URL]`.
 * Throws with the binary's own output when the build fails.
 */
export async function buildSite({ root, output, baseUrl }) {
  if (!fs.existsSync(BRIEF_BIN)) {
    throw new Error(`${BRIEF_BIN} is missing: run cargo build --release --locked (scripts/test does)`);
  }
  const args = ['build', '--root', root, '--output', output];
  if (baseUrl) args.push('--base-url', baseUrl);
  const started = performance.now();
  const { stdout, stderr } = await new Promise((resolve, reject) => {
    execFile(BRIEF_BIN, args, { maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`brief ${args.join(' ')} failed (exit ${error.code}):\n${stdout}${stderr}`));
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
  if (!fs.existsSync(path.join(output, 'index.html'))) {
    throw new Error(`brief ${args.join(' ')} wrote no index.html:\n${stdout}${stderr}`);
  }
  return { output, log: `${stdout}${stderr}`.trim(), ms: performance.now() - started };
}

/** base_url from a site's site.toml (a top-level `base_url = "..."` line). */
export function readBaseUrl(root) {
  const toml = fs.readFileSync(path.join(root, 'site.toml'), 'utf8');
  for (const line of toml.split(/\r?\n/)) {
    if (/^\s*\[/.test(line)) break; // tables start: top-level keys are done
    const m = line.match(/^\s*base_url\s*=\s*(?:"([^"]*)"|'([^']*)')/);
    if (m) return normalizeBaseUrl(m[1] ?? m[2]);
  }
  throw new Error(`${root}/site.toml has no top-level base_url`);
}

export function normalizeBaseUrl(url) {
  const u = new URL(url);
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  u.search = '';
  u.hash = '';
  return u.href;
}

/** Every file under `dir`, as sorted forward-slash paths relative to it. */
export function listFiles(dir) {
  const out = [];
  const walk = (rel) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(r);
      else if (entry.isFile()) out.push(r);
    }
  };
  walk('');
  return out.sort();
}

export const htmlFiles = (files) => files.filter((f) => f.endsWith('.html'));

/** The URL a page is served at, given the site's base URL. */
export function pageUrl(baseUrl, rel) {
  const p = rel === 'index.html' ? '' : rel.endsWith('/index.html') ? rel.slice(0, -'index.html'.length) : rel;
  return new URL(p.split('/').map(encodeURIComponent).join('/'), baseUrl).href;
}

/** The page type of an output-relative HTML path, or null. */
export function pageTypeOf(rel) {
  if (PAGINATED.test(rel)) return null;
  for (const t of PAGE_TYPES) {
    const m = rel.match(t.pattern);
    if (m && (!t.accept || t.accept(m))) return t.type;
  }
  return null;
}

/**
 * Classifies every HTML page of an output directory.
 * Returns { pages: [{ rel, type }], byType: Map<type, rel[]>, representative: Map<type, rel> }.
 * The representative of a type is its largest page (the most markup to check).
 */
export function classifyPages(outDir) {
  const pages = htmlFiles(listFiles(outDir)).map((rel) => ({ rel, type: pageTypeOf(rel) }));
  const byType = new Map();
  for (const p of pages) {
    if (!p.type) continue;
    if (!byType.has(p.type)) byType.set(p.type, []);
    byType.get(p.type).push(p.rel);
  }
  const representative = new Map();
  for (const [type, rels] of byType) {
    let best = rels[0];
    let bestSize = -1;
    for (const rel of rels) {
      const size = fs.statSync(path.join(outDir, rel)).size;
      if (size > bestSize) [best, bestSize] = [rel, size];
    }
    representative.set(type, best);
  }
  return { pages, byType, representative };
}

/**
 * Check: every page type is present in the output. Missing types fail,
 * except pending ones, which are returned in `pending` (to be printed), and
 * types the site's content does not call for (`contentTypes`), noted.
 * `notes` lists pending types that now exist (to be removed from PENDING_TYPES).
 */
export function checkPageTypes(outDir, { pendingTypes = PENDING_TYPES, contentTypes = CONTENT_TYPES } = {}) {
  const { byType } = classifyPages(outDir);
  const problems = [];
  const pending = [];
  const notes = [];
  for (const t of PAGE_TYPES) {
    const found = byType.get(t.type) ?? [];
    const isPending = pendingTypes.includes(t.type);
    if (found.length === 0 && contentTypes.includes(t.type)) {
      notes.push(`page type '${t.type}' (${t.url}) is not in this site: its content has nothing for it (CONTENT_TYPES)`);
    } else if (found.length === 0 && isPending) {
      pending.push(`page type '${t.type}' (${t.url}) is not built yet: pending (listed in PENDING_TYPES)`);
    } else if (found.length === 0) {
      problems.push({
        page: t.url,
        problem: `page type '${t.type}' is missing: no output file matches ${t.pattern} (expected at ${t.url})`,
      });
    } else if (isPending) {
      notes.push(`page type '${t.type}' now exists (${found.length} page(s)): remove it from PENDING_TYPES in e2e/lib/config.mjs`);
    }
  }
  return { problems, pending, notes };
}
