"""Measurements of how a built site reads in a browser, shared by the reading tests and reports.

Each function takes a Playwright page that shows a built page, and returns what it measured; the
tests decide what passes.
"""

from __future__ import annotations

import urllib.request
from urllib.parse import urlparse
from xml.etree import ElementTree

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_TAGS = WCAG_TAGS + ["best-practice"]

# WCAG 2.2 SC 1.4.12 text spacing, as the W3C's own bookmarklet sets it.
TEXT_SPACING = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
    word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""


def site_pages(base_url: str) -> list[str]:
    """Every HTML page a built site has: the pages its sitemap lists, and the not-found page."""
    with urllib.request.urlopen(f"{base_url}/sitemap.xml") as response:
        tree = ElementTree.fromstring(response.read())
    locs = [el.text or "" for el in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    return [urlparse(loc).path for loc in locs] + ["/404.html"]


def axe_script() -> str:
    """The axe-core source that axe_playwright_python ships."""
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


def run_axe(page, colour: bool = True) -> dict:
    """Violations and items left for review, with the WCAG 2.2 AA and best-practice rules.

    `colour=False` leaves out axe's colour-contrast rule, the slow one on long pages: where it
    does, `contrast_everywhere` computes the contrast of every text in the page instead.
    """
    start_axe(page, colour)
    return axe_result(page)


def start_axe(page, colour: bool = True) -> None:
    """Set axe running in the page and return at once: pages of other contexts, each in a
    renderer process of its own, run theirs meanwhile on the other cores. `axe_result` waits."""
    page.evaluate(
        # axe does much of its work before its first pause: it starts after this call returns.
        """([tags, colour]) => {
          window.__axeRun = new Promise(go => setTimeout(go, 0))
            .then(() => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                           rules: {'color-contrast': {enabled: colour}},
                                           resultTypes: ['violations', 'incomplete']}))
            .then(r => ({violations: r.violations.map(v => ({id: v.id, help: v.help,
                            nodes: v.nodes.map(n => n.target.join(' ') + ': ' +
                                                   n.failureSummary)})),
                        incomplete: r.incomplete.filter(v => v.id === 'color-contrast')
                            .flatMap(v => v.nodes.map(n => n.target[0]))}));
        }""",
        [AXE_TAGS, colour],
    )


def axe_result(page) -> dict:
    """What the axe run `start_axe` set going in the page found, once it has finished."""
    return page.evaluate("() => window.__axeRun")


# Colours computed in the page: the element's text colour over the first opaque background found
# walking up, with translucent layers blended on the way.
_CONTRAST_JS = """
(selectors) => {
  const own = el => Array.from(el.childNodes).some(n => n.nodeType === 3 && n.data.trim());
  const elements = selectors ? selectors.map(s => [s, document.querySelector(s)])
    : Array.from(document.body.querySelectorAll('*')).filter(own).map(e => [e.tagName, e]);
  const parse = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const lum = ([r, g, b]) => { const f = v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const over = (top, under) => { const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + under[i] * (1 - a)).concat([1]); };
  const background = el => { const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } }
    let bg = [255, 255, 255, 1];
    for (const layer of layers.reverse()) bg = over(layer, bg);
    return bg; };
  const out = [];
  for (const [sel, el] of elements) {
    if (!el) continue;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || style.visibility === 'hidden') continue;
    if (el.closest('svg, [aria-hidden="true"]')) continue;
    if (!(el.innerText || '').trim()) continue;
    const bg = background(el);
    const fg = over(parse(style.color), bg);
    const [a, b] = [lum(fg), lum(bg)];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    out.push({selector: sel, text: el.innerText.slice(0, 40),
              ratio: Math.round(ratio * 100) / 100, needed: large ? 3 : 4.5});
  }
  return out;
}
"""


def contrast(page, selectors: list[str]) -> list[dict]:
    """The computed contrast of each element's text against what is behind it."""
    return page.evaluate(_CONTRAST_JS, selectors)


def contrast_everywhere(page) -> list[dict]:
    """The computed contrast of every visible element's own text in the page."""
    return page.evaluate(_CONTRAST_JS, None)


def overflow(page) -> int:
    """How many CSS px the page is wider than the viewport (0 or less: no sideways scrolling)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def note_placement(page) -> list[dict]:
    """Each group of notes with the top and bottom of its passage and of itself, in page px."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.report-body .notes, .report-body aside.note'))
        .filter(n => !n.parentElement.closest('.notes') || n.classList.contains('notes'))
        .map(n => {
          const inline = n.parentElement.closest('li, td, th');
          let passage = inline || n.previousElementSibling;
          while (passage && passage.matches('.notes, aside, .tags-inline'))
            passage = passage.previousElementSibling;
          const r = n.getBoundingClientRect(), p = passage.getBoundingClientRect();
          return {id: n.id || passage.id, passage: passage.id, inline: !!inline,
                  top: r.top + scrollY, passageTop: p.top + scrollY,
                  passageBottom: p.bottom + scrollY};
        })"""
    )


def focus_rows(page) -> list[dict]:
    """The page's focusable elements in Tab order, each with the top of the layout row it is in.

    A row is a child of a two-column grid (the report's blocks and note groups, the header and
    contents), or the site header's bar (title, menu and search box side by side); elsewhere the
    element itself. Tab order is document order: no positive tabindex.
    """
    return page.evaluate(
        """() => {
          const sel = 'a[href], button, summary, input, select, textarea, [tabindex]:not([tabindex="-1"])';
          const rowOf = el => { let row = el.closest('.site-header') || el;
            for (let e = el; e && e !== document.body; e = e.parentElement)
              if (e.parentElement && e.parentElement.matches('.report-body, .report-top')) row = e;
            return row; };
          return Array.from(document.querySelectorAll(sel))
            .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden'
                          && !el.closest('details:not([open]) > :not(summary)'))
            .map(el => { const r = rowOf(el).getBoundingClientRect();
              return {text: (el.innerText || el.getAttribute('aria-label') || '').slice(0, 40),
                      rowTop: r.top + scrollY, top: el.getBoundingClientRect().top + scrollY}; });
        }"""
    )


def tabs_before(page, selector: str, limit: int = 800) -> int:
    """How many Tab presses from the top of a freshly loaded page reach the element."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for n in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return n
    return -1


