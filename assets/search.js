// The search page: finds passages with the Pagefind index in the browser and ranks them itself.
// Each report is one Pagefind record whose headings mark its blocks (paragraphs, list items) and
// editors' notes; the record's `blocks` metadata says what each heading stands for (paragraph or
// note, number, themes, tracked recommendation, quote). Pagefind finds the reports; each block's
// words are read from the record's text, and the blocks are ranked: an exact phrase first, then
// blocks holding every word asked for, then those holding some, each by how closely and how often.
// Each shard's lookup.json gives the reports' dates and paragraph anchors (for "2019 ¶14") and the
// words of the text (for "did you mean").
// Every piece of indexed text is put on the page as text, never as markup.
const form = document.getElementById("search-form");
const input = document.getElementById("search-query");
const statusLine = document.getElementById("search-status");
const suggestion = document.getElementById("search-suggestion");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");
const filterBox = document.getElementById("search-filters");
const options = document.getElementById("search-options");
const orderBox = document.getElementById("search-order");
const HITS = 20; // passages added by each "show more"
const BATCH = 30; // reports read at a time, best first by Pagefind's reckoning
const FILTERS = [
  ["organisation", "Organisation"], // on a site of several organisations only
  ["region", "Region"],
  ["report", "Report"],
  ["year", "Year"],
  ["kind", "Kind of document"],
  ["theme", "Theme"],
  ["recommendation", "Tracked recommendation (editors’ notes)"],
];
const REFINED = ["theme", "recommendation"]; // chosen per report by Pagefind, per passage here
const STOP = new Set(
  ("a an and are as at be been but by can did do does for from had has have how i in is it its " +
    "into not of on or our say said says that the their there these they this those to was we " +
    "were what when where which who why will with about any all").split(" "),
);

let pagefind = null;
let search = null; // the current search: its candidates, ranked hits and how far they are shown
let latest = 0;
const reports = new Map(); // report URL -> {date, title, numbers}
const vocabulary = new Map(); // word -> how often it occurs in the text and notes

// ---- Words ----------------------------------------------------------------------------------

function normal(word) {
  return word
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/’/g, "'")
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
}

// A light English stemmer: enough that "children" finds "child" and "assessments" "assessment".
function stem(word) {
  let w = word.replace(/'s$/, "");
  if (w === "children") return "child";
  if (w.length > 4 && w.endsWith("ies")) return `${w.slice(0, -3)}y`;
  if (w.length > 5 && w.endsWith("ing")) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith("ed")) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith("es") && /(sh|ch|x|ss)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith("s") && !w.endsWith("ss")) w = w.slice(0, -1);
  return w;
}

function same(a, b) {
  if (a === b) return true;
  if (a.length >= 4 && b.length >= 4) return stem(a) === stem(b);
  // A short word and its plural: "IRO" finds "IROs", "LAC" "LACs".
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return short.length === 3 && long === `${short}s`;
}

function tokens(text) {
  return text.split(/\s+/).map(normal).filter(Boolean);
}

// Edit distance with transposition (optimal string alignment), stopping early past `limit`.
function distance(a, b, limit) {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2 = null;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, prev2[j - 2] + 1);
      }
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > limit) return limit + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length];
}

function known(word) {
  if (vocabulary.has(word)) return true;
  for (const other of vocabulary.keys()) if (same(word, other)) return true;
  return false;
}

// The nearest word of the text to one that is in none of it, or "".
function correction(word) {
  const limit = word.length <= 5 ? 1 : 2;
  let best = "";
  let bestDistance = limit + 1;
  let bestCount = 0;
  for (const [other, count] of vocabulary) {
    const d = distance(word, other, limit);
    if (d < bestDistance || (d === bestDistance && count > bestCount)) {
      [best, bestDistance, bestCount] = [other, d, count];
    }
  }
  return bestDistance <= limit ? best : "";
}

// ---- What was asked -------------------------------------------------------------------------

