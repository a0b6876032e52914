"""Load: read the project's files from disk, and YAML with line numbers (the only stage that reads input)."""
