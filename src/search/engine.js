// brief's search client: reads the index `brief build` writes under
// search/ (see src/search/mod.rs and format.rs for the files), in the
// browser, with no server. Written by brief, the same for every theme.
//
//   const engine = await (await import(root + "search/engine.js")).open(root);
//   engine.filters()            // { kind: { briefing: 120, … }, tag: { … } }
//   const { results, total } = await engine.search("rare earths", {
//     filters: { kind: ["briefing"], tag: "magnets" }, sort: "newest" });
//   await results[0].data()     // { url, title, kind, date, tags, excerpt }
//
// A query fetches the manifest (revalidated), the term shard of each word
// and, when asked, a result's document; filters and the newest-first order
// are fetched only when used. Words become terms exactly as the index made
// them (src/search/text.rs): the same tokenizer, and the same Snowball
// English stemmer, ported below.

const FORMAT = 1;
const MAX_WORD = 64;
const K1 = 1.2;
// A prefix match counts for the share of the term it covers.
const MIN_PREFIX = 2;

// ---------------------------------------------------------------------------
// Words and terms (src/search/text.rs)

const WORD = /[\p{Alphabetic}\p{N}]+(?:['’][\p{Alphabetic}\p{N}]+)*/gu;

/** The words of `text`, lowercased, with where each is in `text`. */
export function words(text) {
  const out = [];
  for (const m of text.matchAll(WORD)) {
    let n = 0;
    for (const _ of m[0]) if (++n > MAX_WORD) break;
    if (n > MAX_WORD) continue;
    out.push({ word: m[0].replace(/’/g, "'").toLowerCase(), start: m.index, end: m.index + m[0].length });
  }
  return out;
}

// The Snowball English (Porter2) stemmer, as rust-stemmers 1.2 implements
// it, on arrays of characters.
const VOWEL = new Set("aeiouy");
const V_WXY = new Set("aeiouywxY");
const VALID_LI = new Set("cdeghkmnrt");
const isV = (c) => VOWEL.has(c);
const EXCEPTION1 = new Map(Object.entries({
  skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie",
  idly: "idl", gently: "gentl", ugly: "ugli", early: "earli", only: "onli", singly: "singl",
  sky: "sky", news: "news", howe: "howe", atlas: "atlas", cosmos: "cosmos", bias: "bias", andes: "andes",
}));
const EXCEPTION2 = new Set(["inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"]);
const DOUBLES = ["bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"];
const STEP2 = [
  ["tional", "tion"], ["enci", "ence"], ["anci", "ance"], ["abli", "able"], ["entli", "ent"],
  ["izer", "ize"], ["ization", "ize"], ["ational", "ate"], ["ation", "ate"], ["ator", "ate"],
  ["alism", "al"], ["aliti", "al"], ["alli", "al"], ["fulness", "ful"], ["ousli", "ous"], ["ousness", "ous"],
  ["iveness", "ive"], ["iviti", "ive"], ["biliti", "ble"], ["bli", "ble"], ["ogi", "og"],
  ["fulli", "ful"], ["lessli", "less"], ["li", ""],
];
const STEP3 = [
  ["tional", "tion"], ["ational", "ate"], ["alize", "al"], ["icate", "ic"], ["iciti", "ic"], ["ical", "ic"],
  ["ful", ""], ["ness", ""], ["ative", ""],
];
const STEP4 = ["al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ism", "ate", "iti", "ous", "ive", "ize", "ion"];

function endsWith(w, suffix) {
  const k = suffix.length;
  if (k > w.length) return false;
  for (let j = 0; j < k; j++) if (w[w.length - k + j] !== suffix[j]) return false;
  return true;
}

/** The longest of `suffixes` (strings, or [string, …] pairs) that `w` ends with. */
function longest(w, suffixes) {
  let best = null;
  for (const s of suffixes) {
    const text = typeof s === "string" ? s : s[0];
    if ((best === null || text.length > (typeof best === "string" ? best : best[0]).length) && endsWith(w, text)) best = s;
  }
  return best;
}

function replaceEnd(w, length, by) {
  w.length -= length;
  for (const c of by) w.push(c);
}

// ( non-v_WXY v non-v ) or ( non-v v atlimit ), read backwards from `end`.
function shortv(w, end) {
  if (end >= 3 && !V_WXY.has(w[end - 1]) && isV(w[end - 2]) && !isV(w[end - 3])) return true;
  return end === 2 && !isV(w[1]) && isV(w[0]);
}

/** The Snowball English stem of a lowercased word. */
export function stemEnglish(word) {
  if (EXCEPTION1.has(word)) return EXCEPTION1.get(word);
  const w = Array.from(word);
  if (w.length < 3) return word;
  // Prelude.
  if (w[0] === "'") w.shift();
  let yFound = false;
  if (w[0] === "y") {
    w[0] = "Y";
    yFound = true;
  }
  for (let i = 1; i < w.length; i++) {
    if (w[i] === "y" && isV(w[i - 1])) {
      w[i] = "Y";
      yFound = true;
    }
  }
  // Regions.
  const n = w.length;
  let p1 = n;
  let p2 = n;
  const pastVowelThenConsonant = (from) => {
    let i = from;
    while (i < n && !isV(w[i])) i++;
    if (i >= n) return -1;
    i++;
    while (i < n && isV(w[i])) i++;
    if (i >= n) return -1;
    return i + 1;
  };
  const head = w.slice(0, 6).join("");
  const special = ["gener", "commun", "arsen"].find((p) => head.startsWith(p));
  const r1 = special ? special.length : pastVowelThenConsonant(0);
  if (r1 >= 0) {
    p1 = r1;
    const r2 = pastVowelThenConsonant(p1);
    if (r2 >= 0) p2 = r2;
  }
  // Step 1a.
  const apostrophe = longest(w, ["'s'", "'s", "'"]);
  if (apostrophe) w.length -= apostrophe.length;
  const s1a = longest(w, ["sses", "ied", "ies", "ss", "us", "s"]);
  if (s1a === "sses") replaceEnd(w, 4, "ss");
  else if (s1a === "ied" || s1a === "ies") replaceEnd(w, 3, w.length - 3 >= 2 ? "i" : "ie");
  else if (s1a === "s") {
    const start = w.length - 1;
    for (let j = start - 2; j >= 0; j--) {
      if (isV(w[j])) {
        w.length = start;
        break;
      }
    }
  }
  if (!EXCEPTION2.has(w.join(""))) {
    // Step 1b.
    const s1b = longest(w, ["eed", "eedly", "ed", "edly", "ing", "ingly"]);
    if (s1b === "eed" || s1b === "eedly") {
      if (w.length - s1b.length >= p1) replaceEnd(w, s1b.length, "ee");
    } else if (s1b) {
      const start = w.length - s1b.length;
      let vowel = false;
      for (let j = start - 1; j >= 0 && !vowel; j--) vowel = isV(w[j]);
      if (vowel) {
        w.length = start;
        if (endsWith(w, "at") || endsWith(w, "bl") || endsWith(w, "iz")) w.push("e");
        else if (DOUBLES.some((d) => endsWith(w, d))) w.length -= 1;
        else if (w.length === p1 && shortv(w, w.length)) w.push("e");
      }
    }
    // Step 1c.
    const last = w[w.length - 1];
    if ((last === "y" || last === "Y") && w.length >= 3 && !isV(w[w.length - 2])) w[w.length - 1] = "i";
    // Step 2.
    const s2 = longest(w, STEP2);
    if (s2 && w.length - s2[0].length >= p1) {
      const start = w.length - s2[0].length;
      if (s2[0] === "ogi") {
        if (w[start - 1] === "l") replaceEnd(w, 3, "og");
      } else if (s2[0] === "li") {
        if (VALID_LI.has(w[start - 1])) w.length = start;
      } else {
        replaceEnd(w, s2[0].length, s2[1]);
      }
    }
    // Step 3.
    const s3 = longest(w, STEP3);
    if (s3 && w.length - s3[0].length >= p1) {
      if (s3[0] !== "ative" || w.length - s3[0].length >= p2) replaceEnd(w, s3[0].length, s3[1]);
    }
    // Step 4.
    const s4 = longest(w, STEP4);
    if (s4 && w.length - s4.length >= p2) {
      const start = w.length - s4.length;
      if (s4 !== "ion" || w[start - 1] === "s" || w[start - 1] === "t") w.length = start;
    }
    // Step 5.
    const end = w[w.length - 1];
    const start = w.length - 1;
    if (end === "e") {
      if (start >= p2 || (start >= p1 && !shortv(w, start))) w.length = start;
    } else if (end === "l") {
      if (start >= p2 && w[start - 1] === "l") w.length = start;
    }
  }
  // Postlude.
  if (yFound) for (let i = 0; i < w.length; i++) if (w[i] === "Y") w[i] = "y";
  return w.join("");
}

const STEMMERS = { english: stemEnglish };

/** The term of a lowercased word, for an index made with `stemmer`. */
export function term(word, stemmer) {
  const stem = stemmer && STEMMERS[stemmer];
  return stem ? stem(word) : word;
}

// ---------------------------------------------------------------------------
// Reading the files (src/search/format.rs)

// Rust orders strings by code point; JavaScript's < by UTF-16 unit.
function unit(c) {
  if (c >= 0xd800 && c <= 0xdfff) return c + 0x2000;
  return c >= 0xe000 ? c - 0x800 : c;
}
export function compare(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return unit(x) - unit(y);
  }
  return a.length - b.length;
}

class Reader {
  constructor(bytes) {
    this.bytes = bytes;
    this.at = 0;
  }
  get done() {
    return this.at >= this.bytes.length;
  }
  varint() {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = this.bytes[this.at++];
      if (b === undefined) throw new Error("truncated index file");
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 128;
    }
  }
}