const PARAGRAPH = "(?:¶|§|paragraphs?|paras?\\.?|p\\.?)";
// A number, or a part's label and its number where the document numbers a part anew ("LSCB 5").
const NUMBER = "((?:[A-Za-z][A-Za-z0-9]*\\s+)?\\d+)";
const LOOKUPS = [
  new RegExp(`^(\\d{4})(?:\\s+report)?[\\s,]*${PARAGRAPH}\\s*${NUMBER}$`, "i"),
  new RegExp(`^${PARAGRAPH}\\s*${NUMBER}(?:\\s+(?:of|in|from)(?:\\s+the)?)?[\\s,]+(\\d{4})(?:\\s+report)?$`, "i"),
  new RegExp(`^${PARAGRAPH}\\s*${NUMBER}$`, "i"),
];

// A report's anchor for a paragraph number as asked: "14", or "LSCB 5" in any case.
function anchorOf(numbers, number) {
  if (numbers[number]) return numbers[number];
  if (!/[A-Za-z]/.test(number)) return "";
  const asked = number.toLowerCase();
  const key = Object.keys(numbers).find((k) => k.toLowerCase() === asked);
  return key ? numbers[key] : "";
}

// A paragraph asked for by year and number ("2019 ¶14", "paragraph 14 of the 2019 report"):
// the places it may be, or null when the words are not such a request.
function paragraphLookup(words) {
  const text = words.trim().replace(/\s+/g, " ");
  for (const [i, pattern] of LOOKUPS.entries()) {
    const m = text.match(pattern);
    if (!m) continue;
    const [year, number] = i === 0 ? [m[1], m[2]] : [m[2] || "", m[1]];
    const places = [];
    for (const [url, r] of reports) {
      const anchor = !year || r.date.startsWith(year) ? anchorOf(r.numbers, number) : "";
      if (anchor) places.push({ url: `${url}#${anchor}`, number, report: label(url), date: r.date });
    }
    places.sort((a, b) => b.date.localeCompare(a.date));
    places.year = year;
    return places;
  }
  return null;
}

// Why a paragraph asked for was not found: no report of that year, or its reports number no
// paragraphs (a letter), or none of theirs is numbered so.
function notFound(lookup, words) {
  const year = lookup.year;
  const ofYear = [...reports.values()].filter((r) => year && r.date.startsWith(year));
  if (year && !ofYear.length) return `No report of ${year} in this history, for ${quoted(words)}`;
  if (ofYear.length && ofYear.every((r) => !Object.keys(r.numbers || {}).length)) {
    const which = ofYear.length === 1 ? `The ${year} document numbers` : `The ${year} documents number`;
    return `${which} no paragraphs: search for its words instead, for ${quoted(words)}`;
  }
  return `No paragraph numbered so for ${quoted(words)}`;
}

function label(url) {
  const r = reports.get(url);
  return r ? `${r.date.slice(0, 4)} · ${r.title}` : url;
}

// The reader's words in quotation marks, unless they quote a phrase themselves ("private
// fostering"): never “"private fostering"”.
function quoted(words) {
  return /["“”]/.test(words) ? words : `“${words}”`;
}

// The query as words to rank by: quoted phrases, the other words, and years that name reports.
function parse(words) {
  const phrases = [];
  const rest = words.replace(/["“”]([^"“”]+)["“”]/g, (_, phrase) => {
    const t = tokens(phrase);
    if (t.length) phrases.push(t);
    return " ";
  });
  const years = new Set([...reports.values()].map((r) => r.date.slice(0, 4)));
  const loose = tokens(rest);
  const asked = loose.filter((w) => !(/^\d{4}$/.test(w) && years.has(w)));
  const inYears = loose.filter((w) => /^\d{4}$/.test(w) && years.has(w));
  const all = [...phrases.flat(), ...asked];
  let content = all.filter((w) => !STOP.has(w));
  if (!content.length) content = all;
  // Several unquoted words are also looked for as a phrase: that passage comes first.
  const phrase = phrases.length ? phrases : asked.length > 1 ? [asked] : [];
  return { quoted: phrases.length > 0, phrases: phrase, content: [...new Set(content)], years: inYears };
}

