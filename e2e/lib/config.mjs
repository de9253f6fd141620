// Configuration of the end-to-end quality gate: which page types a built
// site must have, how each is found in the output, and which are not built
// yet.

// ---------------------------------------------------------------------------
// PENDING_TYPES: page types that the generator does not build YET (other
// issues add them). A type listed here that is missing from the output is
// reported as "pending" in the test output instead of failing the suite.
// Every type NOT listed here must be present, or the suite fails naming it.
// When a pending type starts to appear in the output it is checked like any
// other and the suite prints a reminder to remove it from this list.
// The explainer's change feed (explainer/atom.xml) is pending with the
// 'explainer' type.
// ---------------------------------------------------------------------------
// (Started as ['source', 'source-list', 'explainer', 'search']; the
// committed generator now builds sources and the explainer.)
export const PENDING_TYPES = [];

// Page types a site has only when its content asks for them: a site
// without any [[event]] has no timeline. Missing from a site, they are
// printed as a note instead of failing; e2e/story.test.mjs builds a fixture
// that has them and requires every type.
export const CONTENT_TYPES = ['timeline', 'author-list', 'author', 'corrections'];

// First path segments that belong to generated sections, not to standalone
// pages (/<slug>/).
const RESERVED = new Set(['briefings', 'tags', 'sources', 'explainer', 'timeline', 'authors', 'corrections', 'search', 'page']);

// Every page type of a built site, in the order they are reported. `pattern`
// is matched against the page's path relative to the output directory
// (always with forward slashes); `url` is the URL pattern shown in messages.
// `noJs: true` marks the types whose main content must be readable with
// JavaScript disabled.
export const PAGE_TYPES = [
  { type: 'home', url: '/', pattern: /^index\.html$/, noJs: true },
  { type: 'briefing', url: '/briefings/<slug>/', pattern: /^briefings\/(?!page\/)[^/]+\/index\.html$/, noJs: true },
  { type: 'archive', url: '/briefings/', pattern: /^briefings\/index\.html$/ },
  { type: 'tag-list', url: '/tags/', pattern: /^tags\/index\.html$/ },
  { type: 'tag', url: '/tags/<tag>/', pattern: /^tags\/(?!page\/)[^/]+\/index\.html$/ },
  { type: 'source-list', url: '/sources/', pattern: /^sources\/index\.html$/ },
  { type: 'source', url: '/sources/<id>/', pattern: /^sources\/(?!page\/)[^/]+\/index\.html$/ },
  { type: 'explainer', url: '/explainer/', pattern: /^explainer\/index\.html$/, noJs: true },
  // The explainer as it stood at the end of a day it changed.
  { type: 'snapshot', url: '/explainer/<YYYY-MM-DD>/', pattern: /^explainer\/\d{4}-\d{2}-\d{2}\/index\.html$/, noJs: true },
  { type: 'timeline', url: '/timeline/', pattern: /^timeline\/index\.html$/, noJs: true },
  // Bylines and corrections: only when briefings have authors or corrections.
  { type: 'author-list', url: '/authors/', pattern: /^authors\/index\.html$/ },
  { type: 'author', url: '/authors/<id>/', pattern: /^authors\/(?!page\/)[^/]+\/index\.html$/ },
  { type: 'corrections', url: '/corrections/', pattern: /^corrections\/index\.html$/, noJs: true },
  {
    type: 'page',
    url: '/<slug>/',
    pattern: /^([^/]+)\/index\.html$/,
    accept: (m) => !RESERVED.has(m[1]),
  },
  { type: '404', url: '/404.html', pattern: /^404\.html$/ },
  { type: 'search', url: '/search/', pattern: /^search\/index\.html$/, waitUntil: 'networkidle' },
];

// Paginated listings (/page/N/, /tags/<tag>/page/N/): checked like every
// page, but not a type of their own, and not listed in the sitemap.
export const PAGINATED = /(^|\/)page\/\d+\/index\.html$/;

// Atom feeds that must exist besides one per tag (tags/<tag>/atom.xml).
// `pendingWith` ties a feed to a pending page type.
export const REQUIRED_FEEDS = [
  { path: 'atom.xml' },
  { path: 'explainer/atom.xml', pendingWith: 'explainer' },
  // Required when the site has a timeline (CONTENT_TYPES).
  { path: 'timeline/atom.xml', withPage: 'timeline/index.html' },
  { path: 'corrections/atom.xml', withPage: 'corrections/index.html' },
];

// Viewports for the layout check.
export const VIEWPORTS = [
  { name: 'mobile 390x844', width: 390, height: 844 },
  { name: 'desktop 1280x900', width: 1280, height: 900 },
];

// Colour schemes for the accessibility check (contrast differs).
export const COLOR_SCHEMES = ['light', 'dark'];

// axe impacts that fail the gate.
export const AXE_FAILING_IMPACTS = new Set(['serious', 'critical']);

// Minimum visible text (characters) of <main> with JavaScript disabled.
export const NO_JS_MIN_TEXT = 200;

// The browser checks load a second build whose base_url is the local
// server's URL under this sub-path, so a theme that hard-codes "/" instead
// of deriving URLs from base_url shows up as failed requests.
export const BROWSER_BASE_PATH = '/e2e-base/';

// Chromium from Debian (playwright's own browser download cannot work here).
export const CHROMIUM_PATH = process.env.BRIEF_E2E_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
