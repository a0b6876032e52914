// A chart's points are links in an SVG drawing that scrolls within its box on a narrow screen.
// Chromium does not scroll a focused SVG link into view within such a box, so a point reached by
// the keyboard could stay out of sight (WCAG 2.4.11): this scrolls it in. Without script the
// chart reads and links as before.
for (const box of document.querySelectorAll(".chart-scroll")) {
  box.addEventListener("focusin", (event) => {
    event.target.scrollIntoView({ block: "nearest", inline: "nearest" });
  });
}
