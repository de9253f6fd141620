// A tiny static file server for a built site, bound to 127.0.0.1 on a free
// port. The site is served under `prefix` (the path of its base_url);
// missing paths get the site's 404.html with status 404, directories their
// index.html, and any path with a `..` segment is refused with 400.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
};

/**
 * Starts the server. `root` may be set later with `server.setRoot(dir)`
 * (so the port is known before the site is built with it in base_url).
 * Returns { origin, url, port, setRoot, close }.
 */
export async function startServer({ root = null, prefix = '/' } = {}) {
  if (!prefix.startsWith('/') || !prefix.endsWith('/')) throw new Error(`prefix must start and end with '/': ${prefix}`);
  let siteRoot = root && path.resolve(root);

  const server = http.createServer((req, res) => {
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { 'cache-control': 'no-store', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n', { allow: 'GET, HEAD' });
    if (!siteRoot) return send(503, 'no site yet\n');

    const raw = (req.url || '/').split(/[?#]/, 1)[0];
    let decoded;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      return send(400, 'bad request: malformed percent-encoding\n');
    }
    // Refuse any traversal, raw or encoded, before touching the disk.
    if (decoded.includes('\0') || decoded.split(/[/\\]/).includes('..')) return send(400, 'bad request: ".." is not allowed\n');

    const notFound = () => {
      const page = path.join(siteRoot, '404.html');
      if (fs.existsSync(page)) return send(404, fs.readFileSync(page), { 'content-type': TYPES['.html'] });
      return send(404, 'not found\n', { 'content-type': TYPES['.txt'] });
    };
    if (!decoded.startsWith(prefix)) {
      // The site root without its trailing slash: redirect like real hosts.
      if (decoded === prefix.slice(0, -1)) return send(301, '', { location: prefix });
      return notFound();
    }

    let file = path.resolve(siteRoot, '.' + path.posix.sep + decoded.slice(prefix.length));
    if (file !== siteRoot && !file.startsWith(siteRoot + path.sep)) return send(400, 'bad request: outside the site\n');
    let stat = fs.statSync(file, { throwIfNoEntry: false });
    if (stat?.isDirectory()) {
      if (!decoded.endsWith('/')) return send(301, '', { location: `${raw}/` });
      file = path.join(file, 'index.html');
      stat = fs.statSync(file, { throwIfNoEntry: false });
    }
    if (!stat?.isFile()) return notFound();
    const type = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
    return send(200, fs.readFileSync(file), { 'content-type': type, 'content-length': stat.size });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    port,
    url: `${origin}${prefix}`,
    setRoot(dir) {
      siteRoot = path.resolve(dir);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
