"""容缺受理 after acceptance: a material accepted missing on a dated commitment is supplied (online, or
on paper at the counter), a department that needs it confirms it, and until then the steps that need it
can be worked but not approved. A commitment date that passes turns the material red for the window and
the departments; a department may then end its step as 撤销 (revoked), recorded with its reason."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..catalogue.definitions import item_definitions, item_material_keys, pinned
from ..models import Application, ApplicationMaterial, Task
from ..states import OPEN_TASKS, OWED_MATERIALS, ApplicationState, MaterialState
from .audit import audit


class DeferralError(ValueError):
    """An action on an owed material that its state does not allow; the message is Chinese."""


def owed(application: Application) -> list[ApplicationMaterial]:
    """Materials accepted under 容缺 and not yet confirmed by a department."""
    return [m for m in application.materials if m.status in OWED_MATERIALS]


def overdue(application: Application, today: date | None = None) -> list[ApplicationMaterial]:
    """Owed materials not supplied by their commitment date (红牌)."""
    today = today or clock.today()
    return [
        m
        for m in application.materials
        if m.status == MaterialState.DEFERRED and m.due_date is not None and m.due_date < today
    ]


def awaiting_materials(session: Session, limit: int = 50) -> list[Application]:
    """Applications accepted under 容缺 whose owed materials are not all in, the nearest commitment
    date first (the window's list; past dates are shown red)."""
    return list(
        session.scalars(
            select(Application)
            .where(Application.status == ApplicationState.ACCEPTED_PENDING)
            .order_by(Application.commitment_date.is_(None), Application.commitment_date, Application.id)
            .limit(limit)
        )
    )


def overdue_for_tasks(
    session: Session, tasks: Sequence[Task], today: date | None = None
) -> dict[int, list[str]]:
    """Task id → names of the overdue 容缺 materials its item needs, for a whole list of tasks in one
    query (a department's queue flags them red)."""
    today = today or clock.today()
    if not tasks:
        return {}
    rows = session.execute(
        select(ApplicationMaterial.application_id, ApplicationMaterial.key, ApplicationMaterial.name).where(
            ApplicationMaterial.application_id.in_({t.application_id for t in tasks}),
            ApplicationMaterial.status == MaterialState.DEFERRED,
            ApplicationMaterial.due_date < today,
        )
    ).all()
    if not rows:
        return {}
    late: dict[int, dict[str, str]] = defaultdict(dict)
    for application_id, key, name in rows:
        late[application_id][key] = name
    items = item_definitions(session, {str(t.item_version_id): t.item_version_id for t in tasks})
    flagged = {}
    for task in tasks:
        owed_here = late.get(task.application_id, {})
        names = [owed_here[k] for k in item_material_keys(items[str(task.item_version_id)]) if k in owed_here]
        if names:
            flagged[task.id] = names
    return flagged


def needed_by(session: Session, task: Task) -> list[ApplicationMaterial]:
    """The application's materials that this task's item asks for."""
    keys = set(item_material_keys(pinned(session, task.application).items[task.item.code]))
    return [m for m in task.application.materials if m.key in keys]


def owed_for(session: Session, task: Task) -> list[ApplicationMaterial]:
    """What stops this task's approval: the materials it needs that are still owed."""
    return [m for m in needed_by(session, task) if m.status in OWED_MATERIALS]


def mark_supplied(material: ApplicationMaterial, *, collected_by: str | None = None) -> None:
    """The owed material has come in (a file, or paper checked at the counter): a department confirms it."""
    if material.status not in OWED_MATERIALS:
        raise DeferralError(f"材料“{material.name}”不是待补交的容缺材料")
    material.status = MaterialState.SUPPLIED
    material.supplied_at = clock.utcnow()
    if collected_by is not None:
        material.collected_at = material.supplied_at
        material.collected_by = collected_by


def confirm(session: Session, task: Task, material: ApplicationMaterial, *, actor: str) -> None:
    """A department that needs the material confirms what was supplied; when nothing is owed any more,
    the application is simply accepted (容缺受理 → 已受理)."""
    if material.status != MaterialState.SUPPLIED:
        raise DeferralError(f"材料“{material.name}”尚未补交，不能确认")
    if material not in needed_by(session, task):
        raise DeferralError(f"本事项不需要材料“{material.name}”")
    material.status = MaterialState.UPLOADED if material.uploads else MaterialState.COLLECTED
    material.confirmed_at = clock.utcnow()
    material.confirmed_by = actor[:200]
    audit(session, actor, "material_confirmed", task, after={"material": material.key})
    application = task.application
    if application.status == ApplicationState.ACCEPTED_PENDING and not owed(application):
        application.status = ApplicationState.ACCEPTED


def may_revoke(session: Session, task: Task) -> list[ApplicationMaterial]:
    """The overdue materials that allow the department to end its step as 撤销 (none: it may not)."""
    if task.status not in OPEN_TASKS:
        return []
    overdue_keys = {m.key for m in overdue(task.application)}
    return [m for m in needed_by(session, task) if m.key in overdue_keys]
