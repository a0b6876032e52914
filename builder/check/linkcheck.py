"""Check every internal link and #anchor in the rendered site."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from builder.diagnostics import Diagnostics
from builder.parse.records import Where
from builder.render.scan import _Links, scan, share_strings  # noqa: F401 - theirs too
from builder.sitefiles import Packed, stored

if TYPE_CHECKING:
    from builder.memo import PageScan
    from builder.model.site import SourceLink


def check_links(
    files: Mapping[str, bytes],
    base_path: str,
    sources: dict[str, str],
    diagnostics: Diagnostics,
    strict: bool,
    cache: dict[str, tuple[bytes | Packed, PageScan]] | None = None,
    texts: Mapping[str, str] | None = None,
    source_links: Sequence[SourceLink] = (),
    kept: dict[str, Any] | None = None,
) -> int:
    """Report each internal link whose page or #anchor does not exist; return how many.

    A link written in content is checked once, at the file and line it was written on, however
    many pages show it; the links templates make are checked on each page that has them. With a
    cache, a page whose bytes are unchanged since the last build is not scanned again; with
    `kept` (the last check's results), neither is it checked again while no page came, went or
    changed its ids.
    """
    pages: dict[str, PageScan] = {}
    for name in files:
        if name.endswith(".html"):
            held = stored(files, name)  # compared as held: a packed page is unpacked only to scan
            parsed = cache.get(name) if cache is not None else None
            if parsed is None or parsed[0] != held:
                parsed = (held, scan(files[name].decode("utf-8")))
                if cache is not None:
                    cache[name] = parsed
            pages[name] = parsed[1]
    report = diagnostics.error if strict else diagnostics.warning
    broken = 0
    from_content = set()
    for link in source_links:
        if link.href.startswith("#"):
            continue  # it means the page it is shown on: checked there
        from_content.add(link.href)
        problem = _resolve(link.href, "", base_path, files, pages)
        if problem:
            broken += 1
            line = _line_of(link.href, link.where, texts or {})
            report(link.where.path, line, f"broken link: {link.href} ({problem})")
    # A page's problems depend on its links and on every page's path and ids: while those are
    # the same, a page whose scan is the very one of the last build has the same problems.
    world = (base_path, frozenset(files), frozenset(from_content))
    last: dict[str, tuple[PageScan, tuple[Any, ...]]] = {}
    if kept is not None and kept.get("") == world:
        last = kept["pages"]
        for name, links in pages.items():
            was = last.get(name)
            if was is None or (was[0] is not links and was[0].ids != links.ids):
                last = {}  # an id came or went: any page may link to it
                break
    now: dict[str, tuple[PageScan, tuple[Any, ...]]] = {}
    # A link not relative to its page resolves alike on every page: resolve it once.
    resolved: dict[str | tuple[str, str], str] = {}
    for name, parser in sorted(pages.items()):
        was = last.get(name)
        if was is not None and was[0] is parser:
            problems = was[1]
        else:
            found = []
            for href in sorted(set(parser.links) - from_content):
                key = href if href.startswith(("/", "http:", "https:", "mailto:")) else (name, href)
                known = resolved.get(key)
                problem = (
                    known if known is not None else _resolve(href, name, base_path, files, pages)
                )
                resolved[key] = problem
                if problem:
                    found.append((href, problem))
            problems = tuple(found)
        now[name] = (parser, problems)
        for href, problem in problems:
            broken += 1
            message = f"broken link on /{name}: {href} ({problem})"
            source, line = _locate(href, sources.get(name, name), texts or {})
            report(source, line, message)
    if kept is not None:
        kept.clear()
        kept.update({"": world, "pages": now})
    return broken


def _line_of(link: str, where: Where, texts: Mapping[str, str]) -> int:
    """The line the link is written on: at or after the line its field starts on."""
    text = texts.get(where.path, "")
    start = 0
    for _ in range(max(where.line - 1, 0)):
        start = text.find("\n", start) + 1
        if start == 0:
            return where.line
    at = text.find(f"]({link}", start)
    return text.count("\n", 0, at) + 1 if at != -1 else where.line


def _locate(link: str, page_source: str, texts: Mapping[str, str]) -> tuple[str, int]:
    """Where a link made on a page was written: a Markdown link in a content file, if one has it
    (a link relative to the page it is shown on); otherwise the page's own source (its report or
    its template)."""
    for path in [page_source, *sorted(texts)]:
        text = texts.get(path, "")
        at = text.find(f"]({link})")
        if at != -1:
            return path, text.count("\n", 0, at) + 1
    return page_source, 0


def _resolve(
    link: str, page: str, base_path: str, files: Mapping[str, bytes], pages: dict[str, PageScan]
) -> str:
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith("mailto:"):
        return ""
    if not parts.path:
        target = page
    elif parts.path.startswith("/"):
        # As a browser resolves it: `/history/../other/` leads to `/other/`, outside `/history/`.
        path = posixpath.normpath(parts.path) + ("/" if parts.path.endswith("/") else "")
        path = "/" + path.lstrip("/")
        if not (path.startswith(base_path) or path + "/" == base_path):
            return f"outside the base path {base_path}"
        target = path[len(base_path) :]
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
        if not pages[target].has_id(unquote(parts.fragment)):
            return f"no element with id '{parts.fragment}'"
    return ""