// ---- Ranking --------------------------------------------------------------------------------

// The blocks of a report as [{heading index, words}], from its text and its headings' places.
function blocksOf(data) {
  const words = data.content.split(/\s+/);
  const headings = data.anchors
    .filter((a) => /^h\d$/i.test(a.element))
    .sort((a, b) => a.location - b.location);
  return headings.map((a, i) => ({
    anchor: a.id,
    index: i,
    raw: words.slice(a.location + 1, i + 1 < headings.length ? headings[i + 1].location : undefined),
  }));
}

function holdsPhrase(words, phrase) {
  for (let i = 0; i + phrase.length <= words.length; i++) {
    if (phrase.every((w, k) => same(w, words[i + k]))) return true;
  }
  return false;
}

function score(block, query, idf) {
  const words = block.raw.map(normal);
  const places = query.content.map((q) => words.flatMap((w, i) => (same(q, w) ? [i] : [])));
  const found = places.filter((p) => p.length).length;
  if (!found) return null;
  const phrase = query.phrases.length > 0 && query.phrases.every((p) => holdsPhrase(words, p));
  if (query.quoted && !phrase) return null;
  let weight = 0;
  for (const [k, p] of places.entries()) {
    weight += (idf.get(query.content[k]) || 1) * (p.length / (p.length + 1.2));
  }
  // How close together the words are: the narrowest stretch holding one of each.
  let span = words.length;
  if (found === query.content.length && found > 1) {
    const all = places.flatMap((p, k) => p.map((i) => [i, k])).sort((a, b) => a[0] - b[0]);
    const seen = new Map();
    let start = 0;
    for (const [i, k] of all) {
      seen.set(k, (seen.get(k) || 0) + 1);
      while (seen.size === found) {
        span = Math.min(span, i - all[start][0] + 1);
        const first = all[start][1];
        seen.set(first, seen.get(first) - 1);
        if (!seen.get(first)) seen.delete(first);
        start += 1;
      }
    }
  }
  const close = found > 1 ? found / span : 0;
  const short = 1 / Math.log2(8 + words.length); // a short passage on the subject beats a long one
  return { phrase, all: found === query.content.length, found, rank: weight * (1 + short) + close };
}

function compare(a, b) {
  return (
    b.phrase - a.phrase ||
    b.inYear - a.inYear ||
    b.all - a.all ||
    b.found - a.found ||
    b.rank - a.rank ||
    a.order - b.order
  );
}

// The hits of the reports read so far, each with what its heading stands for, kept only if it
// carries the chosen theme and recommendation.
function hitsOf(current, loaded) {
  const hits = [];
  const df = new Map();
  const blocksBy = loaded.map((data) => {
    const blocks = blocksOf(data);
    for (const b of blocks) {
      const words = new Set(b.raw.map(normal));
      for (const q of current.query.content) {
        if ([...words].some((w) => same(q, w))) df.set(q, (df.get(q) || 0) + 1);
      }
    }
    return blocks;
  });
  const total = blocksBy.reduce((n, b) => n + b.length, 0) || 1;
  const idf = new Map(current.query.content.map((q) => [q, Math.log(1 + total / (df.get(q) || 1))]));
  for (const [n, data] of loaded.entries()) {
    const info = JSON.parse(data.meta.blocks || "{}");
    const meta = info.blocks || [];
    const theme = (info.themes || []).indexOf(current.chosen.theme);
    const tracked = (info.recommendations || []).indexOf(current.chosen.recommendation);
    const url = data.url.split("#")[0];
    const date = (reports.get(url) || {}).date || data.meta.year || "";
    for (const block of blocksBy[n]) {
      const kind = meta[block.index];
      if (!kind) continue;
      if (current.chosen.theme && !kind[2].includes(theme)) continue;
      if (current.chosen.recommendation && !kind[3].includes(tracked)) continue;
      const found = current.words ? score(block, current.query, idf) : { phrase: false, all: true, found: 0, rank: 0 };
      if (!found) continue;
      hits.push({
        ...found,
        url: `${url}#${block.anchor}`,
        block: kind,
        words: block.raw,
        report: label(url) || `${data.meta.year} · ${data.meta.title}`,
        date,
        inYear: current.query.years.some((y) => date.startsWith(y)),
        order: current.order + block.index / 10000,
      });
    }
    current.order += 1;
  }
  if (current.sort === "newest" || current.sort === "oldest") {
    const sign = current.sort === "newest" ? -1 : 1;
    return hits.sort((a, b) => sign * a.date.localeCompare(b.date) || a.order - b.order);
  }
  return hits.sort(compare);
}

