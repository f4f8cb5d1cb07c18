"""Scale-out (issue #18, part 7): two dispatchers and two workers, real processes sharing one database
and one Redis, hand out and deliver a batch of deliveries: every delivery is made exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from bundler.extensions import db
from bundler.models import AuditEntry, Delivery, Department, Task
from bundler.queues import department_queue_name

from processes import clean_env
from testapp import accept_by_api

pytestmark = pytest.mark.slow


def _start(app_config, *command: str) -> subprocess.Popen:
    env = clean_env(
        DATABASE_URL=app_config["DATABASE_URL"],
        REDIS_URL=app_config["REDIS_URL"],
        BUNDLER_INSTANCE_PATH=app_config["INSTANCE_PATH"],
    )
    return subprocess.Popen(
        [sys.executable, "-m", "bundler", *command],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
    )


def test_two_dispatchers_and_two_workers_deliver_each_delivery_once(app_config, client, window_token):
    for _ in range(3):
        accept_by_api(client, window_token)
    scjg = db.session.scalar(select(Department.id).where(Department.code == "SCJG"))
    ready = db.session.scalars(select(Task).where(Task.department_id == scjg, Task.status == "ready")).all()
    assert ready
    # handed again, as after a 补正 or a corrected result: pending, for the dispatchers to hand out
    for _ in range(20):
        for task in ready:
            db.session.add(Delivery(task=task, queue=department_queue_name("SCJG")))
    db.session.commit()
    total = db.session.scalar(select(func.count(Delivery.id)))

    processes = [
        *(_start(app_config, "dispatch", "--interval", "0.2") for _ in range(2)),
        *(_start(app_config, "worker", department_queue_name("SCJG")) for _ in range(2)),
    ]
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            db.session.rollback()
            waiting = db.session.scalar(select(func.count(Delivery.id)).where(Delivery.status != "delivered"))
            if not waiting:
                break
            assert all(p.poll() is None for p in processes), "a dispatcher or worker stopped"
            time.sleep(0.3)
        assert not waiting, f"{waiting} of {total} deliveries were never delivered"
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:  # still starting up when told to stop
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
    db.session.rollback()
    attempts = db.session.scalars(select(Delivery.attempts)).all()
    assert len(attempts) == total and set(attempts) == {1}  # each delivered once, none twice
    delivered = db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "delivered"))
    assert delivered == total
