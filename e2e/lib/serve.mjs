// `brief serve` for the end-to-end tests: a small fixture site written to a
// temporary folder (with a copy of the default theme, so a test can edit its
// stylesheet), the server started on a free port, and file writes done the
// way editors do them.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BRIEF_BIN, REPO_DIR, tempDir } from './site.mjs';

/** The briefing the serve tests open, relative to the site root. */
export const BRIEFING_FILE = 'content/briefings/2025-06-01-first.md';
/** Its URL path. */
export const BRIEFING_PATH = '/briefings/first/';

/** Paragraphs enough to make the briefing page scroll well past a screen. */
const LONG_BODY = Array.from(
  { length: 40 },
  (_, i) => `Paragraph ${i + 1} of the first briefing: officials met again in London, and the talks went on about rare earths, magnets and export licences.`,
).join('\n\n');

/**
 * The text of the fixture briefing. `opening` is its first sentence;
 * `extraFront` is added to the front matter after `date` (line 4);
 * `closing`, if given, is a last paragraph.
 */
export function briefingText({ opening, extraFront = '', closing = '' }) {
  const front = ['+++', 'title = "First briefing"', 'date = 2025-06-01'];
  if (extraFront) front.push(extraFront);
  front.push('tags = ["minerals"]', '+++');
  const body = [opening, LONG_BODY, closing].filter(Boolean).join('\n\n');
  return `${front.join('\n')}\n\n${body}\n`;
}

/**
 * Writes the fixture site into a fresh temporary folder: site.toml, two
 * briefings, and a copy of the repository's themes/default. Returns its root.
 */
export function writeServeFixture(name = 'serve') {
  const root = path.join(tempDir(name), 'site');
  const write = (rel, text) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  write('site.toml', 'title = "Serve Test"\nbase_url = "https://example.org/"\n');
  write(BRIEFING_FILE, briefingText({ opening: 'The original opening sentence.' }));
  write(
    'content/briefings/2025-06-02-second.md',
    '+++\ntitle = "Second briefing"\ndate = 2025-06-02\ntags = ["minerals"]\n+++\n\nThe second briefing.\n',
  );
  fs.cpSync(path.join(REPO_DIR, 'themes', 'default'), path.join(root, 'themes', 'default'), { recursive: true });
  return root;
}

/** Writes `text` to a temporary file beside `file`, then renames it over `file`. */
export function writeAtomically(file, text) {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
}

/**
 * Starts `brief serve --root <root> --port 0` and resolves once it prints
 * "serving <url>". Returns { url, child, output(), exited, stop() }.
 * The server is killed when the test process exits, whatever happens.
 */
export async function startServe(root, { timeout = 30_000 } = {}) {
  if (!fs.existsSync(BRIEF_BIN)) {
    throw new Error(`${BRIEF_BIN} is missing: run cargo build --release --locked`);
  }
  const child = spawn(BRIEF_BIN, ['serve', '--root', root, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  const killAtExit = () => child.kill('SIGKILL');
  process.on('exit', killAtExit);
  let log = '';
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      process.off('exit', killAtExit);
      resolve({ code, signal });
    });
  });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`brief serve printed no URL within ${timeout} ms:\n${log}`)), timeout);
    const onData = (chunk) => {
      log += chunk;
      const m = log.match(/serving (http:\/\/\S+\/)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      log += chunk;
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${BRIEF_BIN}: ${e.message}`));
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`brief serve exited (code ${code}, signal ${signal}) before serving:\n${log}`));
    });
  });
  return {
    url,
    child,
    exited,
    output: () => log,
    /** Ctrl-C, then SIGKILL if it has not exited after `grace` ms. */
    async stop(grace = 3000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), grace);
      await exited;
      clearTimeout(timer);
    },
  };
}
