"""The states a step of an application goes through, and their Chinese labels.

graphs/ decides the transitions between them (``runtime.evaluate``); the application keeps one per task.
The Flask app shows the same labels: ``bundler/states.py`` takes this table into its vocabulary.
"""

from __future__ import annotations

from enum import StrEnum


class TaskState(StrEnum):
    WAITING = "waiting"  # a predecessor has not finished
    READY = "ready"  # released to the department
    IN_PROGRESS = "in_progress"
    DONE = "done"
    REJECTED = "rejected"  # 不予许可
    SKIPPED = "skipped"  # the scenario leaves the step out
    PAUSED = "paused"  # the clock stands still (补正)
    BLOCKED = "blocked"  # a predecessor was refused (不予许可): the step can never start
    REVOKED = "revoked"  # 撤销: the result withdrawn (a false 告知承诺) or the step ended (容缺 not supplied)


TASK_LABELS: dict[TaskState, str] = {
    TaskState.WAITING: "等待前置事项",
    TaskState.READY: "待办理",
    TaskState.IN_PROGRESS: "办理中",
    TaskState.DONE: "已办结",
    TaskState.REJECTED: "不予许可",
    TaskState.SKIPPED: "本情形不涉及",
    TaskState.PAUSED: "暂停（补正/容缺）",
    TaskState.BLOCKED: "受阻（上游不予许可）",
    TaskState.REVOKED: "已撤销",
}

FAILED = frozenset({TaskState.REJECTED, TaskState.REVOKED})  # finished without a result that stands
FINISHED = frozenset({TaskState.DONE, TaskState.SKIPPED}) | FAILED
OPEN = (TaskState.READY, TaskState.IN_PROGRESS, TaskState.PAUSED)  # on a department's desk