const utf8 = new TextDecoder();

/** A term shard: Map term -> { ids: Uint32Array, scores: Uint8Array }, and its terms in order. */
function readShard(bytes) {
  const r = new Reader(bytes);
  const terms = new Map();
  const order = [];
  let previous = new Uint8Array(0);
  while (!r.done) {
    const shared = r.varint();
    const length = r.varint();
    const raw = new Uint8Array(shared + length);
    raw.set(previous.subarray(0, shared));
    raw.set(bytes.subarray(r.at, r.at + length), shared);
    r.at += length;
    previous = raw;
    const count = r.varint();
    const ids = new Uint32Array(count);
    const scores = new Uint8Array(count);
    let id = 0;
    for (let k = 0; k < count; k++) {
      id = k === 0 ? r.varint() : id + r.varint();
      ids[k] = id;
      scores[k] = bytes[r.at++];
    }
    const text = utf8.decode(raw);
    terms.set(text, { ids, scores });
    order.push(text);
  }
  return { terms, order };
}

function readIds(bytes) {
  const r = new Reader(bytes);
  const n = r.varint();
  const ids = new Set();
  let id = 0;
  for (let k = 0; k < n; k++) {
    id = k === 0 ? r.varint() : id + r.varint();
    ids.add(id);
  }
  return ids;
}

