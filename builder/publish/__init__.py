"""Publish: write the output atomically, and the live preview."""
