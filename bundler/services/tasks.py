"""A department's work on its task, and what it releases: serial steps start only when their
predecessors are done (graphs/ decides readiness), a rejection blocks exactly what depends on it, and the
application finishes when nothing can move any more: ``completed`` when every step succeeded,
``partly_done`` when some were refused. Results are checked by the data dictionary, and a wrong one is
corrected: audited, and handed again to every department that received the old value."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx
from sqlalchemy.orm import Session

import graphs

from .. import clock
from ..catalogue import definitions
from ..clock import utcnow
from ..models import Application, Delivery, Task
from ..states import ApplicationState, TaskState, Verification
from . import commitments, deferrals, monitoring, work_calendar
from . import results as results_service
from .audit import audit
from .notifications import notify
from .outbox import new_delivery, open_deliveries

OUTCOMES = ("approved", "rejected")


class TaskError(ValueError):
    """An action the task's state does not allow, or input that does not pass; the message is Chinese,
    ``errors`` names the fields (merged keys, or ``documents.N``) when there are any."""

    def __init__(self, message: str, errors: Mapping[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.errors = dict(errors or {})


def _state(task: Task) -> dict[str, Any]:
    state = {"status": task.status, "results": dict(task.results or {}), "reason": task.reason}
    if task.verify_due is not None:
        state.update(verify_due=task.verify_due.isoformat(), verification=task.verification)
    return state


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
    documents: Sequence[tuple[str, bytes]] = (),
) -> list[Task]:
    """Approve (with the results the item produces, checked by the data dictionary, and the documents
    it issues) or reject (with a reason); returns the tasks released."""
    if outcome not in OUTCOMES:
        raise TaskError("办理结果只能是 approved（准予）或 rejected（不予）")
    if task.status not in (TaskState.READY, TaskState.IN_PROGRESS):
        raise TaskError(f"事项当前状态为“{task.status_label}”，不能办结")
    if outcome == "rejected" and not (reason or "").strip():
        raise TaskError("不予许可须说明理由", {"reason": ["不予许可须说明理由"]})
    if outcome == "approved" and (owing := deferrals.owed_for(session, task)):
        names = "、".join(f"“{m.name}”（{m.status_label}）" for m in owing)
        raise TaskError(f"容缺材料{names}尚未补交并经确认，暂不能准予；可先行审查，材料确认后再办结")
    try:
        checked = (
            results_service.checked_results(session, task, dict(results or {}))
            if outcome == "approved"
            else {}
        )
        results_service.store_documents(session, task, documents)
    except results_service.ResultProblems as exc:
        raise TaskError(str(exc), exc.errors) from exc
    before = _state(task)
    task.status = TaskState.DONE if outcome == "approved" else TaskState.REJECTED
    task.results = checked
    task.reason = (reason or "").strip() or None
    task.finished_at = utcnow()
    monitoring.record_decision(session, task)
    if outcome == "approved":
        commitments.schedule_verification(session, task)
    audit(session, actor, outcome, task, before=before, after=_state(task))
    if outcome == "approved":
        results_service.file_licences(session, task.application)
    decided = "准予" if outcome == "approved" else f"不予许可（{task.reason}）"
    notify(session, task.application, "result", item=task.title, outcome=decided)
    return release(session, task.application, actor)


def correct(
    session: Session, task: Task, results: Mapping[str, Any], reason: str, *, actor: str
) -> list[Delivery]:
    """更正 a wrong result of an approved step: checked like the approval, audited with the values
    before and after, the licence it issued filed again, and a new delivery (carrying the corrected
    payload) for every task that had already received the old value. Returns those deliveries."""
    if task.status != TaskState.DONE:
        raise TaskError(f"事项当前状态为“{task.status_label}”，只有已办结（准予）的事项可以更正结果")
    if not (reason or "").strip():
        raise TaskError("更正结果须说明原因", {"reason": ["更正结果须说明原因"]})
    old = dict(task.results or {})
    try:
        checked = results_service.checked_results(session, task, {**old, **dict(results)})
    except results_service.ResultProblems as exc:
        raise TaskError(str(exc), exc.errors) from exc
    if checked == old:
        raise TaskError("更正后的结果与原结果相同", {"results": ["没有需要更正的内容"]})
    before = _state(task)
    task.results = checked
    changed = sorted(key for key in checked if checked.get(key) != old.get(key))
    audit(
        session,
        actor,
        "correct",
        task,
        before=before,
        after={**_state(task), "reason": reason.strip(), "changed": changed},
    )
    results_service.file_licences(session, task.application, corrected=(task, old))
    deliveries = []
    for other in task.application.tasks:
        if other.id == task.id or other.delivered_at is None or task.finished_at is None:
            continue
        if other.delivered_at >= task.finished_at:  # it was handed the old value
            deliveries.append(new_delivery(session, other))
    notify(session, task.application, "corrected", item=task.title, reason=reason.strip())
    return deliveries


VERIFY_OUTCOMES = tuple(Verification)


def verify(session: Session, task: Task, outcome: str, note: str, *, actor: str) -> list[Delivery]:
    """核查 of a result approved on a signed commitment. ``confirmed`` closes it; ``false`` revokes the
    result (撤销): the step becomes ``revoked``, the applicant is told, the steps waiting on it are blocked
    and every department that already received its result is handed the news (a new delivery each).
    Returns those deliveries."""
    if outcome not in VERIFY_OUTCOMES:
        raise TaskError("核查结果只能是 confirmed（属实）或 false（不实）", {"outcome": ["请选择核查结果"]})
    if task.status != TaskState.DONE or not commitments.awaiting_verification(task):
        raise TaskError("本事项没有待核查的告知承诺")
    note = (note or "").strip()
    if outcome == Verification.FALSE and not note:
        raise TaskError("承诺不实须写明核查情况", {"note": ["请写明核查发现的不实情况"]})
    before = _state(task)
    task.verified_at = utcnow()
    task.verification = outcome
    task.verification_note = note or None
    if outcome == Verification.CONFIRMED:
        audit(session, actor, "verify", task, before=before, after=_state(task))
        return []
    task.status = TaskState.REVOKED
    task.reason = f"告知承诺经核查不实，已撤销办理结果：{note}"
    audit(session, actor, "verify", task, before=before, after=_state(task))
    application = task.application
    notify(session, application, "revoked", item=task.title, reason=note)
    below = nx.descendants(graphs.as_graph(definitions.plan_for(session, application)), task.item.code)
    deliveries = []
    for other in application.tasks:
        if other.item.code in below and other.delivered_at is not None:
            deliveries.append(new_delivery(session, other))
            audit(session, actor, "upstream_revoked", other, after={"item": task.item.code, "reason": note})
    release(session, application, actor)
    if application.status == ApplicationState.COMPLETED:
        application.status = ApplicationState.PARTLY_DONE
    return deliveries


def revoke_for_overdue(session: Session, task: Task, reason: str, *, actor: str) -> list[Task]:
    """撤销: the department ends its step because a 容缺 material it needs was not supplied by the
    committed date; recorded with the reason, the applicant told, the steps below it blocked."""
    overdue = deferrals.may_revoke(session, task)
    if not overdue:
        raise TaskError("只有容缺材料逾期未补交时，才能撤销本事项的办理")
    if not (reason or "").strip():
        raise TaskError("撤销须说明理由", {"reason": ["撤销须说明理由"]})
    names = "、".join(m.name for m in overdue)
    before = _state(task)
    task.status = TaskState.REVOKED
    task.reason = f"容缺材料（{names}）逾期未补交：{reason.strip()}"
    task.finished_at = utcnow()
    monitoring.record_decision(session, task)
    audit(session, actor, "revoke", task, before=before, after=_state(task))
    notify(session, task.application, "result", item=task.title, outcome=f"撤销（{task.reason}）")
    return release(session, task.application, actor)


def release(session: Session, application: Application, actor: str) -> list[Task]:
    """Make ready whatever graphs/ says is ready now, mark blocked what a refusal stops (with the
    reason), and finish the application when nothing can move any more."""
    planned = definitions.plan_for(session, application)
    steps = set(planned.steps)
    states = graphs.step_states((t.item.code, t.status) for t in application.tasks if t.item.code in steps)
    view = graphs.evaluate(planned, states)
    released = []
    calendar = work_calendar.current(session)
    graph = graphs.as_graph(planned)
    refused = {t.item.code: t for t in application.tasks if t.status in graphs.FAILED_STEPS}
    for task in application.tasks:
        if task.item.code in view.ready and task.status == TaskState.WAITING:
            task.status = TaskState.READY
            task.ready_at = utcnow()
            task.due_date = work_calendar.task_due(task, calendar).date
            audit(session, actor, "released", task, after=_state(task))
            released.append(task)
        elif task.item.code in view.blocked and task.status == TaskState.WAITING:
            before = _state(task)
            above = [refused[c] for c in sorted(nx.ancestors(graph, task.item.code)) if c in refused]
            task.status = TaskState.BLOCKED
            task.finished_at = utcnow()
            task.reason = "；".join(f"前置事项“{t.title}”{t.status_label}：{t.reason}" for t in above) or None
            audit(session, actor, "blocked", task, before=before, after=_state(task))
    session.flush()
    open_deliveries(session, application)
    if view.complete and application.status in (ApplicationState.ACCEPTED, ApplicationState.ACCEPTED_PENDING):
        application.status = ApplicationState.COMPLETED if view.succeeded else ApplicationState.PARTLY_DONE
        application.completed_at = utcnow()
        application.working_days = graphs.working_days_between(
            clock.local(application.accepted_at).date() if application.accepted_at else clock.today(),
            clock.today(),
            estimate=True,
            calendar=calendar,
        )
        notify(session, application, "completed" if view.succeeded else "partly_done")
    return released
