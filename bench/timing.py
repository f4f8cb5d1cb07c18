"""Timing helpers shared by the benchmarks (imported as ``timing``: each script's folder is on the path)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def percentile(values: list[float], q: float) -> float:
    """The q-quantile of the values (nearest rank); NaN when there are none."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else float("nan")


def timed(fn: Callable[[], Any], runs: int, warmup: int = 5) -> tuple[float, float]:
    """Median and p99 in ms of ``runs`` calls, after ``warmup`` calls that are not counted."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), percentile(samples, 0.99)
