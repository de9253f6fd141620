// Check: every HTML page passes the Nu Html Checker with zero errors.
// One JVM for all pages (its start-up is the slow part).
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { E2E_DIR, htmlFiles, listFiles } from './site.mjs';

export const VNU_JAR = path.join(E2E_DIR, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');
const JAVA = process.env.BRIEF_E2E_JAVA || 'java';

/** Throws a clear error when Java or vnu.jar is missing. */
export function assertVnuAvailable() {
  try {
    execFileSync(JAVA, ['-version'], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(`Java is needed for the Nu Html Checker and '${JAVA} -version' failed (${e.code || e.message}): install a JRE 17+ (bash scripts/install-e2e checks it)`);
  }
  if (!fs.existsSync(VNU_JAR)) {
    throw new Error(`${VNU_JAR} is missing: run bash scripts/install-e2e (npm ci in e2e/)`);
  }
}

/**
 * Runs vnu once over every HTML file of `outDir`.
 * Returns a list of problems { page, problem }.
 */
export async function checkHtmlValidity(outDir) {
  assertVnuAvailable();
  const files = htmlFiles(listFiles(outDir)).map((rel) => path.join(outDir, rel));
  if (files.length === 0) return [{ page: outDir, problem: 'no HTML files to check' }];
  const args = ['-jar', VNU_JAR, '--errors-only', '--format', 'json', '--stdout', '--exit-zero-always', ...files];
  const stdout = await new Promise((resolve, reject) => {
    execFile(JAVA, args, { maxBuffer: 256 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`java ${args.slice(0, 7).join(' ')} … failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
  let report;
  try {
    report = JSON.parse(stdout);
  } catch {
    throw new Error(`the Nu Html Checker printed no JSON report:\n${stdout.slice(0, 2000)}`);
  }
  const root = path.resolve(outDir);
  const problems = [];
  for (const m of report.messages ?? []) {
    if (m.type === 'info') continue; // info and warnings are not errors
    let page = m.url ?? '(unknown file)';
    try {
      page = path.relative(root, fileURLToPath(m.url)).split(path.sep).join('/');
    } catch {
      /* keep the URL */
    }
    const where = m.lastLine ? `line ${m.firstLine ?? m.lastLine}:${m.firstColumn ?? m.lastColumn ?? ''}` : '';
    const extract = m.extract ? ` — near: ${JSON.stringify(m.extract.replace(/\s+/g, ' ').trim().slice(0, 120))}` : '';
    problems.push({ page, problem: `vnu ${m.type}${where ? ` at ${where}` : ''}: ${m.message}${extract}` });
  }
  return problems;
}
