"""A department's work on its task, and what it releases: serial steps start only when their
predecessors are done (graphs/ decides readiness), a rejection blocks only what depends on it, and the
application completes when every step is finished."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

import graphs

from .. import clock
from ..catalogue import definitions
from ..clock import utcnow
from ..models import Application, Task
from ..states import ApplicationState, TaskState
from .audit import audit
from .notifications import notify
from .outbox import open_deliveries

OUTCOMES = ("approved", "rejected")


class TaskError(ValueError):
    """An action the task's state does not allow; the message is Chinese."""


def _state(task: Task) -> dict[str, Any]:
    return {"status": task.status, "results": dict(task.results or {}), "reason": task.reason}


def start(session: Session, task: Task, actor: str) -> None:
    """受理 by the department: the task is being worked on."""
    if task.status != TaskState.READY:
        raise TaskError(f"事项当前状态为“{task.status_label}”，不能开始办理")
    before = _state(task)
    task.status = TaskState.IN_PROGRESS
    task.started_at = utcnow()
    audit(session, actor, "start", task, before=before, after=_state(task))


def complete(
    session: Session,
    task: Task,
    outcome: str,
    *,
    actor: str,
    results: Mapping[str, Any] | None = None,
    reason: str | None = None,
) -> list[Task]:
    """Approve (with the results the item produces) or reject (with a reason); returns the tasks released."""
    if outcome not in OUTCOMES:
        raise TaskError("办理结果只能是 approved（准予）或 rejected（不予）")
    if task.status not in (TaskState.READY, TaskState.IN_PROGRESS):
        raise TaskError(f"事项当前状态为“{task.status_label}”，不能办结")
    if outcome == "rejected" and not (reason or "").strip():
        raise TaskError("不予许可须说明理由")
    results = dict(results or {})
    problems = _result_problems(session, task, results) if outcome == "approved" else []
    if problems:
        raise TaskError("；".join(problems))
    before = _state(task)
    task.status = TaskState.DONE if outcome == "approved" else TaskState.REJECTED
    task.results = results
    task.reason = (reason or "").strip() or None
    task.finished_at = utcnow()
    audit(session, actor, outcome, task, before=before, after=_state(task))
    decided = "准予" if outcome == "approved" else f"不予许可（{task.reason}）"
    notify(session, task.application, "result", item=task.item_version.name, outcome=decided)
    return release(session, task.application, actor)


def _result_problems(session: Session, task: Task, results: dict[str, Any]) -> list[str]:
    """Results must be the fields this item produces inside the bundle (by merged key)."""
    schema = definitions.schema_for(session, task.application)
    produced = {f.key: f for f in schema.fields if f.produced_by == task.item.code}
    problems = [f"“{key}”不是本事项产生的结果" for key in results if key not in produced]
    missing = [f.label for key, f in produced.items() if key not in results or results[key] in (None, "")]
    if missing:
        problems.append("请填写本事项产生的结果：" + "、".join(missing))
    return problems


def request_supplement(session: Session, task: Task, note: str, *, actor: str) -> None:
    """补正: pause this branch (its clock stops) and tell the applicant once everything needed."""
    if task.status not in (TaskState.READY, TaskState.IN_PROGRESS):
        raise TaskError(f"事项当前状态为“{task.status_label}”，不能要求补正")
    if not note.strip():
        raise TaskError("请一次性写明需要补正的全部内容")
    before = _state(task)
    task.status = TaskState.PAUSED
    task.paused_at = utcnow()
    task.reason = note.strip()
    audit(session, actor, "request_supplement", task, before=before, after=_state(task))
    notify(session, task.application, "supplement", item=task.item_version.name, reason=task.reason)


def resume(session: Session, task: Task, *, actor: str) -> None:
    """The supplement is in: the clock runs again and the due date moves by the days paused."""
    if task.status != TaskState.PAUSED or task.paused_at is None:
        raise TaskError("该事项没有暂停")
    before = _state(task)
    paused_from = clock.local(task.paused_at).date()
    days = graphs.working_days_between(paused_from, clock.today(), estimate=True)
    task.paused_days += days
    if task.due_date is not None:
        task.due_date = graphs.add_working_days(task.due_date, days, estimate=True).date
    task.status = TaskState.IN_PROGRESS if task.started_at else TaskState.READY
    task.paused_at = None
    audit(session, actor, "resume", task, before=before, after={**_state(task), "paused_days": days})


def release(session: Session, application: Application, actor: str) -> list[Task]:
    """Make ready whatever graphs/ says is ready now; complete the application when all is finished."""
    planned = definitions.plan_for(session, application)
    states = {t.item.code: t.status for t in application.tasks if t.item.code in set(planned.steps)}
    view = graphs.evaluate(planned, states)
    released = []
    today = clock.today()
    for task in application.tasks:
        if task.item.code in view.ready and task.status == TaskState.WAITING:
            task.status = TaskState.READY
            task.ready_at = utcnow()
            task.due_date = graphs.step_due(today, task.item_version.promised_days, estimate=True).date
            audit(session, actor, "released", task, after=_state(task))
            released.append(task)
    session.flush()
    open_deliveries(session, application)
    if view.complete and application.status in (ApplicationState.ACCEPTED, ApplicationState.ACCEPTED_PENDING):
        application.status = ApplicationState.COMPLETED
        application.completed_at = utcnow()
        notify(session, application, "completed")
    return released
