// The search page: queries the Pagefind index in the browser. Results show
// title, date, tags and an excerpt with the match highlighted, and can be
// filtered by kind of page and by tag. Without JavaScript the page shows a
// note and links to the archive instead.
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
  const KIND_LABELS = { briefing: "Briefings", source: "Sources", explainer: "Explainer", timeline: "Timeline", page: "Pages" };

  let pagefind;
  try {
    pagefind = await import(root + "pagefind/pagefind.js");
    await pagefind.options({ baseUrl: root, excerptLength: 30 });
  } catch (e) {
    status.textContent = "Search is unavailable right now: the index could not be loaded.";
  }

  if (pagefind) {
    const available = await pagefind.filters();
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

    let latest = 0;
    const run = async () => {
      const query = input.value.trim();
      const ticket = ++latest;
      const url = new URL(location.href);
      if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
      if (tagSelect.value) url.searchParams.set("tag", tagSelect.value); else url.searchParams.delete("tag");
      history.replaceState(null, "", url);
      if (!query) {
        list.replaceChildren();
        status.textContent = "";
        return;
      }
      const chosen = [...kinds.querySelectorAll("input:checked")].map((c) => c.value);
      const filter = { kind: { any: chosen } };
      if (tagSelect.value) filter.tag = tagSelect.value;
      const search = await pagefind.debouncedSearch(query, { filters: filter }, 150);
      if (search === null || ticket !== latest) return; // A newer query is running.
      const results = await Promise.all(search.results.slice(0, 20).map((r) => r.data()));
      if (ticket !== latest) return;
      list.replaceChildren(...results.map(render));
      const n = search.results.length;
      status.textContent = n === 0 ? `No results for “${query}”.` : `${n} result${n === 1 ? "" : "s"} for “${query}”${n > 20 ? ", showing the first 20" : ""}.`;
    };

    const render = (r) => {
      const item = document.createElement("li");
      item.className = "search-result";
      const kind = (r.filters.kind || [])[0];
      const title = document.createElement("h2");
      title.className = "search-result__title";
      const link = document.createElement("a");
      link.href = r.url;
      link.textContent = r.meta.title || r.url;
      title.append(link);
      const meta = document.createElement("p");
      meta.className = "search-result__meta";
      const parts = [KIND_LABELS[kind] ? KIND_LABELS[kind].replace(/s$/, "") : kind, r.meta.date, (r.filters.tag || []).join(", ")];
      meta.textContent = parts.filter(Boolean).join(" · ");
      const excerpt = document.createElement("p");
      excerpt.className = "search-result__excerpt";
      // Pagefind's excerpt is escaped text with <mark> around the matches.
      excerpt.innerHTML = r.excerpt;
      item.append(title, meta, excerpt);
      return item;
    };

    form.addEventListener("submit", (e) => { e.preventDefault(); run(); });
    input.addEventListener("input", run);
    kinds.addEventListener("change", run);
    tagSelect.addEventListener("change", run);
    if (input.value) run();
    input.focus();
  }
}
