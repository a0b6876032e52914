"""The one URL policy for everything content can link to: what may reach an `href` or a `src`.

Allowed: `http://` and `https://` addresses, `mailto:` addresses (links only) and paths on this
site. Everything else is refused, judged the way a browser reads the URL rather than the way it is
written: HTML entities decoded, tabs and line breaks inside it ignored, case folded, a backslash
read as a slash. So `&#106;avascript:`, `JaVaScRiPt:` and `java&#x09;script:` are all `javascript:`,
and `/\\host` is a link to another host, as `//host` is.

Pure: strings in, verdicts out. The Markdown pipeline (`text.py`), the record fields (`fields.py`)
and the site settings call it; nothing else decides whether a URL is safe.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

ALLOWED_SCHEMES = ("http", "https", "mailto")
LINK_HINT = "a link may be an http:// or https:// address, a mailto: address or a path on this site"
IMAGE_HINT = "an image may be an http:// or https:// address or a path on this site"

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


@dataclass(frozen=True, slots=True)
class UrlVerdict:
    """What a URL is (`internal`, `external`, `mailto`), or why it is refused."""

    kind: str  # "internal", "external", "mailto" or "refused"
    problem: str = ""  # for a refused URL: what is wrong, to follow the URL in a message
    hint: str = ""

    @property
    def ok(self) -> bool:
        return self.kind != "refused"


def _refused(problem: str, hint: str = LINK_HINT) -> UrlVerdict:
    return UrlVerdict("refused", problem, hint)


def _invisible(ch: str) -> bool:
    # Controls, spaces and format characters (zero-width, bidi overrides): a browser drops some of
    # them silently and shows others as nothing, so a URL that holds any is refused.
    return unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp")


def browser_view(url: str) -> str:
    """The URL as a browser acts on it: entities decoded, outer controls and spaces stripped,
    tabs and line breaks inside removed (the WHATWG URL parser's first steps)."""
    seen = html.unescape(url)
    seen = seen.strip("".join(chr(c) for c in range(0x21)))
    return re.sub(r"[\t\n\r]", "", seen)


def check_url(url: str, image: bool = False) -> UrlVerdict:
    """Judge one URL from content; `image` for an image source, where `mailto:` makes no sense."""
    hint = IMAGE_HINT if image else LINK_HINT
    if any(_invisible(ch) for ch in html.unescape(url)):
        return _refused(
            "contains a space, a line break or an invisible character",
            "remove it; a space inside an address is written %20",
        )
    seen = browser_view(url)
    slashed = seen.replace("\\", "/")
    match = _SCHEME.match(slashed)
    hidden = _SCHEME.match(unquote(slashed))
    if match is None and hidden and hidden.group(1).lower() not in ALLOWED_SCHEMES:
        # `%6Aavascript:` is a harmless path to a browser, but never what an editor meant.
        return _refused(f"uses the scheme '{hidden.group(1).lower()}:', which is not allowed", hint)
    if match is None:
        if slashed.startswith("//"):
            host = _host(slashed)
            if host is None:
                return _refused("is not a valid address (an unclosed '[')", hint)
            if "\\" in seen:
                return _refused(
                    "leads to another host but is written with a backslash",
                    f"write the full address, such as https://{host or 'example.org'}/",
                )
            return UrlVerdict("external")
        if "\\" in seen:
            return _refused("contains a backslash, which browsers read as '/'", "write '/' instead")
        return UrlVerdict("internal")
    scheme = match.group(1).lower()
    if scheme not in ALLOWED_SCHEMES or (image and scheme == "mailto"):
        return _refused(f"uses the scheme '{scheme}:', which is not allowed", hint)
    if scheme == "mailto":
        return UrlVerdict("mailto")
    rest = slashed[match.end() :]
    if not rest.startswith("//"):
        host = rest.lstrip("/").split("/", 1)[0] or "example.org"
        return _refused(
            f"has no '//' after '{scheme}:', so browsers disagree on where it leads",
            f"write {scheme}://{host}",
        )
    if "\\" in seen:
        return _refused("contains a backslash, which browsers read as '/'", "write '/' instead")
    host = _host(slashed)
    if host is None:
        return _refused("is not a valid address (an unclosed '[')", hint)
    if not host:
        return _refused(f"has no host after '{scheme}://'", hint)
    return UrlVerdict("external")


def _host(url: str) -> str | None:
    """The host part of an address, or None when it cannot be parsed (an unclosed `[`)."""
    try:
        return urlsplit(url).netloc
    except ValueError:
        return None


def check_site_url(url: str) -> UrlVerdict:
    """Judge the site's own address: an absolute http:// or https:// URL, on one line."""
    verdict = check_url(url)
    if (verdict.ok and verdict.kind != "external") or url.startswith("//"):
        return _refused(
            "must start with http:// or https://",
            "the address readers visit, like https://example.org/",
        )
    return verdict


def check_base_path(path: str) -> UrlVerdict:
    """Judge the sub-path the site is hosted under: a path on the site's own host, and only that."""
    hint = "a base path is a path on the site's host, such as /history/"
    verdict = check_url(path)
    if verdict.kind == "external":
        return _refused("leads to another host, and every link of the site would follow it", hint)
    if verdict.ok and (verdict.kind != "internal" or "?" in path or "#" in path):
        return _refused("must be a path with no scheme, '?' or '#'", hint)
    return verdict if verdict.ok else _refused(verdict.problem, hint)


def shown(url: str, limit: int = 60) -> str:
    """A URL as a message may quote it: control characters made visible, cut to `limit`."""
    visible = "".join(_visible(ch) for ch in url)
    return visible if len(visible) <= limit else visible[: limit - 1] + "…"


def _visible(ch: str) -> str:
    if not unicodedata.category(ch).startswith("C"):
        return ch
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def url_message(subject: str, url: str, verdict: UrlVerdict) -> str:
    """One diagnostic line: `link 'javascript:x' uses the scheme 'javascript:', … (hint: …)`."""
    hint = f" (hint: {verdict.hint})" if verdict.hint else ""
    return f"{subject} '{shown(url)}' {verdict.problem}{hint}"
