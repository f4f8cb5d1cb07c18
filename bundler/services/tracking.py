"""Finding an application without an account (进度查询): its tracking number and the last six characters
of the applicant's ID number (or credit code), both needed, compared in constant time."""

from __future__ import annotations

import hmac

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..catalogue.definitions import schema_for
from ..models import Application
from .applications import subject_of

TAIL = 6


def find_by_tracking_number(session: Session, tracking_no: str, id_tail: str) -> Application | None:
    """The application, or None when either does not match (the same answer for both)."""
    tracking_no = (tracking_no or "").strip().upper()
    id_tail = (id_tail or "").strip().upper()
    if len(id_tail) != TAIL or not tracking_no:
        return None
    application = session.scalar(select(Application).where(Application.tracking_no == tracking_no))
    if application is None:
        return None
    number, _name = subject_of(schema_for(session, application), application.data)
    expected = (number or "")[-TAIL:]
    return application if expected and hmac.compare_digest(expected, id_tail) else None
