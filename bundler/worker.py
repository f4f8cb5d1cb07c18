"""rq workers that run jobs inside the Flask application context."""

from __future__ import annotations

from typing import Any

from flask import Flask
from rq import SimpleWorker
from sqlalchemy import select

from . import freeze_startup_heap
from .extensions import db
from .queues import all_queue_names
from .redis_conn import get_redis


class AppWorker(SimpleWorker):
    """Runs each job in the worker process itself, inside an app context.

    Jobs are short (a delivery, one PDF), so forking a work horse per job would cost more than the
    job: a fork and a new database connection each time. The pool and the loaded fonts and templates
    are reused instead; rq's timeouts still apply. A worker that dies loses no work: its deliveries
    are handed out again by the dispatcher, its documents by the next request for them.
    """

    flask_app: Flask

    def perform_job(self, job: Any, queue: Any) -> bool:
        with self.flask_app.app_context():
            return super().perform_job(job, queue)


def default_queue_names(kind: str | None = None) -> list[str]:
    """Every department's queues of one kind (``local`` / ``remote``), or of both."""
    from .models import Department

    return all_queue_names(list(db.session.scalars(select(Department.code))), kind)


def make_worker(app: Flask, queue_names: list[str] | None = None, *, kind: str | None = None) -> AppWorker:
    from .documents import warm_up

    with app.app_context():
        names = queue_names or default_queue_names(kind)
        worker = AppWorker(names, connection=get_redis(app))
        warm_up()  # load fonts and templates once, not in the first job
    worker.flask_app = app
    return worker


def run_worker(app: Flask, queue_names: list[str], *, kind: str | None = None, burst: bool = False) -> bool:
    worker = make_worker(app, queue_names, kind=kind)
    freeze_startup_heap()  # a long-running worker: what it loaded to start is never garbage
    # No rq scheduler: nothing is scheduled in Redis. Retries wait in the database (services/retries.py)
    # and the dispatcher hands them out, so a Redis restart loses no schedule.
    return worker.work(burst=burst, with_scheduler=False)
