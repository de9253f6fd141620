// The search page: queries brief's search index in the browser, through
// the client brief writes beside the index (search/engine.js). Results
// show title, kind, date, tags and an excerpt with the matched words
// marked; they can be filtered by kind of page and by tag, and sorted
// newest first. Without JavaScript the page shows a note and links to the
// archive instead. Under `brief serve`, a search shown is run again when a
// save changes the site.
const box = document.querySelector(".search[data-search-root]");
if (box) {
  const root = box.dataset.searchRoot;
  const form = box.querySelector(".search__form");
  const input = box.querySelector("#search-query");
  const status = box.querySelector(".search__status");
  const list = box.querySelector(".search__results");
  const filters = box.querySelector(".search__filters");
  const kinds = box.querySelector(".search__kinds");
  const tagSelect = box.querySelector("#search-tag");
  const sortSelect = box.querySelector("#search-sort");
  const KIND_LABELS = { briefing: "Briefings", source: "Sources", explainer: "Explainer", timeline: "Timeline", page: "Pages" };
  const SHOWN = 20;
  // Quiet time after a keystroke before searching.
  const DEBOUNCE_MS = 120;

  let engine;
  try {
    engine = await (await import(root + "search/engine.js")).open(root, { excerptLength: 30 });
  } catch (e) {
    status.textContent = "Search is unavailable right now: the index could not be loaded.";
  }

  if (engine) {
    const available = engine.filters();
    for (const kind of Object.keys(available.kind || {}).sort()) {
      const id = "search-kind-" + kind;
      const label = document.createElement("label");
      label.className = "search__kind";
      label.htmlFor = id;
      const check = document.createElement("input");
      check.type = "checkbox";
      check.id = id;
      check.value = kind;
      check.checked = true;
      label.append(check, " " + (KIND_LABELS[kind] || kind));
      kinds.append(label);
    }
    for (const tag of Object.keys(available.tag || {}).sort()) {
      const option = document.createElement("option");
      option.value = tag;
      option.textContent = tag;
      tagSelect.append(option);
    }
    filters.hidden = false;

    const params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    if (params.get("tag")) tagSelect.value = params.get("tag");
    if (params.get("sort") === "newest") sortSelect.value = "newest";

    let latest = 0;
    const search = async () => {
      const query = input.value.trim();
      const ticket = ++latest;
      const url = new URL(location.href);
      const param = (name, value) => (value ? url.searchParams.set(name, value) : url.searchParams.delete(name));
      param("q", query);
      param("tag", tagSelect.value);
      param("sort", sortSelect.value);
      history.replaceState(null, "", url);
      if (!query) {
        list.replaceChildren();
        status.textContent = "";
        return;
      }
      const chosen = [...kinds.querySelectorAll("input:checked")].map((c) => c.value);
      let found;
      try {
        found = await engine.search(query, {
          filters: { kind: chosen, tag: tagSelect.value || null },
          sort: sortSelect.value || "relevance",
        });
        if (ticket !== latest) return; // A newer query is running.
        const shown = await Promise.all(found.results.slice(0, SHOWN).map((r) => r.data()));
        if (ticket !== latest) return;
        list.replaceChildren(...shown.map(render));
      } catch (e) {
        if (ticket === latest) status.textContent = "Search is unavailable right now: the index could not be loaded.";
        return;
      }
      const n = found.total;
      status.textContent = n === 0 ? `No results for “${query}”.` : `${n} result${n === 1 ? "" : "s"} for “${query}”${n > SHOWN ? `, showing the first ${SHOWN}` : ""}.`;
    };

    let timer = null;
    const run = () => {
      clearTimeout(timer);
      latest++; // Anything still running is now stale.
      timer = setTimeout(search, DEBOUNCE_MS);
    };

    const render = (r) => {
      const item = document.createElement("li");
      item.className = "search-result";
      const title = document.createElement("h2");
      title.className = "search-result__title";
      const link = document.createElement("a");
      link.href = r.url;
      link.textContent = r.title || r.url;
      title.append(link);
      const meta = document.createElement("p");
      meta.className = "search-result__meta";
      const label = KIND_LABELS[r.kind] ? KIND_LABELS[r.kind].replace(/s$/, "") : r.kind;
      meta.textContent = [label, r.date, r.tags.join(", ")].filter(Boolean).join(" · ");
      const excerpt = document.createElement("p");
      excerpt.className = "search-result__excerpt";
      for (const part of r.excerpt) {
        if (part.mark) {
          const mark = document.createElement("mark");
          mark.textContent = part.text;
          excerpt.append(mark);
        } else {
          excerpt.append(part.text);
        }
      }
      item.append(title, meta, excerpt);
      return item;
    };

    form.addEventListener("submit", (e) => {
      e.preventDefault();
      clearTimeout(timer);
      search();
    });
    input.addEventListener("input", run);
    kinds.addEventListener("change", run);
    tagSelect.addEventListener("change", run);
    sortSelect.addEventListener("change", run);
    // The site changed under `brief serve`: search again at once.
    engine.onChange(() => {
      clearTimeout(timer);
      search();
    });
    if (input.value) search();
    input.focus();
  }
}