/** `newest.bin`: Map id -> rank (0 is the newest). */
function readOrder(bytes) {
  const r = new Reader(bytes);
  const n = r.varint();
  const rank = new Map();
  let id = 0;
  for (let k = 0; k < n; k++) {
    const z = r.varint();
    id += z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    rank.set(id, k);
  }
  return rank;
}

class Stale extends Error {}

// ---------------------------------------------------------------------------
// The engine

class Engine {
  constructor(root, excerptLength) {
    this.root = root;
    this.excerptLength = excerptLength;
    this.manifest = null;
    this.listeners = [];
  }

  async load() {
    const response = await fetch(`${this.root}search/index.json`, { cache: "no-cache" });
    if (!response.ok) throw new Error(`search index: ${response.status} for search/index.json`);
    const manifest = await response.json();
    if (manifest.format !== FORMAT) throw new Error(`search index: format ${manifest.format}, this client reads ${FORMAT}`);
    if (this.manifest && this.manifest.version === manifest.version) return;
    this.manifest = manifest;
    this.files = new Map();
  }

  /** The bytes (or JSON) of an index file of the current version, fetched once. */
  file(name, json = false) {
    let pending = this.files.get(name);
    if (!pending) {
      pending = fetch(`${this.root}search/${name}?v=${encodeURIComponent(this.manifest.version)}`).then(async (r) => {
        if (!r.ok) throw this.manifest.live ? new Stale(name) : new Error(`search index: ${r.status} for ${name}`);
        return json ? r.json() : new Uint8Array(await r.arrayBuffer());
      });
      pending.catch(() => this.files.delete(name));
      this.files.set(name, pending);
    }
    return pending;
  }

