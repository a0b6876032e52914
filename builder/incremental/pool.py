"""Spread the work that dominates a large build (parsing, Markdown with anchoring, rendering pages)
over all cores, with output identical to a serial build.

Every task is a pure function of its arguments, and results are put back in input order, so the
pool changes how long a build takes and nothing else. Workers are started with `spawn`, so they
share no state with the parent but what each task is given. The tasks are the stages' own
(`parse_reports`, `render_bodies`, `render_notes`, `render_pages`): the pool knows none of them.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any

# Below this many tasks a pool costs more to start than it saves.
MIN_TASKS = 64

# A build makes millions of small objects that live until its end and hold no cycles to speak of:
# Python's default of a collection every 700 allocations spends a sixth of a large build looking
# for garbage there is not. A build collects less often; memory stays about the same.
GC_THRESHOLD = 50_000


# glibc's allocator raises the size from which it maps a block on its own to the largest block it
# has seen freed, so after the first megabyte-sized result or view the rest come from its heap,
# which fragments and never shrinks: a tenth of a large build's peak memory. Fixed at 256 KB,
# large blocks go back to the system when freed. (Elsewhere, this is a no-op.)
_M_MMAP_THRESHOLD = -3
_MAP_FROM = 256 * 1024


def unmap_large_blocks() -> None:
    """Have the C allocator give every block of 256 KB or more back to the system when freed."""
    with contextlib.suppress(Exception):  # not glibc, or no C library to ask: nothing to tune
        libc = ctypes.CDLL(None)
        if hasattr(libc, "mallopt"):
            libc.mallopt(_M_MMAP_THRESHOLD, _MAP_FROM)


def give_back_freed() -> None:
    """Have the C allocator give the system the pages freed inside its heap: after a build lets
    a large part of its data go, its peak comes later, and those pages would stay counted as the
    process's own until reused, piece by piece. (Elsewhere than glibc, a no-op.)"""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None)
        if hasattr(libc, "malloc_trim"):
            libc.malloc_trim(0)


def to_send(text: str) -> bytes:
    """A text as a task sends it to the workers: UTF-8 bytes. Pickled as a `str`, a text with
    any character beyond ASCII gets a UTF-8 copy that CPython keeps with it for as long as it
    lives: a national site's reports, held by the model and the preview, were held half again."""
    return text.encode("utf-8")


def received(text: str | bytes) -> str:
    """A text as a task was given it (`to_send`), or as it was when the task ran here."""
    return text if isinstance(text, str) else text.decode("utf-8")


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect garbage less often while a build runs; the old setting afterwards."""
    unmap_large_blocks()
    before = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _start_worker() -> None:
    unmap_large_blocks()
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])


class Workers:
    """A lazily started process pool, or none at all for small jobs and `jobs=1`."""

    def __init__(self, jobs: int | None = None, min_tasks: int = MIN_TASKS) -> None:
        self.jobs = jobs if jobs is not None else (os.cpu_count() or 1)
        self.min_tasks = min_tasks
        self._pool: Executor | None = None

    @property
    def started(self) -> bool:
        """Whether the pool's processes are running already (sending them work costs no start)."""
        return self._pool is not None

    def parallel(self, tasks: int) -> bool:
        """Whether this many tasks are worth the pool."""
        return self.jobs > 1 and tasks >= self.min_tasks

    def map(
        self, function: Callable[[list[Any]], list[Any]], items: Sequence[Any], chunk: int = 0
    ) -> list[Any]:
        """`function` over chunks of `items`, results flattened in input order."""
        if not self.parallel(len(items)) and chunk != 1:
            return function(list(items))
        pool = self._start()
        size = chunk or max(1, -(-len(items) // (self.jobs * 4)))
        chunks = [list(items[i : i + size]) for i in range(0, len(items), size)]
        out: list[Any] = []
        for part in pool.map(function, chunks):
            out.extend(part)
        return out

    def submit(
        self, function: Callable[[list[Any]], list[Any]], items: list[Any]
    ) -> Future[list[Any]]:
        """Start `function(items)` in the pool; its result comes back as a future."""
        return self._start().submit(function, items)

    def _start(self) -> Executor:
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                self.jobs, mp_context=context, initializer=_start_worker
            )
        return self._pool

    def close(self) -> None:
        """Stop the pool's processes."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
