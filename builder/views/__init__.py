"""Views: plan every page once as the frozen view its template shows (pure)."""
