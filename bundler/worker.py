"""rq workers that run jobs inside the Flask application context."""

from __future__ import annotations

import gc
import os
from typing import Any

from flask import Flask
from rq import Worker
from sqlalchemy import select

from .extensions import db
from .queues import all_queue_names
from .redis_conn import get_redis


class AppWorker(Worker):
    """Runs each job in an app context; a forked work horse opens its own database connections."""

    flask_app: Flask

    def perform_job(self, job: Any, queue: Any) -> bool:
        with self.flask_app.app_context():
            if os.getpid() != self._parent_pid:
                db.engine.dispose(close=False)  # connections of the parent must not be shared across fork
            return super().perform_job(job, queue)

    def work(self, *args: Any, **kwargs: Any) -> bool:
        self._parent_pid = os.getpid()
        return super().work(*args, **kwargs)


def default_queue_names() -> list[str]:
    from .models import Department

    return all_queue_names(list(db.session.scalars(select(Department.code))))


def make_worker(app: Flask, queue_names: list[str] | None = None) -> AppWorker:
    from .documents import warm_up

    with app.app_context():
        names = queue_names or default_queue_names()
        worker = AppWorker(names, connection=get_redis(app))
        warm_up()  # load fonts and templates once, before rq forks a work horse per job
    gc.freeze()  # what the parent holds is never garbage: keep it out of every collection in the horses
    worker.flask_app = app
    return worker


def run_worker(app: Flask, queue_names: list[str], *, burst: bool = False) -> bool:
    worker = make_worker(app, queue_names)
    return worker.work(burst=burst, with_scheduler=not burst)
