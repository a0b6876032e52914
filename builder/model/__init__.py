"""Model: anchor passages, derive histories and statuses, and check every reference (pure)."""
