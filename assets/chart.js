// A chart's points are links in an SVG drawing that scrolls within its box on a narrow screen.
// Chromium does not scroll a focused SVG link into view within such a box, so a point reached by
// the keyboard could stay out of sight (WCAG 2.4.11): this scrolls it in. A grade chart too wide
// for its box opens at its right, at the latest inspections a reader comes for, and its cue says
// so. Without script the chart reads and links as before, from its left.
for (const box of document.querySelectorAll(".chart-scroll")) {
  box.addEventListener("focusin", (event) => {
    event.target.scrollIntoView({ block: "nearest", inline: "nearest" });
  });
  if (box.querySelector("svg.grade-chart") && box.scrollWidth > box.clientWidth) {
    box.scrollLeft = box.scrollWidth;
    const cue = box.closest("figure")?.querySelector(".grade-cue");
    if (cue) cue.textContent = "The chart scrolls sideways: it opens at the latest inspections; the earlier are at its left ←";
  }
}
