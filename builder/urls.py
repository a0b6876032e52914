"""The one place that knows URLs and output paths."""

from __future__ import annotations

ROUTES = {
    "home": "",
    "timeline": "timeline/",
    "reports": "reports/",
    "report": "reports/{id}/",
    "themes": "themes/",
    "theme": "themes/{id}/",
    "recommendations": "recommendations/",
    "recommendation": "recommendations/{id}/",
    "about": "about/",
    "data": "data/",
    "accessibility": "accessibility/",
    "data_file": "data/{id}",
    "asset": "assets/{id}",
    "feed": "feed.xml",
    "sitemap": "sitemap.xml",
    "robots": "robots.txt",
    "not_found": "404.html",
}


class Urls:
    """Make site URLs under a base path (`/` or `/history/`), and the files they are written to."""

    def __init__(self, base_path: str = "/", absolute_base: str = "") -> None:
        self.base_path = base_path if base_path.endswith("/") else base_path + "/"
        self.absolute_base = absolute_base.rstrip("/")

    def path(self, kind: str, id: str = "") -> str:
        """The site-relative path, without the base path: `reports/2013-07-x/`."""
        return ROUTES[kind].format(id=id)

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
