"""Roles and what each may do come from one map (bundler/permissions.py): pages, the menu and the API
all follow it, and a role added to it works everywhere without touching a view."""

from __future__ import annotations

import pytest

from bundler import permissions
from bundler.permissions import GRANTS, Permission, Role

from factories import PASSWORD

# A page guarded by each permission (GET answers 200 to those who hold it).
GUARDED_PAGES = {
    Permission.MANAGE_JOBS: "/admin/jobs",
    Permission.ACCEPT_AT_COUNTER: "/window/",
    Permission.WORK_TASKS: "/department/",
    Permission.VIEW_OVERVIEW: "/overview",
    Permission.FOLLOW_UP_RATINGS: "/lead/ratings",
    Permission.USE_STUDIO: "/studio",
    Permission.REVIEW_CHANGES: "/review",
    Permission.APPLY: "/my/applications",
}
MENU_LINKS = {
    Permission.APPLY: "我的申请",
    Permission.ACCEPT_AT_COUNTER: "综合窗口",
    Permission.WORK_TASKS: "部门待办",
    Permission.VIEW_OVERVIEW: "办理总览",
    Permission.FOLLOW_UP_RATINGS: "差评整改",
    Permission.USE_STUDIO: "事项配置",
    Permission.REVIEW_CHANGES: "变更审核",
    Permission.MANAGE_JOBS: "失败任务",
}
DEPARTMENT_OF = {Role.DEPARTMENT: "SCJG", Role.LEAD: "SCJG"}


def _login(client, make_user, role: Role) -> None:
    login = "13991620001" if role is Role.APPLICANT else f"{role.value}-perm"
    make_user(role.value, login=login, department=DEPARTMENT_OF.get(role))
    assert client.post("/login", data={"login": login, "password": PASSWORD}).status_code == 302


@pytest.mark.parametrize("role", list(Role))
def test_pages_and_menu_follow_the_map(client, sample, make_user, role):
    _login(client, make_user, role)
    home = client.get("/").get_data(as_text=True)
    menu = home[home.index("<nav") : home.index("</nav>")]
    for permission, path in GUARDED_PAGES.items():
        expected = 200 if permission in GRANTS[role] else 403
        assert client.get(path).status_code == expected, (role, path)
    for permission, text in MENU_LINKS.items():
        assert (text in menu) == (permission in GRANTS[role]), (role, text)


def test_a_grant_added_to_the_map_opens_the_page_and_the_menu(client, sample, make_user, monkeypatch):
    monkeypatch.setitem(permissions.GRANTS, Role.WINDOW, GRANTS[Role.WINDOW] | {Permission.MANAGE_JOBS})
    _login(client, make_user, Role.WINDOW)
    assert client.get("/admin/jobs").status_code == 200
    assert "失败任务" in client.get("/").get_data(as_text=True)


def test_api_tokens_follow_the_same_map(client, sample, window_token):
    auth = {"Authorization": f"Bearer {window_token}"}
    assert client.get("/api/v1/applications/1", headers=auth).status_code == 404  # may look, none there
    refused = client.get("/api/v1/departments/SCJG/tasks", headers=auth)
    assert refused.status_code == 403 and "无权" in refused.get_json()["error"]


def test_every_permission_is_held_by_some_role_besides_the_administrator():
    held = set().union(*(GRANTS[role] for role in Role if role is not Role.ADMIN))
    admin_only = {Permission.MANAGE_JOBS, Permission.SEE_ALL_DEPARTMENTS, Permission.MANAGE_RULES}
    assert held | admin_only == set(Permission)
    assert GRANTS[Role.ADMIN] == set(Permission) - {Permission.APPLY, Permission.WORK_TASKS}
