"""告知承诺制: a signed commitment stands for a material (or a condition) the item lists; the department may
approve on it, and then verifies (核查) it by a due date of its own. A commitment found false revokes the
result (see ``tasks.verify``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from .. import clock
from ..models import ApplicationMaterial, Task
from ..states import MaterialState
from . import deferrals, work_calendar

# What an applicant declares online for one material (the printed 告知承诺书 says the same at length).
PLEDGE = (
    "本人承诺符合“{name}”所证明的事项和条件，所填报的信息真实、准确、完整，愿意接受办理部门的核查；"
    "承诺不实的，自愿承担办理结果被撤销及相应的法律责任。"
)


class CommitmentError(ValueError):
    """A choice of 告知承诺 the material does not allow; the message is Chinese."""


def pledge_text(material: ApplicationMaterial) -> str:
    return PLEDGE.format(name=material.name)


def choose(material: ApplicationMaterial, *, agreed: bool) -> None:
    """The applicant chooses a signed commitment instead of the material (before submitting)."""
    if not material.commitment:
        raise CommitmentError(f"材料“{material.name}”不适用告知承诺制，须提交材料本身")
    if material.status not in (MaterialState.PENDING, MaterialState.MISSING):
        raise CommitmentError(f"材料“{material.name}”已提交，不需要再以承诺代替")
    if not agreed:
        raise CommitmentError("请先阅读并勾选承诺内容")
    material.status = MaterialState.COMMITTED
    material.note = f"申请人于 {clock.now():%Y-%m-%d %H:%M} 在网上确认告知承诺"


def withdraw(material: ApplicationMaterial) -> None:
    """Back to providing the material itself (before submitting)."""
    if material.status == MaterialState.COMMITTED:
        material.status = MaterialState.PENDING
        material.note = None


def committed_for(session: Session, task: Task) -> list[ApplicationMaterial]:
    """The materials this task's item needs that a signed commitment replaced."""
    return [m for m in deferrals.needed_by(session, task) if m.status == MaterialState.COMMITTED]


def schedule_verification(session: Session, task: Task) -> None:
    """After an approval that rests on a commitment: the 核查 is due ``verify_days`` after it (in the
    item's unit); an approval that rests on none needs no verification."""
    if not committed_for(session, task):
        return
    task.verify_due = work_calendar.verify_due(session, task, work_calendar.current(session), clock.today())


def awaiting_verification(task: Task) -> bool:
    return task.verify_due is not None and task.verified_at is None