  /** Filter values and how many pages have each: { kind: {…}, tag: {…} }. */
  filters() {
    const out = {};
    for (const [name, values] of Object.entries(this.manifest.filters)) {
      out[name] = Object.fromEntries(values.map((v) => [v.value, v.count]));
    }
    return out;
  }

  /** Calls `callback` when the index changes (only under `brief serve`). */
  onChange(callback) {
    if (!this.manifest.live || typeof EventSource === "undefined") return;
    if (!this.events) {
      this.events = new EventSource(this.manifest.live);
      this.events.addEventListener("reload", () => this.listeners.forEach((f) => f()));
    }
    this.listeners.push(callback);
  }

  terms(query) {
    const seen = new Set();
    for (const { word } of words(query)) seen.add(term(word, this.manifest.stemmer));
    return [...seen];
  }

  /** Shard indices that can hold `t`, or terms starting with it when `prefix`. */
  shardsFor(t, prefix) {
    const starts = this.manifest.shards;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (compare(starts[mid], t) <= 0) lo = mid;
      else hi = mid - 1;
    }
    const out = [lo];
    if (prefix) for (let i = lo + 1; i < starts.length && starts[i].startsWith(t); i++) out.push(i);
    return out;
  }

  /**
   * Page id -> score for one query term: its own pages and, from two
   * letters on, those of the longer terms it begins. The term and its
   * extensions count as one term (BM25 over the pages holding any of
   * them), so a rare extension (`refinery2` for `refin`) cannot outweigh
   * the term itself; a page scores by its best match, an extension by the
   * share of it the term covers.
   */
  async match(t) {
    const prefix = t.length >= MIN_PREFIX;
    const shards = await Promise.all(this.shardsFor(t, prefix).map((i) => this.file(`terms/${i}.bin`).then(readShard)));
    const pages = new Map();
    for (const shard of shards) {
      const found = prefix ? shard.order.filter((x) => x.startsWith(t)) : shard.terms.has(t) ? [t] : [];
      for (const x of found) {
        const { ids, scores } = shard.terms.get(x);
        const share = t.length / x.length;
        for (let k = 0; k < ids.length; k++) {
          const s = (scores[k] / 255) * (K1 + 1) * share;
          if (!(pages.get(ids[k]) >= s)) pages.set(ids[k], s);
        }
      }
    }
    const n = this.manifest.pages;
    const idf = Math.log(1 + (n - pages.size + 0.5) / (pages.size + 0.5));
    for (const [id, s] of pages) pages.set(id, s * idf);
    return pages;
  }

  /**
   * Pages holding every word of `query` (the last may be unfinished),
   * best first or newest first. `filters.kind` lists the kinds to keep,
   * `filters.tag` one tag.
   */
  async search(query, { filters = {}, sort = "relevance" } = {}) {
    for (let attempt = 0; ; attempt++) {
      try {
        if (this.manifest.live) await this.load();
        return await this.run(query, filters, sort);
      } catch (e) {
        if (!(e instanceof Stale) || attempt > 2) throw e;
        await this.load();
      }
    }
  }

  async run(query, filters, sort) {
    const terms = this.terms(query);
    if (terms.length === 0) return { results: [], total: 0 };
    const matches = await Promise.all(terms.map((t) => this.match(t)));
    matches.sort((a, b) => a.size - b.size);
    let scored = [...matches[0]];
    for (const other of matches.slice(1)) {
      scored = scored.filter(([id]) => other.has(id)).map(([id, s]) => [id, s + other.get(id)]);
    }
    const keep = await this.filterSets(filters);
    for (const set of keep) scored = scored.filter(([id]) => set.has(id));
    if (sort === "newest") {
      const rank = readOrder(await this.file(this.manifest.newest));
      const r = (id) => (rank.has(id) ? rank.get(id) : Infinity);
      scored.sort((a, b) => r(a[0]) - r(b[0]) || b[1] - a[1] || a[0] - b[0]);
    } else {
      scored.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    }
    return {
      total: scored.length,
      results: scored.map(([id, score]) => ({ id, score, data: () => this.document(id, terms) })),
    };
  }

  async filterSets({ kind, tag }) {
    const sets = [];
    const values = this.manifest.filters;
    if (Array.isArray(kind) && (values.kind || []).some((v) => !kind.includes(v.value))) {
      const files = (values.kind || []).filter((v) => kind.includes(v.value)).map((v) => v.file);
      const lists = await Promise.all(files.map((f) => this.file(f).then(readIds)));
      sets.push(new Set(lists.flatMap((s) => [...s])));
    }
    if (tag) {
      const value = (values.tag || []).find((v) => v.value === tag);
      sets.push(value ? readIds(await this.file(value.file)) : new Set());
    }
    return sets;
  }

  /** A result as shown: its page, and an excerpt around the query's words. */
  async document(id, terms) {
    const d = await this.file(`docs/${id}.json`, true);
    return {
      url: this.root + d.url,
      title: d.title,
      kind: d.kind,
      date: d.date || null,
      tags: d.tags,
      excerpt: this.excerpt(d.text, terms),
    };
  }

  /**
   * The stretch of `text` of `excerptLength` words with the most matches,
   * as [{ text, mark }] parts: marked parts are words of the query (or
   * words they begin), joined by plain text; "…" where text is cut.
   */
  excerpt(text, terms) {
    const all = words(text);
    const hit = all.map(({ word }) => {
      const t = term(word, this.manifest.stemmer);
      return terms.some((q) => t === q || (q.length >= MIN_PREFIX && t.startsWith(q)));
    });
    const size = Math.min(this.excerptLength, all.length);
    let best = 0;
    let bestCount = -1;
    let count = 0;
    for (let i = 0; i < all.length; i++) {
      if (hit[i]) count++;
      if (i >= size && hit[i - size]) count--;
      if (i >= size - 1 && count > bestCount) {
        bestCount = count;
        best = i - size + 1;
      }
    }
    if (size === 0) return [];
    const clean = (s) => s.replace(/\s+/g, " ");
    const parts = [];
    let at = all[best].start;
    if (best > 0) parts.push({ text: "…", mark: false });
    for (let i = best; i < best + size; i++) {
      if (!hit[i]) continue;
      if (all[i].start > at) parts.push({ text: clean(text.slice(at, all[i].start)), mark: false });
      parts.push({ text: text.slice(all[i].start, all[i].end), mark: true });
      at = all[i].end;
    }
    const end = all[best + size - 1].end;
    if (end > at) parts.push({ text: clean(text.slice(at, end)), mark: false });
    if (best + size < all.length) parts.push({ text: "…", mark: false });
    return parts;
  }
}

/** Opens the index of the site whose root path is `root` (e.g. "/" or "/blog/"). */
export async function open(root, { excerptLength = 30 } = {}) {
  const engine = new Engine(root.endsWith("/") ? root : `${root}/`, excerptLength);
  await engine.load();
  return engine;
}
