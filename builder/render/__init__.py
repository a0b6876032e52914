"""Render: views and templates to HTML, data files, feeds and the search index (pure)."""
