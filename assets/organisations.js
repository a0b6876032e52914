// Narrow a page's sections by organisation and region. Each select names the data attribute it
// matches (data-key="region" matches data-region); an item is shown when it matches every
// chosen value. Items of data-filter-also (a theme's tracked recommendations) are narrowed too,
// not counted; a .filter-section-count in an items' section says how many of them it shows, and
// a section or a [data-filter-box] left with none is hidden. Without script the form stays
// hidden and everything is shown.
(function () {
  "use strict";
  document.querySelectorAll("form.filter-form").forEach(function (form) {
    var items = document.querySelectorAll(form.dataset.filterTarget);
    var also = form.dataset.filterAlso ? document.querySelectorAll(form.dataset.filterAlso) : [];
    var selects = form.querySelectorAll("select[data-key]");
    var count = form.querySelector(".filter-count");
    var noun = form.dataset.noun || "items";
    function matches(item) {
      var match = true;
      selects.forEach(function (select) {
        if (select.value && item.dataset[select.dataset.key] !== select.value) match = false;
      });
      return match;
    }
    // Each box (a section with a count, or a [data-filter-box]) with the items it holds.
    function boxes(list, selector) {
      var found = [];
      list.forEach(function (item) {
        var box = item.closest(selector);
        if (!box) return;
        var entry = found.filter(function (e) { return e.box === box; })[0];
        if (!entry) found.push(entry = { box: box, items: [] });
        entry.items.push(item);
      });
      return found;
    }
    var sections = boxes(items, "section").filter(function (e) {
      return e.box.querySelector(".filter-section-count");
    });
    var others = boxes(also, "[data-filter-box]");
    function apply() {
      var shown = 0;
      items.forEach(function (item) {
        item.hidden = !matches(item);
        if (!item.hidden) shown += 1;
      });
      also.forEach(function (item) { item.hidden = !matches(item); });
      sections.concat(others).forEach(function (e) {
        var left = e.items.filter(function (item) { return !item.hidden; }).length;
        var said = e.box.querySelector(".filter-section-count");
        if (said && e.box.tagName === "SECTION") said.textContent = left;
        e.box.hidden = left === 0;
      });
      if (count) {
        count.textContent = shown === items.length
          ? "Showing all " + shown + " " + noun + "."
          : shown === 0
            ? "None of the " + items.length + " " + noun + " match: choose another organisation or region."
            : "Showing " + shown + " of " + items.length + " " + noun + ".";
      }
    }
    // The choice is kept in the page's address (?organisation=…&region=…), so a narrowed view
    // can be shared, bookmarked and reloaded.
    function remember() {
      var url = new URL(window.location.href);
      selects.forEach(function (select) {
        if (select.value) url.searchParams.set(select.dataset.key, select.value);
        else url.searchParams.delete(select.dataset.key);
      });
      window.history.replaceState(null, "", url);
    }
    var asked = new URLSearchParams(window.location.search);
    var chosen = false;
    selects.forEach(function (select) {
      var value = asked.get(select.dataset.key);
      if (value && select.querySelector('option[value="' + CSS.escape(value) + '"]')) {
        select.value = value;
        chosen = true;
      }
    });
    selects.forEach(function (select) {
      select.addEventListener("change", function () { apply(); remember(); });
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    if (chosen) apply();
  });
})();

// The overview's side-by-side table: choose two organisations to show only their rows. Without
// script the form stays hidden and every row is shown.
(function () {
  "use strict";
  var form = document.querySelector(".compare-form");
  var table = document.querySelector("table.compare");
  if (!form || !table) return;
  var a = form.querySelector("#compare-a");
  var b = form.querySelector("#compare-b");
  var said = form.querySelector(".compare-count");
  function show() {
    var chosen = [a.value, b.value].filter(Boolean);
    var rows = table.querySelectorAll("tbody tr");
    var shown = 0;
    rows.forEach(function (row) {
      row.hidden = chosen.length > 0 && chosen.indexOf(row.dataset.organisation) < 0;
      if (!row.hidden) shown += 1;
    });
    // Said, as the theme filter says its count: a screen reader hears what the table now holds.
    if (said) said.textContent = "Showing " + shown + " of " + rows.length + " organisations.";
    if (chosen.length === 2) {
      // The first chosen above the second, whatever the alphabet says.
      var body = table.tBodies[0];
      chosen.forEach(function (id) {
        var row = body.querySelector('tr[data-organisation="' + id + '"]');
        if (row) body.appendChild(row);
      });
    }
  }
  // Kept in the address (?a=…&b=…), as the filters keep theirs.
  function remember() {
    var url = new URL(window.location.href);
    [["a", a], ["b", b]].forEach(function (pair) {
      if (pair[1].value) url.searchParams.set(pair[0], pair[1].value);
      else url.searchParams.delete(pair[0]);
    });
    window.history.replaceState(null, "", url);
  }
  var asked = new URLSearchParams(window.location.search);
  var chosen = false;
  [["a", a], ["b", b]].forEach(function (pair) {
    var value = asked.get(pair[0]);
    if (value && pair[1].querySelector('option[value="' + CSS.escape(value) + '"]')) {
      pair[1].value = value;
      chosen = true;
    }
  });
  a.addEventListener("change", function () { show(); remember(); });
  b.addEventListener("change", function () { show(); remember(); });
  form.hidden = false;
  if (chosen) show();
})();
