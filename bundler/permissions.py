"""Roles and what each may do, in one map.

Pages ask ``permission_required(Permission.X)``, the API asks ``require_token(Permission.X)``, templates
ask ``can(Permission.X)`` and services ask :func:`allows`. A new role is one member of :class:`Role`, one
label and one line in :data:`GRANTS`; a new capability is one member of :class:`Permission` granted to
the roles that have it. Which department's data a person may touch is decided beside the data (the
services scope by ``department_id``); this map says only what kind of work a role does.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol


class Role(StrEnum):
    APPLICANT = "applicant"  # 申请人（企业和群众）
    WINDOW = "window"  # 综合窗口工作人员
    DEPARTMENT = "department"  # 部门审批人员，属于一个部门
    LEAD = "lead"  # 牵头部门管理员
    REVIEWER = "reviewer"  # 服务中心审核人：发布事项与一件事的变更
    ADMIN = "admin"  # 系统管理员

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.APPLICANT: "申请人",
    Role.WINDOW: "综合窗口",
    Role.DEPARTMENT: "部门审批",
    Role.LEAD: "牵头部门",
    Role.REVIEWER: "审核发布",
    Role.ADMIN: "系统管理员",
}


class Permission(StrEnum):
    APPLY = "apply"  # start, fill and submit one's own applications; rate them
    TRACK_APPLICATION = "track_application"  # the status page of an application
    DOWNLOAD_DOCUMENTS = "download_documents"  # receipts, notices and forms of an application
    ACCEPT_AT_COUNTER = "accept_at_counter"  # 综合窗口: take, accept or refuse applications
    ACCEPT_BY_API = "accept_by_api"  # the window system's token: create and accept through the API
    WORK_TASKS = "work_tasks"  # a department's desk: its queue, start, pause, complete its tasks
    TASKS_API = "tasks_api"  # a department system's token: read and complete its tasks through the API
    VIEW_OVERVIEW = "view_overview"  # 办理总览 of applications in progress
    FOLLOW_UP_RATINGS = "follow_up_ratings"  # 差评回访 of the lead department's bundles (sees the phone)
    RECORD_RATINGS = "record_ratings"  # the window's 评价器: a rating the applicant gives at the counter
    HANDLE_CASES = (
        "handle_cases"  # 差评核实、整改、申诉 of one's own department (administrators: the centre's)
    )
    DECIDE_APPEALS = "decide_appeals"  # 差评申诉裁定
    EXPORT_RATINGS = "export_ratings"  # every rating of a period, for the province's 好差评 system
    DRAFT_ITEM_CHANGES = "draft_item_changes"  # 事项动态管理: one's own department's items
    DRAFT_BUNDLE_CHANGES = "draft_bundle_changes"  # the bundles one's department leads
    USE_STUDIO = "use_studio"  # open the studio and the drafts one may see
    REVIEW_CHANGES = "review_changes"  # publish or send back drafted changes
    CHECK_GUIDES = "check_guides"  # 办事指南抽检: draw published guides and record findings
    MANAGE_RULES = "manage_rules"  # the adjustment deadline rules (working days) of the 审改办
    SEE_ALL_CATALOGUE = "see_all_catalogue"  # every department's items and bundles in the studio
    VIEW_CHANGE_HISTORY = "view_change_history"  # versions of an item or a bundle and their diffs
    MANAGE_JOBS = "manage_jobs"  # failed jobs and deliveries across the installation
    MANAGE_CALENDAR = "manage_calendar"  # enter or import a year's holidays (工作日历)
    SEE_ALL_DEPARTMENTS = "see_all_departments"  # API: tasks of any department


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.APPLICANT: frozenset(
        {Permission.APPLY, Permission.TRACK_APPLICATION, Permission.DOWNLOAD_DOCUMENTS}
    ),
    Role.WINDOW: frozenset(
        {
            Permission.ACCEPT_AT_COUNTER,
            Permission.ACCEPT_BY_API,
            Permission.RECORD_RATINGS,
            Permission.TRACK_APPLICATION,
            Permission.DOWNLOAD_DOCUMENTS,
            Permission.VIEW_OVERVIEW,
            Permission.VIEW_CHANGE_HISTORY,
        }
    ),
    Role.DEPARTMENT: frozenset(
        {
            Permission.WORK_TASKS,
            Permission.TASKS_API,
            Permission.HANDLE_CASES,
            Permission.USE_STUDIO,
            Permission.DRAFT_ITEM_CHANGES,
            Permission.VIEW_CHANGE_HISTORY,
        }
    ),
    Role.LEAD: frozenset(
        {
            Permission.VIEW_OVERVIEW,
            Permission.FOLLOW_UP_RATINGS,
            Permission.USE_STUDIO,
            Permission.DRAFT_ITEM_CHANGES,
            Permission.DRAFT_BUNDLE_CHANGES,
            Permission.VIEW_CHANGE_HISTORY,
        }
    ),
    Role.REVIEWER: frozenset(
        {
            Permission.USE_STUDIO,
            Permission.REVIEW_CHANGES,
            Permission.CHECK_GUIDES,
            Permission.DECIDE_APPEALS,
            Permission.EXPORT_RATINGS,
            Permission.SEE_ALL_CATALOGUE,
            Permission.MANAGE_CALENDAR,
            Permission.VIEW_CHANGE_HISTORY,
        }
    ),
    # System administrators pass everywhere but at the two desks they do not have: their own
    # applications and a department's queue.
    Role.ADMIN: frozenset(Permission) - {Permission.APPLY, Permission.WORK_TASKS},
}

ROLE_VALUES = frozenset(role.value for role in Role)
TOKEN_ROLES = (Role.WINDOW, Role.DEPARTMENT, Role.ADMIN)  # the roles an API token may have
ROLES_WITH_DEPARTMENT = (Role.DEPARTMENT, Role.LEAD)  # accounts of these roles belong to one department


class HasRole(Protocol):
    role: str


def allows(role: str | None, permission: Permission) -> bool:
    """Whether a role (a user's or a token's) may do ``permission``; unknown roles may do nothing."""
    try:
        return permission in GRANTS[Role(role or "")]
    except ValueError:
        return False


def can(holder: HasRole | None, permission: Permission) -> bool:
    """``allows`` for a user or a token (anonymous visitors may do nothing here)."""
    return holder is not None and allows(getattr(holder, "role", None), permission)


def role_label(role: str) -> str:
    return ROLE_LABELS[Role(role)] if role in ROLE_VALUES else role
