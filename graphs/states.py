"""The states a step of an application goes through, and their Chinese labels.

graphs/ decides the transitions between them (``runtime.evaluate``); the application keeps one per task.
The Flask app shows the same labels: ``bundler/states.py`` takes this table into its vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterable
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


def combined(states: Iterable[str]) -> TaskState:
    """The state of a step that runs once per person (``per:``), from its tasks' states: done when
    every person's task is, failed (refused, revoked, blocked) as soon as one is, skipped when all
    are, waiting while one is still to be released, else under way."""
    found = {TaskState(s) for s in states}
    for failed in (TaskState.REJECTED, TaskState.REVOKED, TaskState.BLOCKED):
        if failed in found:
            return failed
    if not found:
        return TaskState.WAITING
    if found <= {TaskState.READY, TaskState.WAITING}:  # the rest are released with the next release
        return TaskState.WAITING if TaskState.WAITING in found else TaskState.READY
    if found == {TaskState.SKIPPED}:
        return TaskState.SKIPPED
    if found <= {TaskState.DONE, TaskState.SKIPPED}:
        return TaskState.DONE
    return TaskState.PAUSED if found <= {TaskState.PAUSED, TaskState.DONE} else TaskState.IN_PROGRESS


def step_states(tasks: Iterable[tuple[str, str]]) -> dict[str, TaskState]:
    """Each step's state from ``(step code, task state)`` pairs, several pairs for a step run per person."""
    by_step: dict[str, list[str]] = {}
    for code, state in tasks:
        by_step.setdefault(code, []).append(state)
    return {code: combined(states) for code, states in by_step.items()}