// ---- The page -------------------------------------------------------------------------------

function selectedFilters() {
  const chosen = {};
  for (const select of filterBox.querySelectorAll("select")) {
    if (select.value) chosen[select.name] = select.value;
  }
  return chosen;
}

async function buildFilters(params) {
  const available = await pagefind.filters();
  for (const [name, title] of FILTERS) {
    const values = Object.keys(available[name] || {}).sort();
    if (!values.length) continue;
    const id = `search-filter-${name}`;
    const wrap = document.createElement("p");
    const caption = document.createElement("label");
    caption.htmlFor = id;
    caption.textContent = title;
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
  if (Object.keys(selectedFilters()).length || orderBox.value) options.open = true;
}

// The passage's words around the first place a word asked for is, with those words marked.
function excerptInto(element, hit, query) {
  const words = hit.words;
  const marked = words.map((w) => query.content.some((q) => same(q, normal(w))));
  const first = Math.max(0, marked.indexOf(true));
  const start = Math.max(0, Math.min(first - 12, words.length - 40));
  const end = Math.min(words.length, start + 40);
  if (start > 0) element.append("… ");
  for (let i = start; i < end; i++) {
    if (i > start) element.append(" ");
    if (marked[i]) {
      const mark = document.createElement("mark");
      mark.textContent = words[i];
      element.append(mark);
    } else {
      element.append(words[i]);
    }
  }
  if (end < words.length) element.append(" …");
}

function place(block) {
  const [kind, number] = block;
  if (kind === "note") return number ? `Editors’ note on ¶${number}` : "Editors’ note";
  return number ? `¶${number}` : "Passage";
}

function hitItem(hit, query) {
  const [kind, , , , quote] = hit.block;
  const item = document.createElement("li");
  item.className = `search-hit search-hit-${kind === "note" ? "note" : "text"}`;
  const heading = document.createElement("p");
  heading.className = "search-place";
  const link = document.createElement("a");
  link.href = hit.url;
  link.textContent = place(hit.block);
  const whose = document.createElement("span");
  whose.className = "search-report-name";
  whose.textContent = `, ${hit.report}`;
  link.append(whose);
  heading.append(link);
  item.append(heading);
  if (kind === "note" && quote) {
    const on = document.createElement("p");
    on.className = "search-quote";
    on.textContent = `On “${quote}”`;
    item.append(on);
  }
  if (hit.words.length) {
    const excerpt = document.createElement("p");
    excerpt.className = "search-excerpt";
    excerptInto(excerpt, hit, query);
    item.append(excerpt);
  }
  return item;
}

function lookupItem(found) {
  const item = document.createElement("li");
  item.className = "search-hit search-hit-lookup";
  const heading = document.createElement("p");
  heading.className = "search-place";
  const link = document.createElement("a");
  link.href = found.url;
  link.textContent = `¶${found.number}`;
  const whose = document.createElement("span");
  whose.className = "search-report-name";
  whose.textContent = `, ${found.report}`;
  link.append(whose);
  heading.append(link);
  item.append(heading);
  return item;
}

function reportItem(data) {
  const item = document.createElement("li");
  item.className = "search-hit search-report";
  const heading = document.createElement("p");
  heading.className = "search-place";
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = `${data.meta.year} · ${data.meta.title}`;
  heading.append(link);
  item.append(heading);
  return item;
}

// Read reports until HITS more passages can be shown or none are left; then show them.
async function showMore() {
  const current = search;
  const wanted = current.shown + HITS;
  while (current.hits.length < wanted && current.next < current.results.length) {
    const batch = current.results.slice(current.next, current.next + BATCH);
    current.next += batch.length;
    const loaded = await Promise.all(batch.map((result) => result.data()));
    if (current !== search) return; // a newer query replaced this one
    if (!current.words && !current.refined) {
      for (const data of loaded) list.append(reportItem(data));
      current.reports += loaded.length;
      continue;
    }
    const hits = hitsOf(current, loaded);
    current.hits.push(...hits);
    for (const hit of hits) current.reportsWith.add(hit.url.split("#")[0]);
  }
  for (const hit of current.hits.slice(current.shown, wanted)) list.append(hitItem(hit, current.query));
  const firstNew = list.children[current.lookups + current.shown];
  current.shown = Math.min(wanted, current.hits.length);
  more.hidden = current.shown >= current.hits.length && current.next >= current.results.length;
  announce(current);
  return firstNew;
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

// The status line says what it counts: passages and reports found, and how many are left to read.
function announce(current) {
  const about = current.words ? ` for ${quoted(current.words)}` : "";
  const left = current.results.length - current.next;
  const lookups = current.lookups ? `${plural(current.lookups, "paragraph")} by number; ` : "";
  if (!current.words && !current.refined) {
    statusLine.textContent = `${plural(current.reports, "report")}${left ? " so far" : ""}`;
    return;
  }
  if (!current.hits.length && !left) {
    statusLine.textContent = current.lookups
      ? `${plural(current.lookups, "paragraph")}${about}`
      : `No results${about}. Try fewer or other words, or browse the themes.`;
    return;
  }
  const found = `${plural(current.hits.length, "passage")} in ${plural(current.reportsWith.size, "report")}`;
  // A year among the words ranks that year's reports first: said, as a reader may expect a filter.
  const years = current.query && current.query.years.length ? current.query.years.join(" and ") : "";
  const order = current.sort ? ", newest first" : years ? `, those of ${years} first` : "";
  statusLine.textContent = `${lookups}${found}${about}${left ? " so far" : ""}${current.sort === "oldest" ? ", oldest first" : order}`;
}

function suggest(words, corrected) {
  suggestion.replaceChildren();
  suggestion.hidden = !corrected;
  if (!corrected) return;
  const params = new URLSearchParams({ q: corrected });
  const link = document.createElement("a");
  link.href = `?${params}`;
  link.textContent = corrected;
  link.addEventListener("click", (event) => {
    event.preventDefault();
    input.value = corrected;
    run();
  });
  suggestion.append("Did you mean ", link, "? ", `No passage holds every word of ${quoted(words)}: the passages below are for ${quoted(corrected)}.`);
}

// A query whose words are in none of the text, with each such word put right where the text has
// one near it; "" when nothing needs putting right.
function corrected(words) {
  let changed = false;
  const out = words.replace(/[\p{L}’']+/gu, (word) => {
    const w = normal(word);
    if (w.length < 4 || STOP.has(w) || known(w)) return word;
    const better = correction(w);
    if (!better) return word;
    changed = true;
    return better;
  });
  return changed ? out : "";
}

async function run(event) {
  if (event) event.preventDefault();
  let words = input.value.trim();
  const filters = selectedFilters();
  const sort = orderBox.value;
  const params = new URLSearchParams(words ? { q: words, ...filters } : filters);
  if (sort) params.set("order", sort);
  history.replaceState(null, "", params.toString() ? `?${params}` : location.pathname);
  const ticket = ++latest;
  const lookup = words ? paragraphLookup(words) : null;
  if (lookup && lookup.length === 1 && event) {
    location.assign(lookup[0].url); // asked for one paragraph and pressed Search: go there
    return;
  }
  if (!words && !Object.keys(filters).length) {
    search = null;
    list.replaceChildren();
    suggest("", "");
    statusLine.textContent = "";
    more.hidden = true;
    return;
  }
  const better = words && !lookup ? corrected(words) : "";
  suggest(words, better);
  if (better) words = better;
  const query = parse(words);
  const asked = words && !lookup ? words : null;
  const found = await pagefind.debouncedSearch(asked, { filters }, 150);
  if (found === null || ticket !== latest) return; // a newer query replaced this one
  let results = found.results;
  // Reports holding only some of the words come after those holding all of them.
  if (asked && !query.quoted && query.content.length > 1) {
    const seen = new Set(results.map((r) => r.id));
    for (const word of query.content) {
      const some = await pagefind.search(word, { filters });
      if (ticket !== latest) return;
      for (const r of some.results) if (!seen.has(r.id)) seen.add(r.id) && results.push(r);
    }
  }
  if (lookup) results = [];
  if (sort) {
    // Date order reads every report found: its reports are few beside its passages.
    results = results.slice();
  }
  const chosen = Object.fromEntries(REFINED.map((name) => [name, filters[name] || ""]));
  const refined = REFINED.some((name) => filters[name]);
  search = {
    results,
    next: 0,
    words: asked ? words : "",
    query,
    chosen,
    refined,
    sort,
    hits: [],
    shown: 0,
    order: 0,
    reports: 0,
    reportsWith: new Set(),
    lookups: lookup ? lookup.length : 0,
  };
  list.replaceChildren();
  for (const place of lookup || []) list.append(lookupItem(place));
  if (lookup) {
    search.words = input.value.trim();
    more.hidden = true;
    announce(search);
    if (!lookup.length) statusLine.textContent = notFound(lookup, search.words);
    return;
  }
  if (sort) {
    // Every report is read before the first is shown, so the newest (or oldest) come first.
    while (search.next < search.results.length) {
      const batch = search.results.slice(search.next, search.next + BATCH);
      search.next += batch.length;
      const loaded = await Promise.all(batch.map((result) => result.data()));
      if (ticket !== latest) return;
      search.hits.push(...hitsOf(search, loaded));
    }
    const sign = sort === "newest" ? -1 : 1;
    search.hits.sort((a, b) => sign * a.date.localeCompare(b.date) || a.order - b.order);
    for (const hit of search.hits) search.reportsWith.add(hit.url.split("#")[0]);
  }
  await showMore();
}

async function loadLookups(folders) {
  const answers = await Promise.all(folders.map((f) => fetch(`${f}lookup.json`)));
  for (const answer of answers) {
    if (!answer.ok) continue;
    const data = await answer.json();
    for (const [url, date, title, numbers] of data.reports) reports.set(url, { date, title, numbers });
    for (const [word, count] of Object.entries(data.words)) {
      vocabulary.set(word, (vocabulary.get(word) || 0) + count);
    }
  }
}

async function start() {
  const bundle = form.dataset.bundle;
  const folder = bundle.slice(0, bundle.lastIndexOf("/") + 1);
  pagefind = await import(bundle);
  await pagefind.options({ baseUrl: "/" }); // the records' URLs already carry the base path
  await pagefind.init();
  // A large site's index comes in shards, each a bundle of its own: merge them into this one.
  const answer = await fetch(`${folder}shards.json`);
  const shards = answer.ok ? await answer.json() : [];
  for (const shard of shards) {
    await pagefind.mergeIndex(`${folder}${shard}`, { baseUrl: "/" });
  }
  await loadLookups([folder, ...shards.map((s) => `${folder}${s}`)]);
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  const lookup = input.value ? paragraphLookup(input.value) : null;
  if (lookup && lookup.length === 1) {
    location.replace(lookup[0].url); // "2019 ¶14" from the search box on any page: go there
    return;
  }
  document.getElementById("search-fallback").hidden = true;
  options.hidden = false;
  orderBox.value = ["newest", "oldest"].includes(params.get("order")) ? params.get("order") : "";
  orderBox.addEventListener("change", () => run());
  await buildFilters(params);
  form.addEventListener("submit", run);
  input.addEventListener("input", () => run());
  more.addEventListener("click", async () => {
    const first = await showMore();
    if (first) first.querySelector("a").focus();
  });
  if (input.value || Object.keys(selectedFilters()).length) await run();
  document.body.dataset.searchReady = "true";
}

start();
