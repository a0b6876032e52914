"""What the live preview asks of a build while it runs: the preview's side of the memo.

The preview (`builder.publish.serve`) owns this protocol and implements it; a build only calls
what is set. It imports nothing of the builder's, so the memo and the stages below the preview
can name it without an import upward.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

Pages = Callable[[dict[str, bytes]], None]


class PreviewHooks(Protocol):
    """`show_first`: given the pages of the few reports a build finds changed, rendered as soon as
    the model is made, before the rest of the site. `search_later`: a changed search index is
    made in the background and handed to it, while the build goes on with the previous index,
    so a save shows at once. Builds that write never set either."""

    show_first: Pages | None
    search_later: Pages | None


@dataclass
class Hooks:
    """Hooks as a build without a preview has them (none), and as the preview fills them in."""

    show_first: Pages | None = None
    search_later: Pages | None = None
