"""rq queue names, kept in one place: one queue per department, plus the system queues."""

from __future__ import annotations

from rq import Queue

from .redis_conn import get_redis

DEPARTMENT_PREFIX = "dept:"
DOCUMENTS_QUEUE = "documents"  # PDF rendering
SYSTEM_QUEUE = "system"  # housekeeping


def department_queue_name(department_code: str) -> str:
    return f"{DEPARTMENT_PREFIX}{department_code}"


def queue(name: str) -> Queue:
    return Queue(name, connection=get_redis())


def department_queue(department_code: str) -> Queue:
    return queue(department_queue_name(department_code))


def all_queue_names(department_codes: list[str]) -> list[str]:
    """Every queue a worker for the whole installation listens to, most urgent first."""
    return [*(department_queue_name(c) for c in sorted(department_codes)), DOCUMENTS_QUEUE, SYSTEM_QUEUE]
