"""What the link check reads in a rendered page: its ids and its links, scanned while the page is
at hand (in the worker that rendered it), so the main process never parses a page it holds."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

# The builder writes every attribute double-quoted, so a scan of attributes finds every id and link
# as an HTML parser would, many times faster. The tests check the pages with a real HTML5 parser.
_ATTRIBUTE = re.compile(r'\s(id|href|src)="([^"]*)"')


@dataclass(frozen=True, slots=True)
class _Links:
    """What the link check needs of a page: its ids, and the links it holds."""

    # Every id, each followed by a NUL (which no id holds): one string per page, where a set
    # made thousands of small objects that a large site kept for its whole build.
    ids: str
    links: tuple[str, ...]

    def has_id(self, name: str) -> bool:
        return "\0" not in name and f"\0{name}\0" in self.ids


def scan(page: str) -> _Links:
    """The ids and the links of a page's HTML."""
    ids, links = set(), []
    for name, value in _ATTRIBUTE.findall(page):
        value = html.unescape(value)
        if name == "id":
            ids.add(value)
        else:
            links.append(value)
    return _Links("\0" + "".join(f"{i}\0" for i in sorted(ids)), tuple(links))


def share_strings(links: _Links, strings: dict[str, str]) -> _Links:
    """The same scan holding one copy of each link across pages (`strings` keeps them): pages
    decoded one by one repeat the same links thousands of times."""
    return _Links(links.ids, tuple(strings.setdefault(link, link) for link in links.links))
