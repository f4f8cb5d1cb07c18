"""rq queue names, kept in one place: one queue per department, plus the system queues.

A department whose channel posts to its own system (a webhook) has its queue under ``remote:``, the
others under ``dept:``. ``bundler serve`` runs one worker for the local queues (inbox deliveries,
documents, housekeeping) and another for the remote ones, so an inbox delivery never waits behind
a department system that hangs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from rq import Queue

from .redis_conn import get_redis

DEPARTMENT_PREFIX = "dept:"
REMOTE_PREFIX = "remote:"
WORKER_KINDS = ("local", "remote")  # what ``bundler worker --kind`` accepts (see all_queue_names)
DOCUMENTS_QUEUE = "documents"  # PDF rendering
SYSTEM_QUEUE = "system"  # housekeeping


def department_queue_name(department_code: str) -> str:
    """The queue of a department whose tasks are delivered locally (its inbox pages)."""
    return f"{DEPARTMENT_PREFIX}{department_code}"


def remote_queue_name(department_code: str) -> str:
    """The queue of a department whose tasks are posted to its own system."""
    return f"{REMOTE_PREFIX}{department_code}"


def delivery_queue_name(department_code: str, *, remote: bool) -> str:
    return remote_queue_name(department_code) if remote else department_queue_name(department_code)


def queue(name: str) -> Queue:
    return Queue(name, connection=get_redis())


def all_queue_names(department_codes: list[str], kind: str | None = None) -> list[str]:
    """The queues a worker listens to, most urgent first: the local ones (``kind="local"``), the
    remote ones (``"remote"``) or all of them."""
    codes = sorted(department_codes)
    local = [*(department_queue_name(c) for c in codes), DOCUMENTS_QUEUE, SYSTEM_QUEUE]
    remote = [remote_queue_name(c) for c in codes]
    return {"local": local, "remote": remote}.get(kind or "", [*local, *remote])


class Job(NamedTuple):
    """One job to hand to rq: the queue, the entry point in ``bundler.jobs``, the row id it works on,
    and the job id (so that a repeat is recognised)."""

    queue: str
    func: str
    row_id: int
    job_id: str


def enqueue_all(jobs: Iterable[Job], *, result_ttl: int | None = None) -> None:
    """Hand the jobs to Redis in one round trip. Raises ``RedisError``/``OSError`` when Redis refuses:
    the caller's rows stay where they are and are handed out again later."""
    options: dict[str, Any] = {}
    if result_ttl is not None:
        options["result_ttl"] = result_ttl
    connection = get_redis()
    with connection.pipeline() as pipe:
        for job in jobs:
            queue(job.queue).enqueue(job.func, job.row_id, job_id=job.job_id, pipeline=pipe, **options)
        pipe.execute()
