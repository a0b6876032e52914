"""The incremental layer: what lets a rebuild do only what an edit affects, with output identical
to a cold build.

- `codec`: canonical keys (the same in every process, under any hash seed) and data-only values.
- `store`: bytes kept on disk, sealed with a key kept outside every project.
- `pool`: the worker pool, which runs the stages' own pure tasks and keeps their order.

It imports nothing of the stages: the stages, the memo's tables and the pipeline build on it.
"""
