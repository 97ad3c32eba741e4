"""Running the lab's experiments inside a server: torch's thread count and grad mode, per step.

A server resumes a generator on whichever worker thread is free, and both the thread count and the
grad mode belong to a thread (../shared/STACK-NOTES.md): a context held across a `yield` is entered
on one thread and left on another, and a `no_grad` left open leaves its thread unable to train.
"""

from __future__ import annotations

from contextlib import contextmanager, nullcontext
from typing import Iterator

import torch


@contextmanager
def torch_threads(n: int):
    """Run torch ops on `n` threads, then restore the count. The live games' tiny ops gain
    nothing from a second thread and lose ~6x to it on a busy two-core machine (measured)."""
    old = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(old)


def stepwise(frames: Iterator, threads: int | None = 1) -> Iterator:
    """Yield `frames`' items, computing each on `threads` torch threads (None: as many as the
    thread has) with autograd on. Every step is computed inside the contexts, and the contexts are
    closed before the step is yielded."""
    while True:
        with torch_threads(threads) if threads else nullcontext(), torch.enable_grad():
            try:
                item = next(frames)
            except StopIteration:
                return
        yield item
