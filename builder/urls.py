"""The one place that knows URLs and output paths."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Hosts reserved for examples: a site published with one of these has no real address.
PLACEHOLDER_HOSTS = {"example.org", "example.com", "example.net"}

ROUTES = {
    "home": "",
    "timeline": "timeline/",
    "reports": "reports/",
    "report": "reports/{id}/",
    "themes": "themes/",
    "theme": "themes/{id}/",
    # One organisation's passages on a theme: its id is the theme's and the organisation's.
    "theme_organisation": "themes/{theme}/{organisation}/",
    "recommendations": "recommendations/",
    "recommendation": "recommendations/{id}/",
    # Sites of several organisations only.
    "organisations": "organisations/",
    "organisation": "organisations/{id}/",
    "organisation_feed": "organisations/{id}/feed.xml",
    "organisations_overview": "organisations/overview/",
    "organisations_region": "organisations/region/{id}/",
    "organisations_grade": "organisations/grade/{id}/",
    # Both at once: its id is the region's and the grade's, joined by "/" (`facets_id`).
    "organisations_region_grade": "organisations/region/{region}/grade/{grade}/",
    "about": "about/",
    "data": "data/",
    "accessibility": "accessibility/",
    "data_file": "data/{id}",
    "asset": "assets/{id}",
    "feed": "feed.xml",
    "sitemap": "sitemap.xml",
    "robots": "robots.txt",
    "not_found": "404.html",
    "search": "search/",
    "search_bundle": "pagefind/{id}",
}


def facets_id(*ids: str) -> str:
    """The id of a page whose route takes several ids (`organisations_region_grade`)."""
    return "/".join(ids)


def split_address(address: str) -> tuple[str, str]:
    """Split a full public address into the origin and the base path.

    `https://someone.github.io/history` -> (`https://someone.github.io`, `/history/`). Raises
    ValueError with a message for anything that is not an http(s) address.
    """
    parts = urlsplit(address.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"the site address must start with http:// or https://, not '{address}'")
    if parts.query or parts.fragment:
        raise ValueError(f"the site address must not have a query or #fragment: '{address}'")
    path = parts.path if parts.path.startswith("/") else "/" + parts.path
    return f"{parts.scheme}://{parts.netloc}", path.rstrip("/") + "/"


def is_placeholder(origin: str) -> bool:
    """Whether an origin is missing or a reserved example host, not a real public address."""
    host = (urlsplit(origin).hostname or "").removeprefix("www.")
    return not host or host in PLACEHOLDER_HOSTS


class Urls:
    """Make site URLs under a base path (`/` or `/history/`), and the files they are written to.

    The public address is `origin + base_path`: the origin (`https://someone.github.io`) never
    carries a path, so the sub-path is written once.
    """

    def __init__(self, base_path: str = "/", origin: str = "") -> None:
        self.base_path = base_path if base_path.endswith("/") else base_path + "/"
        self.absolute_base = origin.rstrip("/")  # the origin only: the path is base_path

    def path(self, kind: str, id: str = "") -> str:
        """The site-relative path, without the base path: `reports/2013-07-x/`."""
        route = ROUTES[kind]
        if "{id}" in route or "{" not in route:
            return route.format(id=id)
        # A route of several ids takes them joined by "/", in the order it names them.
        names = re.findall(r"\{(\w+)\}", route)
        return route.format(**dict(zip(names, id.split("/"), strict=True)))

    def __call__(self, kind: str, id: str = "", anchor: str = "") -> str:
        """The URL for a page: `url_for('report', '2013-07-x', 'p14')` -> `/reports/2013-07-x/#p14`."""
        return self.base_path + self.path(kind, id) + (f"#{anchor}" if anchor else "")

    def absolute(self, kind: str, id: str = "", anchor: str = "") -> str:
        """The full URL, for the feed and sitemap; a root-relative one when no site url is set."""
        return self.absolute_base + self(kind, id, anchor)

    def output_file(self, kind: str, id: str = "") -> str:
        """The file a page is written to, relative to the output folder."""
        path = self.path(kind, id)
        return path + "index.html" if path.endswith("/") or not path else path
