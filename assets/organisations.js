// Narrow a page's sections by organisation and region. Each select names the data attribute it
// matches (data-key="region" matches data-region); a section is shown when it matches every
// chosen value. Without script the form stays hidden and every section is shown.
(function () {
  "use strict";
  document.querySelectorAll("form.filter-form").forEach(function (form) {
    var items = document.querySelectorAll(form.dataset.filterTarget);
    var selects = form.querySelectorAll("select[data-key]");
    var count = form.querySelector(".filter-count");
    var noun = form.dataset.noun || "items";
    function apply() {
      var shown = 0;
      items.forEach(function (item) {
        var match = true;
        selects.forEach(function (select) {
          if (select.value && item.dataset[select.dataset.key] !== select.value) match = false;
        });
        item.hidden = !match;
        if (match) shown += 1;
      });
      if (count) {
        count.textContent = shown === items.length
          ? "Showing all " + shown + " " + noun + "."
          : "Showing " + shown + " of " + items.length + " " + noun + ".";
      }
    }
    selects.forEach(function (select) { select.addEventListener("change", apply); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
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
  a.addEventListener("change", show);
  b.addEventListener("change", show);
  form.hidden = false;
})();
