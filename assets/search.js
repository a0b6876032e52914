// The search page: queries the Pagefind index in the browser and lists paragraph-level hits,
// grouped under their report. Each report is one Pagefind record whose headings mark its blocks
// and notes; Pagefind's sub-results are the hits, and the record's `blocks` metadata says what each
// heading stands for (paragraph or note, number, themes, tracked recommendation, quote).
// Every piece of indexed text is put on the page as text, never as markup.
const form = document.getElementById("search-form");
const input = document.getElementById("search-query");
const statusLine = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");
const filterBox = document.getElementById("search-filters");
const REPORTS = 10; // report groups added by each "show more"
const HITS = 3; // hits shown at first in a report; its own button shows the rest
const FILTERS = [
  ["report", "Report"],
  ["year", "Year"],
  ["kind", "Kind of document"],
  ["theme", "Theme"],
  ["recommendation", "Tracked recommendation (editors’ notes)"],
];
const REFINED = ["theme", "recommendation"]; // chosen per report by Pagefind, per hit here

let pagefind = null;
let search = null; // the current search: its results, how far they are looked through, its counts
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
    select.addEventListener("change", () => run());
    wrap.append(caption, " ", select);
    filterBox.append(wrap);
  }
  filterBox.hidden = false;
}

// Pagefind's excerpts are escaped text with the matched words in <mark>. A textarea's content is
// parsed as text only (character references decoded, no elements made, so nothing runs), and
// keeps the spaces between two marked words.
const decoder = document.createElement("textarea");
function decode(piece) {
  decoder.innerHTML = piece;
  return decoder.value;
}

function excerptInto(element, excerpt) {
  const trimmed = excerpt.replace(/^\s*¶\s*/, "").replace(/\s*¶\s*$/, ""); // the heading's mark
  for (const [i, piece] of trimmed.split(/<\/?mark>/).entries()) {
    const text = decode(piece);
    if (i % 2) {
      const mark = document.createElement("mark");
      mark.textContent = text;
      element.append(mark);
    } else {
      element.append(text);
    }
  }
}

function place(block) {
  const [kind, number] = block;
  if (kind === "note") return number ? `Editors’ note on ¶${number}` : "Editors’ note";
  return number ? `¶${number}` : "Passage";
}

// The hits of one report: Pagefind's sub-results (every heading's block when there are no words),
// each with what its heading stands for, kept only if it carries the chosen theme and
// recommendation; best first.
function hitsOf(data, words, chosen) {
  const info = JSON.parse(data.meta.blocks || "{}");
  const blocks = info.blocks || [];
  const headings = data.anchors
    .filter((a) => /^h\d$/i.test(a.element))
    .sort((a, b) => a.location - b.location);
  const blockAt = (location) => blocks[headings.findIndex((a) => a.location === location)];
  let hits = words
    ? data.sub_results
        .filter((s) => s.anchor)
        .map((s, order) => ({
          url: s.url,
          excerpt: s.excerpt,
          block: blockAt(s.anchor.location),
          score: s.weighted_locations.reduce((sum, l) => sum + l.balanced_score, 0),
          order,
        }))
    : headings.map((a, order) => ({
        url: `${data.url}#${a.id}`,
        excerpt: "",
        block: blocks[order],
        score: 0,
        order,
      }));
  hits = hits.filter((hit) => hit.block);
  const theme = (info.themes || []).indexOf(chosen.theme);
  const tracked = (info.recommendations || []).indexOf(chosen.recommendation);
  if (chosen.theme) hits = hits.filter((hit) => hit.block[2].includes(theme));
  if (chosen.recommendation) hits = hits.filter((hit) => hit.block[3].includes(tracked));
  if (!words && !chosen.theme && !chosen.recommendation) return [];
  return hits.sort((a, b) => b.score - a.score || a.order - b.order);
}

function hitItem(hit, report) {
  const [kind, , , , quote] = hit.block;
  const item = document.createElement("li");
  item.className = `search-hit search-hit-${kind === "note" ? "note" : "text"}`;
  const link = document.createElement("a");
  link.href = hit.url;
  link.textContent = place(hit.block);
  const whose = document.createElement("span");
  whose.className = "visually-hidden";
  whose.textContent = `, ${report}`;
  link.append(whose);
  const heading = document.createElement("p");
  heading.className = "search-place";
  heading.append(link);
  item.append(heading);
  if (kind === "note" && quote) {
    const on = document.createElement("p");
    on.className = "search-quote";
    on.textContent = `On “${quote}”`;
    item.append(on);
  }
  if (hit.excerpt) {
    const excerpt = document.createElement("p");
    excerpt.className = "search-excerpt";
    excerptInto(excerpt, hit.excerpt);
    item.append(excerpt);
  }
  return item;
}

