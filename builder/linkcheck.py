"""Check every internal link and #anchor in the rendered site."""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .diagnostics import Diagnostics

# The builder writes every attribute double-quoted, so a scan of attributes finds every id and link
# as an HTML parser would, many times faster. The tests check the pages with a real HTML5 parser.
_ATTRIBUTE = re.compile(r'\s(id|href|src)="([^"]*)"')


@dataclass(frozen=True)
class _Links:
    ids: frozenset[str]
    links: tuple[str, ...]


def _scan(page: str) -> _Links:
    ids, links = set(), []
    for name, value in _ATTRIBUTE.findall(page):
        value = html.unescape(value)
        if name == "id":
            ids.add(value)
        else:
            links.append(value)
    return _Links(frozenset(ids), tuple(links))


def check_links(
    files: dict[str, bytes],
    base_path: str,
    sources: dict[str, str],
    diagnostics: Diagnostics,
    strict: bool,
    cache: dict | None = None,
    texts: dict[str, str] | None = None,
) -> int:
    """Report each internal link whose page or #anchor does not exist; return how many.

    With a cache, a page whose bytes are unchanged since the last build is not parsed again.
    """
    pages: dict[str, _Links] = {}
    for name, blob in files.items():
        if name.endswith(".html"):
            parsed = cache.get(name) if cache is not None else None
            if parsed is None or parsed[0] != blob:
                parsed = (blob, _scan(blob.decode("utf-8")))
                if cache is not None:
                    cache[name] = parsed
            pages[name] = parsed[1]
    broken = 0
    for name, parser in sorted(pages.items()):
        for link in sorted(set(parser.links)):
            problem = _resolve(link, name, base_path, files, pages)
            if problem:
                broken += 1
                message = f"broken link on /{name}: {link} ({problem})"
                source, line = _locate(link, sources.get(name, name), texts or {})
                (diagnostics.error if strict else diagnostics.warning)(source, line, message)
    return broken


def _locate(link: str, page_source: str, texts: dict[str, str]) -> tuple[str, int]:
    """Where the link was written: the content file and line of a Markdown link in a note, if any;
    otherwise the page's own source (its report or its template)."""
    for path in [page_source, *sorted(texts)]:
        text = texts.get(path, "")
        at = text.find(f"]({link})")
        if at != -1:
            return path, text.count("\n", 0, at) + 1
    return page_source, 0


def _resolve(
    link: str, page: str, base_path: str, files: dict[str, bytes], pages: dict[str, _Links]
) -> str:
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith("mailto:"):
        return ""
    if not parts.path:
        target = page
    elif parts.path.startswith("/"):
        if not parts.path.startswith(base_path):
            return f"outside the base path {base_path}"
        target = parts.path[len(base_path) :]
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), parts.path))
    target = unquote(target)
    if target == "" or target.endswith("/"):
        target += "index.html"
    if target not in files:
        return "no such page"
    if parts.fragment:
        if target not in pages:
            return "anchor on a page that is not HTML"
        if unquote(parts.fragment) not in pages[target].ids:
            return f"no element with id '{parts.fragment}'"
    return ""
