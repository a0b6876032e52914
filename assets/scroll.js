// Boxes that scroll sideways on a narrow screen: a grade chart, a recommendation's strip of
// reports, a wide table. Chromium does not always scroll a focused link within such a box into
// view (an SVG link never; a strip's header link off the box's edge stayed hidden), so a link
// reached by the keyboard could stay out of sight (WCAG 2.4.7, 2.4.11): this scrolls it in. A
// grade chart too wide for its box opens at its right, at the latest inspections a reader comes
// for, and its cue says so. Without script every box reads and links as before, from its left.
for (const box of document.querySelectorAll(".chart-scroll, table.strip, .table-scroll")) {
  box.addEventListener("focusin", (event) => {
    if (event.target !== box) event.target.scrollIntoView({ block: "nearest", inline: "nearest" });
  });
}
for (const box of document.querySelectorAll(".chart-scroll")) {
  if (box.querySelector("svg.grade-chart") && box.scrollWidth > box.clientWidth) {
    box.scrollLeft = box.scrollWidth;
    const cue = box.closest("figure")?.querySelector(".grade-cue");
    if (cue) cue.textContent = "The chart scrolls sideways: it opens at the latest inspections; the earlier are at its left ←";
  }
}
