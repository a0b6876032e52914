// The search page: queries the Pagefind index in the browser and lists paragraph-level hits.
// Every piece of indexed text is put on the page as text, never as markup.
const form = document.getElementById("search-form");
const input = document.getElementById("search-query");
const statusLine = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");
const filterBox = document.getElementById("search-filters");
const PAGE = 20;
const FILTERS = [
  ["report", "Report"],
  ["year", "Year"],
  ["kind", "Kind of document"],
  ["theme", "Theme"],
  ["recommendation", "Tracked recommendation (editors’ notes)"],
];

let pagefind = null;
let hits = [];
let shown = 0;
let latest = 0;

function selectedFilters() {
  const chosen = {};
  for (const select of filterBox.querySelectorAll("select")) {
    if (select.value) chosen[select.name] = select.value;
  }
  return chosen;
}

async function buildFilters(params) {
  const available = await pagefind.filters();
  for (const [name, label] of FILTERS) {
    const values = Object.keys(available[name] || {}).sort();
    if (!values.length) continue;
    const id = `search-filter-${name}`;
    const wrap = document.createElement("p");
    const caption = document.createElement("label");
    caption.htmlFor = id;
    caption.textContent = label;
    const select = document.createElement("select");
    select.id = id;
    select.name = name;
    select.append(new Option("Any", ""));
    for (const value of values) select.append(new Option(value, value));
    select.value = values.includes(params.get(name)) ? params.get(name) : "";
    select.addEventListener("change", run);
    wrap.append(caption, " ", select);
    filterBox.append(wrap);
  }
  filterBox.hidden = false;
}

// Pagefind marks the matched words with <mark>; parse each piece as text so nothing runs.
function excerptInto(element, excerpt) {
  for (const [i, piece] of excerpt.split(/<\/?mark>/).entries()) {
    const text = new DOMParser().parseFromString(piece, "text/html").body.textContent;
    if (i % 2) {
      const mark = document.createElement("mark");
      mark.textContent = text;
      element.append(mark);
    } else {
      element.append(text);
    }
  }
}

function place(meta) {
  if (meta.type === "note") return meta.number ? `Editors’ note on ¶${meta.number}` : "Editors’ note";
  return meta.number ? `¶${meta.number}` : "passage";
}

async function showMore() {
  const batch = hits.slice(shown, shown + PAGE);
  const data = await Promise.all(batch.map((hit) => hit.data()));
  for (const result of data) {
    const item = document.createElement("li");
    item.className = `search-hit search-hit-${result.meta.type === "note" ? "note" : "text"}`;
    const link = document.createElement("a");
    link.href = result.url;
    link.textContent = `${result.meta.year} · ${result.meta.title}`;
    const where = document.createElement("span");
    where.className = "search-place";
    where.textContent = ` ${place(result.meta)}`;
    link.append(where);
    const heading = document.createElement("p");
    heading.className = "search-title";
    heading.append(link);
    const excerpt = document.createElement("p");
    excerpt.className = "search-excerpt";
    excerptInto(excerpt, result.excerpt);
    item.append(heading);
    if (result.meta.type === "note" && result.meta.quote) {
      const quote = document.createElement("p");
      quote.className = "search-quote";
      quote.textContent = `On “${result.meta.quote}”`;
      item.append(quote);
    }
    item.append(excerpt);
    list.append(item);
  }
  shown += batch.length;
  more.hidden = shown >= hits.length;
}

async function run(event) {
  if (event) event.preventDefault();
  const query = input.value.trim();
  const filters = selectedFilters();
  const params = new URLSearchParams(query ? { q: query, ...filters } : filters);
  history.replaceState(null, "", params.toString() ? `?${params}` : location.pathname);
  const ticket = ++latest;
  if (!query && !Object.keys(filters).length) {
    list.replaceChildren();
    statusLine.textContent = "";
    more.hidden = true;
    return;
  }
  const search = await pagefind.debouncedSearch(query || null, { filters }, 150);
  if (search === null || ticket !== latest) return; // a newer query replaced this one
  hits = search.results;
  shown = 0;
  list.replaceChildren();
  await showMore();
  const n = hits.length;
  const about = query ? ` for “${query}”` : "";
  statusLine.textContent = n
    ? `${n} result${n === 1 ? "" : "s"}${about}`
    : `No results${about}. Try fewer or other words, or browse the themes.`;
}

async function start() {
  pagefind = await import(form.dataset.bundle);
  await pagefind.options({ baseUrl: "/" }); // the records' URLs already carry the base path
  await pagefind.init();
  document.getElementById("search-fallback").hidden = true;
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  await buildFilters(params);
  form.addEventListener("submit", run);
  input.addEventListener("input", () => run());
  more.addEventListener("click", showMore);
  if (input.value || Object.keys(selectedFilters()).length) await run();
  document.body.dataset.searchReady = "true";
}

start();
