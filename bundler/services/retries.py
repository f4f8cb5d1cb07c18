"""The one retry schedule of deliveries and notices. The time of the next attempt is stored with the
row and the dispatcher hands the row out again when it comes (rq itself never retries), so the
schedule survives a Redis restart and nothing tries twice on two clocks."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from ..clock import utcnow


def next_attempt(attempts: int, max_attempts: int) -> datetime | None:
    """When to try again after ``attempts`` failed tries, or None when they have run out. The n-th
    retry waits the n-th of DELIVERY_RETRY_INTERVALS seconds (the last repeats)."""
    if attempts >= max_attempts:
        return None
    intervals: list[int] = current_app.config["DELIVERY_RETRY_INTERVALS"]
    return utcnow() + timedelta(seconds=intervals[min(attempts, len(intervals)) - 1])