function reportItem(data, hits) {
  const report = `${data.meta.year} · ${data.meta.title}`;
  const item = document.createElement("li");
  item.className = "search-report";
  const heading = document.createElement("h2");
  heading.className = "search-title";
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = report;
  heading.append(link);
  item.append(heading);
  if (!hits.length) return item;
  const inner = document.createElement("ol");
  inner.className = "search-hits";
  for (const hit of hits.slice(0, HITS)) inner.append(hitItem(hit, report));
  item.append(inner);
  if (hits.length > HITS) {
    const rest = hits.length - HITS;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "search-report-more";
    button.textContent = `Show ${rest} more in this report`;
    button.addEventListener("click", () => {
      for (const hit of hits.slice(HITS)) inner.append(hitItem(hit, report));
      button.remove();
      inner.children[HITS].querySelector("a").focus();
    });
    item.append(button);
  }
  return item;
}

// Look through the next results until REPORTS more reports with hits are shown, or none are left.
async function showMore() {
  const current = search;
  let added = 0;
  while (added < REPORTS && current.next < current.results.length) {
    const batch = current.results.slice(current.next, current.next + REPORTS - added);
    current.next += batch.length;
    const data = await Promise.all(batch.map((result) => result.data()));
    if (current !== search) return; // a newer query replaced this one
    for (const result of data) {
      const hits = hitsOf(result, current.words, current.chosen);
      if (!hits.length && (current.words || current.refined)) continue;
      list.append(reportItem(result, hits));
      current.reports += 1;
      current.hits += hits.length;
      added += 1;
    }
  }
  more.hidden = current.next >= current.results.length;
  announce(current);
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

// The status line says what it counts: passages and reports shown, and how many reports are left.
function announce(current) {
  const about = current.words ? ` for “${current.words}”` : "";
  const left = current.results.length - current.next;
  if (!current.reports && !left) {
    statusLine.textContent = `No results${about}. Try fewer or other words, or browse the themes.`;
    return;
  }
  const found = current.hits
    ? `${plural(current.hits, "passage")} in ${plural(current.reports, "report")}`
    : plural(current.reports, "report");
  if (!left) {
    statusLine.textContent = `${found}${about}`;
  } else if (current.refined) {
    statusLine.textContent = `${found}${about} so far; ${plural(left, "more report")} to look through`;
  } else {
    statusLine.textContent = `${found}${about} shown, of ${plural(current.results.length, "report")}`;
  }
}

async function run(event) {
  if (event) event.preventDefault();
  const words = input.value.trim();
  const filters = selectedFilters();
  const params = new URLSearchParams(words ? { q: words, ...filters } : filters);
  history.replaceState(null, "", params.toString() ? `?${params}` : location.pathname);
  const ticket = ++latest;
  if (!words && !Object.keys(filters).length) {
    search = null;
    list.replaceChildren();
    statusLine.textContent = "";
    more.hidden = true;
    return;
  }
  const found = await pagefind.debouncedSearch(words || null, { filters }, 150);
  if (found === null || ticket !== latest) return; // a newer query replaced this one
  const chosen = Object.fromEntries(REFINED.map((name) => [name, filters[name] || ""]));
  const refined = REFINED.some((name) => filters[name]);
  search = { results: found.results, next: 0, words, chosen, refined, reports: 0, hits: 0 };
  list.replaceChildren();
  await showMore();
}

async function start() {
  const bundle = form.dataset.bundle;
  const folder = bundle.slice(0, bundle.lastIndexOf("/") + 1);
  pagefind = await import(bundle);
  await pagefind.options({ baseUrl: "/" }); // the records' URLs already carry the base path
  await pagefind.init();
  // A large site's index comes in shards, each a bundle of its own: merge them into this one.
  const answer = await fetch(`${folder}shards.json`);
  for (const shard of answer.ok ? await answer.json() : []) {
    await pagefind.mergeIndex(`${folder}${shard}`, { baseUrl: "/" });
  }
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
