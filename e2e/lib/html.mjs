// A small, forgiving HTML tag scanner: enough to list the start tags of a
// generated page with their (entity-decoded) attributes. Comments, doctype
// and the contents of raw-text elements (script, style, textarea, title) are
// skipped. Validity is the Nu Html Checker's job, not this file's.

const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext']);
const NAMED = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z][a-z0-9]*);/gi, (all, ref) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      try {
        return String.fromCodePoint(code);
      } catch {
        return all;
      }
    }
    return NAMED[ref.toLowerCase()] ?? all;
  });
}

const ATTR = /([^\s"'>\/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;

/** Start tags of `html`, in order: [{ name, attrs: Map<name, value>, line }]. */
export function scanTags(html) {
  const tags = [];
  let i = 0;
  let line = 1;
  let lineFrom = 0;
  const lineAt = (pos) => {
    for (; lineFrom < pos; lineFrom++) if (html.charCodeAt(lineFrom) === 10) line++;
    return line;
  };
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end < 0 ? html.length : end + 3;
      continue;
    }
    if (html[lt + 1] === '!' || html[lt + 1] === '?') {
      const end = html.indexOf('>', lt);
      i = end < 0 ? html.length : end + 1;
      continue;
    }
    const m = /^<([a-zA-Z][a-zA-Z0-9:-]*)/.exec(html.slice(lt, lt + 64));
    if (!m) {
      i = lt + 1;
      continue;
    }
    const name = m[1].toLowerCase();
    // Find the end of the tag, honouring quoted attribute values.
    let j = lt + m[0].length;
    let quote = null;
    for (; j < html.length; j++) {
      const c = html[j];
      if (quote) {
        if (c === quote) quote = null;
      } else if (c === '"' || c === "'") {
        quote = c;
      } else if (c === '>') {
        break;
      }
    }
    const body = html.slice(lt + m[0].length, j);
    const attrs = new Map();
    for (const a of body.matchAll(ATTR)) {
      const key = a[1].toLowerCase();
      if (!attrs.has(key)) attrs.set(key, decodeEntities(a[2] ?? a[3] ?? a[4] ?? ''));
    }
    tags.push({ name, attrs, line: lineAt(lt) });
    i = j + 1;
    if (RAW_TEXT.has(name)) {
      const close = html.toLowerCase().indexOf(`</${name}`, i);
      i = close < 0 ? html.length : close;
    }
  }
  return tags;
}

/** The ids a fragment can point at: every id, and the name of every <a name>. */
export function fragmentTargets(tags) {
  const ids = new Set();
  for (const t of tags) {
    if (t.attrs.has('id')) ids.add(t.attrs.get('id'));
    if (t.name === 'a' && t.attrs.has('name')) ids.add(t.attrs.get('name'));
  }
  return ids;
}

/** URL-valued attributes: [{ tag, attr, value, line }]. */
export function urlRefs(tags) {
  const refs = [];
  const add = (t, attr, value) => refs.push({ tag: t.name, attr, value: value.trim(), line: t.line });
  for (const t of tags) {
    const a = t.attrs;
    for (const attr of ['href', 'xlink:href']) {
      if (a.has(attr) && t.name !== 'base') add(t, attr, a.get(attr));
    }
    for (const attr of ['src', 'poster', 'data', 'action', 'cite', 'formaction']) {
      if (!a.has(attr)) continue;
      // cite on q/blockquote/del/ins is a URL; on other elements it doesn't exist.
      if (attr === 'cite' && !['q', 'blockquote', 'del', 'ins'].includes(t.name)) continue;
      if (attr === 'data' && t.name !== 'object') continue;
      add(t, attr, a.get(attr));
    }
    for (const attr of ['srcset', 'imagesrcset']) {
      if (!a.has(attr)) continue;
      for (const candidate of a.get(attr).split(/,\s+|,(?=\S)/)) {
        const url = candidate.trim().split(/\s+/)[0];
        if (url) add(t, attr, url);
      }
    }
    if (t.name === 'meta') {
      const key = (a.get('property') || a.get('name') || '').toLowerCase();
      if (['og:url', 'og:image', 'og:image:url', 'og:image:secure_url', 'twitter:image'].includes(key) && a.has('content')) {
        add(t, `content (${key})`, a.get('content'));
      }
      if ((a.get('http-equiv') || '').toLowerCase() === 'refresh') {
        const m = (a.get('content') || '').match(/url\s*=\s*['"]?([^'"]+)/i);
        if (m) add(t, 'content (refresh)', m[1]);
      }
    }
  }
  return refs;
}

/** The href of the first <base> element, if any. */
export function baseHref(tags) {
  const base = tags.find((t) => t.name === 'base' && t.attrs.has('href'));
  return base ? base.attrs.get('href') : null;
}
