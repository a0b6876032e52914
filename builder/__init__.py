"""A static site generator for annotated inspection histories.

The distribution is `inspection-history` and its version comes from the release's git tag
(setuptools-scm): `builder.version()` reads it from the installed metadata.
"""

from __future__ import annotations

DISTRIBUTION = "inspection-history"


def version() -> str:
    """The installed version, such as 0.2.0; "unknown" when run from a checkout never installed."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed(DISTRIBUTION)
    except PackageNotFoundError:
        return "unknown"


def __getattr__(name: str) -> str:
    """`builder.__version__`, read from the installed metadata when first asked for."""
    if name == "__version__":
        return version()
    raise AttributeError(f"module 'builder' has no attribute {name!r}")
