"""Check every internal link and #anchor in the rendered site."""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from .diagnostics import Diagnostics


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.add(value)
            elif name in ("href", "src") and tag != "base":
                self.links.append(value)


def check_links(files: dict[str, bytes], base_path: str, sources: dict[str, str],
                diagnostics: Diagnostics, strict: bool, cache: dict | None = None) -> int:
    """Report each internal link whose page or #anchor does not exist; return how many.

    With a cache, a page whose bytes are unchanged since the last build is not parsed again.
    """
    pages: dict[str, _Links] = {}
    for name, blob in files.items():
        if name.endswith(".html"):
            parsed = cache.get(name) if cache is not None else None
            if parsed is None or parsed[0] != blob:
                parser = _Links()
                parser.feed(blob.decode("utf-8"))
                parsed = (blob, parser)
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
                source = sources.get(name, name)
                (diagnostics.error if strict else diagnostics.warning)(source, 0, message)
    return broken


def _resolve(link: str, page: str, base_path: str, files: dict[str, bytes], pages: dict[str, _Links]) -> str:
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith("mailto:"):
        return ""
    if not parts.path:
        target = page
    elif parts.path.startswith("/"):
        if not parts.path.startswith(base_path):
            return f"outside the base path {base_path}"
        target = parts.path[len(base_path):]
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
