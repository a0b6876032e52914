"""The worker pool, by the name callers knew it by: see `builder.incremental.pool`."""

from builder.incremental.pool import GC_THRESHOLD, MIN_TASKS, Workers, fewer_collections

__all__ = ["GC_THRESHOLD", "MIN_TASKS", "Workers", "fewer_collections"]
