"""Accounts to try the product with (``bundler demo accounts``): a window clerk, an officer of every
department, the lead department of every published bundle, a reviewer and an administrator, all with
one password that is printed once. Running it again sets that password anew; real accounts are
never touched (only logins starting with ``demo-``)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..catalogue.queries import latest_bundle_versions
from ..models import Department
from ..permissions import ROLE_LABELS, Role
from .accounts import check_password_strength, create_user, find_user, set_password

PREFIX = "demo-"


@dataclass(frozen=True)
class DemoAccount:
    login: str
    role: Role
    department: str  # the department's name, or empty

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


def new_password() -> str:
    """A password that passes the strength rules: letters of both cases, digits, 16 characters."""
    while True:
        candidate = "Demo-" + secrets.token_urlsafe(9)
        if check_password_strength(candidate) is None and any(c.isdigit() for c in candidate):
            return candidate


def wanted(session: Session) -> list[tuple[str, Role, Department | None]]:
    departments = list(session.scalars(select(Department).order_by(Department.code)))
    leading = {v.lead_department_id for v in latest_bundle_versions(session).values()}
    found: list[tuple[str, Role, Department | None]] = [(f"{PREFIX}window", Role.WINDOW, None)]
    found += [(f"{PREFIX}{d.code.lower()}", Role.DEPARTMENT, d) for d in departments]
    found += [(f"{PREFIX}lead-{d.code.lower()}", Role.LEAD, d) for d in departments if d.id in leading]
    found += [(f"{PREFIX}reviewer", Role.REVIEWER, None), (f"{PREFIX}admin", Role.ADMIN, None)]
    return found


def ensure_demo_accounts(session: Session, password: str) -> list[DemoAccount]:
    """Create the demo accounts that are missing and give every one ``password`` (the caller commits)."""
    accounts = []
    for login, role, department in wanted(session):
        user = find_user(session, login)
        if user is None:
            create_user(
                session,
                login=login,
                password=password,
                role=role,
                name=f"试用{ROLE_LABELS[role]}",
                department_code=department.code if department else None,
            )
        else:
            set_password(user, password)
        accounts.append(DemoAccount(login, role, department.name if department else ""))
    return accounts
