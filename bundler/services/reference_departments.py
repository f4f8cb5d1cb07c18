"""The departments the reference business system stands for (``bundler/reference_system.py``): those
that push to a system whose address is a placeholder of the sample catalogue, which can never answer.
``bundler serve`` points them at its own reference system, so every sample bundle can be finished on
one machine; a department with a real address is never touched."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import clock
from ..models import ApiToken, Department
from .accounts import create_token

PLACEHOLDER_HOSTS = ("example.gov.cn", "example.com", "example.org")
TOKEN_LABEL = "参考业务系统"
PATH = "/reference/"  # where the reference system takes a department's pushes: /reference/<code>


def is_placeholder(url: str | None) -> bool:
    """A sample address that can never answer, or one a previous start pointed at the reference system."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").lower()
    if host in ("127.0.0.1", "localhost") and parts.path.startswith(PATH):
        return True
    return any(host == h or host.endswith("." + h) for h in PLACEHOLDER_HOSTS)


def placeholder_departments(session: Session) -> list[Department]:
    """Departments pushing to a placeholder address (the sample's tax office and power company)."""
    found = session.scalars(
        select(Department).where(Department.channel == "webhook").order_by(Department.code)
    )
    return [d for d in found if is_placeholder(d.webhook_url)]


def point_at(departments: list[Department], base_url: str) -> None:
    """Each department pushes to ``base_url/reference/<code>`` from now on (the caller commits)."""
    for department in departments:
        department.webhook_url = f"{base_url.rstrip('/')}{PATH}{department.code}"


def credentials(session: Session, codes: list[str]) -> dict[str, tuple[str, str]]:
    """For each department: its signing key (made when it has none) and a new API token for the
    reference system, the one made at its previous start revoked (the caller commits)."""
    found: dict[str, tuple[str, str]] = {}
    for department in session.scalars(select(Department).where(Department.code.in_(codes))):
        if not department.webhook_secret:
            department.webhook_secret = secrets.token_hex(32)
        session.execute(
            update(ApiToken)
            .where(
                ApiToken.department_id == department.id,
                ApiToken.label == TOKEN_LABEL,
                ApiToken.revoked_at.is_(None),
            )
            .values(revoked_at=clock.utcnow())
        )
        token = create_token(session, "department", department.code, TOKEN_LABEL)
        found[department.code] = (department.webhook_secret, token)
    return found
