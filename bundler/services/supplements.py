"""补正 once, complete and answerable, and 特别程序 periods: the two ways a step's clock stands still.

A department asks for everything missing or faulty at once (materials to give again, fields to
correct, and what it says about them); only its own step pauses. The applicant answers online or at the
counter: the files reach the department, the corrected fields are checked like the form and replace the
old values, and the department sees what changed before it resumes. A 特别程序 (检验检测, 专家评审, 听证,
公示) pauses that step alone, without asking the applicant anything. When the clock runs again, the step's
due date moves by the days it stood still (in the item's unit).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import graphs

from .. import clock
from ..catalogue.definitions import item_material_keys, pinned, schema_for
from ..models import Application, Task, TaskPause
from ..states import SPECIAL_PROCEDURES, PauseKind, TaskState, VisitPurpose
from . import visits, work_calendar
from .applications import checked_data
from .audit import audit
from .notifications import notify
from .outbox import new_delivery
from .uploads import UploadError, add_file


class PauseError(ValueError):
    """A request the step's state or the input does not allow; ``errors`` names fields when it can."""

    def __init__(self, message: str, errors: Mapping[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.errors = dict(errors or {})


def open_pause(session: Session, task: Task) -> TaskPause | None:
    return session.scalar(
        select(TaskPause)
        .where(TaskPause.task_id == task.id, TaskPause.ended_at.is_(None))
        .order_by(TaskPause.id)
    )


def history(session: Session, task: Task) -> list[TaskPause]:
    return list(session.scalars(select(TaskPause).where(TaskPause.task_id == task.id).order_by(TaskPause.id)))


def open_supplements(session: Session, application: Application) -> list[TaskPause]:
    """The 补正 rounds of an application waiting for the applicant's answer."""
    if all(task.status != TaskState.PAUSED for task in application.tasks):
        return []  # a round pauses its step until it ends: none is open
    return list(
        session.scalars(
            select(TaskPause)
            .join(Task, TaskPause.task_id == Task.id)
            .where(
                Task.application_id == application.id,
                TaskPause.kind == PauseKind.SUPPLEMENT,
                TaskPause.ended_at.is_(None),
                TaskPause.answered_at.is_(None),
            )
            .order_by(TaskPause.id)
        )
    )


def askable(session: Session, task: Task) -> tuple[dict[str, str], dict[str, str]]:
    """What this step may ask again: its item's materials (key → name) and form fields (key → label, as
    the item names the field, with the label the applicant saw when it differs)."""
    application = task.application
    item = pinned(session, application).items[task.item.code]
    keys = set(item_material_keys(item))
    materials = {m.key: m.name for m in application.materials if m.key in keys and m.status != "produced"}
    schema = schema_for(session, application)
    own = sorted(
        (
            source.position,
            f.key,
            source.label if source.label == f.label else f"{source.label}（申请表中为“{f.label}”）",
        )
        for f in schema.asked_fields
        if f.group is None
        for source in f.sources
        if source.item == task.item.code
    )
    # in the order and under the labels of the department's own form, with the merged label beside
    return materials, {key: label for _, key, label in own}


def _pause(session: Session, task: Task, pause: TaskPause, actor: str) -> None:
    if task.status not in (TaskState.READY, TaskState.IN_PROGRESS):
        raise PauseError(f"事项当前状态为“{task.status_label}”，不能暂停计时")
    before = {"status": task.status}
    task.status = TaskState.PAUSED
    task.paused_at = clock.utcnow()
    pause.task = task
    pause.started_at = task.paused_at
    pause.started_by = actor[:200]
    session.add(pause)
    audit(session, actor, f"pause_{pause.kind}", task, before=before, after={"status": task.status})


def request_supplement(
    session: Session,
    task: Task,
    *,
    materials: Sequence[str] = (),
    fields: Sequence[str] = (),
    reason: str,
    actor: str,
) -> TaskPause:
    """补正: everything asked at once; this step pauses and the applicant is told (一次性告知)."""
    reason = (reason or "").strip()
    if not reason:
        raise PauseError("请一次性写明需要补正的全部内容", {"reason": ["请写明需要补正的全部内容"]})
    can_materials, can_fields = askable(session, task)
    unknown = [k for k in materials if k not in can_materials] + [k for k in fields if k not in can_fields]
    if unknown:
        raise PauseError("以下材料或字段不属于本事项，不能要求补正：" + "、".join(unknown))
    pause = TaskPause(
        kind=PauseKind.SUPPLEMENT,
        reason=reason,
        materials=list(dict.fromkeys(materials)),
        fields=list(dict.fromkeys(fields)),
    )
    _pause(session, task, pause, actor)
    task.reason = reason
    task.application.corrected = True  # not done at once (一次办成 no more)
    asked = [can_materials[k] for k in pause.materials] + [can_fields[k] for k in pause.fields]
    told = reason + (f"（需补交或更正：{'、'.join(asked)}）" if asked else "")
    notify(session, task.application, "supplement", item=task.title, reason=told)
    return pause


def start_special(session: Session, task: Task, procedure: str, reason: str, *, actor: str) -> TaskPause:
    """特别程序: a period the statute keeps out of the limit; only this step's clock stops."""
    if procedure not in SPECIAL_PROCEDURES:
        raise PauseError(
            f"特别程序只能是：{'、'.join(SPECIAL_PROCEDURES)}", {"procedure": ["请选择特别程序"]}
        )
    pause = TaskPause(kind=PauseKind.SPECIAL, procedure=procedure, reason=(reason or "").strip() or None)
    _pause(session, task, pause, actor)
    return pause


def answer(
    session: Session,
    pause: TaskPause,
    *,
    fields: Mapping[str, Any],
    files: Mapping[str, Sequence[tuple[bytes, str]]],
    note: str = "",
    actor: str,
    at_counter: bool = False,
) -> None:
    """The applicant's answer (online or at the counter, which is a visit): corrected fields checked
    like the form, files for the materials asked again; the department is handed the answer and sees
    what changed."""
    if pause.kind != PauseKind.SUPPLEMENT or not pause.open:
        raise PauseError("该补正已结束，不能再提交")
    task = pause.task
    application = task.application
    errors: dict[str, list[str]] = {}
    given = {k: v for k, v in fields.items() if k in pause.fields}
    for key in pause.fields:
        if key not in given:
            errors[key] = ["请填写更正后的内容"]
    stray = [k for k in fields if k not in pause.fields]
    for key in stray:
        errors[key] = ["本次补正没有要求更正这一项"]
    for key in pause.materials:
        if not [c for c, _n in files.get(key, ()) if c]:
            errors[f"files.{key}"] = ["请上传需补交的材料"]
    if not errors:
        checked, problems = checked_data(schema_for(session, application), {**application.data, **given})
        errors.update({k: v for k, v in problems.items() if k in given})
    if errors:
        raise PauseError("补正内容还有需要修改的地方", errors)
    changed = {
        k: [application.data.get(k), checked.get(k)]
        for k in given
        if application.data.get(k) != checked.get(k)
    }
    application.data = {**application.data, **{k: checked.get(k) for k in given}}
    stored: dict[str, list[str]] = {}
    by_key = {m.key: m for m in application.materials}
    try:
        for key in pause.materials:
            for content, name in files.get(key, ()):
                if content:
                    add_file(session, by_key[key], content, name, actor=actor)
                    stored.setdefault(key, []).append(name)
    except UploadError as exc:
        raise PauseError(str(exc), {f"files.{key}": [str(exc)]}) from exc
    pause.answered_at = clock.utcnow()
    pause.answered_by = actor[:200]
    pause.answer = {"fields": changed, "files": stored, "note": (note or "").strip()}
    if task.delivered_at is not None:  # the department's system receives the corrected content
        new_delivery(session, task)
    if at_counter:
        visits.log_visit(session, application, VisitPurpose.SUPPLEMENT, actor=actor)
    audit(
        session,
        actor,
        "supplement_answered",
        task,
        after={"fields": sorted(changed), "files": sorted(stored)},
    )


def resume(session: Session, task: Task, *, actor: str) -> int:
    """The clock runs again: the days it stood still (in the item's unit) move the due date. Returns
    those days."""
    if task.status != TaskState.PAUSED or task.paused_at is None:
        raise PauseError("该事项没有暂停")
    calendar = work_calendar.current(session)
    started = clock.local(task.paused_at).date()
    days = graphs.paused_working_days(
        [(started, clock.today())], unit=task.item_version.days_unit, estimate=True, calendar=calendar
    )
    task.paused_days = (task.paused_days or 0) + days
    task.due_date = work_calendar.task_due(task, calendar).date
    task.status = TaskState.IN_PROGRESS if task.started_at else TaskState.READY
    task.paused_at = None
    pause = open_pause(session, task)
    if pause is not None:
        pause.ended_at = clock.utcnow()
        pause.days = days
    audit(session, actor, "resume", task, after={"status": task.status, "paused_days": days})
    return days
