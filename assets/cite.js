// The report page's citations, made better where JavaScript runs: a button that copies each
// citation, and the paragraph citation follows the passage the address points to (#p14, a part's
// #lscb-p5, or an unnumbered passage's own address). Without it the page gives the same citations
// as text, to select and copy.
const paragraph = document.getElementById("citation-paragraph");
const lead = document.getElementById("citation-paragraph-lead");

// A site built without its public address ('url' in site.yml) writes addresses from its root:
// a citation pasted elsewhere needs the whole address, which the browser knows.
function absolute(address) {
  try {
    return new URL(address, location.href).href;
  } catch {
    return address;
  }
}
for (const where of document.querySelectorAll(".cite .address")) {
  where.textContent = absolute(where.textContent.trim());
}

function follow() {
  if (!paragraph) return;
  const target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
  if (!target || !target.closest(".report-text")) return;
  const number = target.querySelector(":scope > a.pnum");
  const self = target.querySelector(":scope > a.selflink");
  if (!number && !self) return;
  // Its number as cited ('14', or 'LSCB 5' in a part numbered again), else the passage itself.
  const label = number
    ? `paragraph ${(number.getAttribute("aria-label") || number.textContent).replace(/^Paragraph\s+/, "").trim()}`
    : "passage";
  const address = absolute(`${paragraph.dataset.reportUrl}#${target.id}`);
  const cite = paragraph.querySelector("cite");
  const title = cite ? cite.textContent : "";
  const site = paragraph.querySelector(".address");
  const before = site && site.previousSibling ? site.previousSibling.textContent : "";
  const siteName = before.replace(/^.*?\.\s*/, "").replace(/:\s*$/, "");
  paragraph.replaceChildren(`${paragraph.dataset.cite}, ${label}. `);
  if (lead) lead.textContent = number ? `For ${label}:` : "For the passage this address points to:";
  const work = document.createElement("cite");
  work.textContent = title;
  const where = document.createElement("span");
  where.className = "address";
  where.textContent = address;
  paragraph.append(work, `. ${siteName}: `, where);
}

function copyButton(citation) {
  const wrap = document.createElement("p");
  wrap.className = "cite-copy";
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = citation.id === "citation-paragraph" ? "Copy the paragraph citation" : "Copy the citation";
  const said = document.createElement("span");
  said.setAttribute("role", "status");
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(citation.textContent.trim());
      said.textContent = " Copied.";
    } catch {
      said.textContent = " Could not copy: select the citation and copy it instead.";
    }
  });
  wrap.append(button, said);
  citation.after(wrap);
}

if (navigator.clipboard) {
  for (const citation of document.querySelectorAll(".cite .citation")) copyButton(citation);
}
follow();
window.addEventListener("hashchange", follow);
