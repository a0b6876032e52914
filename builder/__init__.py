"""A static site generator for annotated inspection histories."""

__version__ = "0.1.0"
