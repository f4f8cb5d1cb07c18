"""``bundler demo accounts``: a newcomer gets a login for every role and department in one command, and
each of them signs in and reaches its own desk."""

from __future__ import annotations

import re

from bundler.extensions import db
from bundler.models import Department

from factories import PASSWORD


def _listed(output: str) -> tuple[str, dict[str, str]]:
    password = re.search(r"密码均为 (\S+)；", output).group(1)
    logins = dict(re.findall(r"^\s+(demo-\S+)\s+(\S+)", output, flags=re.MULTILINE))
    return password, logins


def test_every_role_and_department_gets_an_account_that_signs_in(app, sample, make_user):
    make_user("window", login="clerk-real")
    result = app.test_cli_runner().invoke(args=["demo", "accounts"])
    assert result.exit_code == 0, result.output
    password, logins = _listed(result.output)
    departments = db.session.query(Department).count()
    assert sum(role == "部门审批" for role in logins.values()) == departments
    assert {"demo-window", "demo-reviewer", "demo-admin", "demo-scjg", "demo-lead-scjg"} <= set(logins)
    desks = {"demo-window": "/window/", "demo-scjg": "/department/", "demo-lead-scjg": "/overview"}
    for login, desk in desks.items():
        person = app.test_client()
        assert person.post("/login", data={"login": login, "password": password}).status_code == 302
        assert person.get(desk).status_code == 200, login

    again = app.test_cli_runner().invoke(args=["demo", "accounts", "--password", "Another-passw0rd"])
    assert again.exit_code == 0 and _listed(again.output) == ("Another-passw0rd", logins)  # no duplicates
    assert (
        app.test_client().post("/login", data={"login": "demo-admin", "password": password}).status_code
        == 200
    )
    assert (
        app.test_client()
        .post("/login", data={"login": "demo-admin", "password": "Another-passw0rd"})
        .status_code
        == 302
    )
    real = app.test_client().post("/login", data={"login": "clerk-real", "password": PASSWORD})
    assert real.status_code == 302  # a real account is never touched
    weak = app.test_cli_runner().invoke(args=["demo", "accounts", "--password", "123"])
    assert weak.exit_code != 0 and "密码" in weak.output