def text_start_screens(page) -> float:
    """Where the report's text starts, in screen heights from the top of the page."""
    return page.evaluate(
        """() => { const first = document.querySelector('.report-body > *');
                   return (first.getBoundingClientRect().top + scrollY) / innerHeight; }"""
    )


# What focus can change about an element (and the shapes inside a link, such as a chart's marker):
# anything a reader could see. The element's box is part of it (a skip link moves into view).
_FOCUS_JS = """
() => {
  const sel = 'a[href], button, summary, input, select, textarea, [tabindex]:not([tabindex="-1"])';
  const props = ['outline-style', 'outline-width', 'outline-color', 'outline-offset', 'box-shadow',
                 'background-color', 'color', 'text-decoration-line', 'stroke', 'stroke-width',
                 'fill', 'border-top-color', 'border-bottom-color'];
  // Chromium draws no focus ring, background or shadow for a link in an SVG: only paint counts.
  const look = el => { const parts = [];
    for (const e of [el, ...Array.from(el.querySelectorAll('*')).slice(0, 20)]) {
      const st = getComputedStyle(e);
      const seen = e.closest('svg') ? ['stroke', 'stroke-width', 'fill', 'opacity'] : props;
      parts.push(seen.map(p => st.getPropertyValue(p)).join('|'));
    }
    const r = el.getBoundingClientRect();
    parts.push([r.left, r.top, r.width, r.height].map(Math.round).join(','));
    return parts.join('\\n'); };
  const visible = el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden'
    && !el.closest('details:not([open]) > :not(summary)') && !el.closest('[hidden]');
  const out = [];
  if (document.activeElement) document.activeElement.blur();
  for (const el of Array.from(document.querySelectorAll(sel)).filter(visible)) {
    const before = look(el);
    el.focus();
    if (document.activeElement !== el) { out.push({what: el.outerHTML.slice(0, 80), focused: false}); continue; }
    const after = look(el);
    const st = getComputedStyle(el);
    let around = el.parentElement;
    while (around && getComputedStyle(around).backgroundColor === 'rgba(0, 0, 0, 0)')
      around = around.parentElement;
    out.push({what: el.outerHTML.slice(0, 80), focused: true, changed: before !== after,
              outline: st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) > 0
                       && !/, 0\\)$/.test(st.outlineColor) ? st.outlineColor : null,
              around: around ? getComputedStyle(around).backgroundColor : 'rgb(255, 255, 255)'});
    el.blur();
  }
  return out;
}
"""


def focus_changes(page) -> list[dict]:
    """Each visible focusable element: whether focus reached it and changed how it looks.

    `outline` is the colour of its focus outline, where it has a visible one, and `around` the
    background it is drawn on.
    """
    page.keyboard.press("Tab")  # the keyboard's modality: focus-visible styles apply from here
    return page.evaluate(_FOCUS_JS)


def blank_text_column(page) -> dict:
    """How much of the report's text column is left blank while notes beside it run on.

    Between each two blocks of the text in turn, whatever space is more than the usual margin
    (24 CSS px) is blank; `share` is their sum over the height of the report's text.
    """
    return page.evaluate(
        """() => {
          const body = document.querySelector('.report-body');
          const blocks = Array.from(body.children).filter(e => !e.matches('.notes'))
            .map(e => e.getBoundingClientRect()).filter(r => r.height > 0);
          let blank = 0, worst = 0;
          for (let i = 1; i < blocks.length; i++) {
            const gap = Math.max(0, blocks[i].top - blocks[i - 1].bottom - 24);
            blank += gap; worst = Math.max(worst, gap);
          }
          const height = body.getBoundingClientRect().height;
          return {blank, worst, height, share: height ? blank / height : 0};
        }"""
    )


def split_words(page) -> list[str]:
    """Words in table cells that the browser breaks across two lines (mid-word), as
    `cell text: word`. A word is a run of letters and digits; its pieces are on different lines
    when the word's text spans client rectangles with different tops."""
    return page.evaluate(
        """() => {
          const out = [];
          for (const cell of document.querySelectorAll('td, th')) {
            if (!cell.getClientRects().length) continue;
            const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              if (node.parentElement.closest('.visually-hidden')) continue;
              for (const m of node.data.matchAll(/[\\p{L}\\p{N}]{2,}/gu)) {
                const range = document.createRange();
                range.setStart(node, m.index);
                range.setEnd(node, m.index + m[0].length);
                const tops = new Set(Array.from(range.getClientRects())
                  .filter(r => r.width > 0).map(r => Math.round(r.top)));
                if (tops.size > 1) out.push(`${cell.innerText.slice(0, 30)}: ${m[0]}`);
              }
            }
          }
          return out;
        }"""
    )
