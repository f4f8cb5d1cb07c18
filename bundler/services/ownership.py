"""Whose application it is: an application taken at the counter (or by a window system) belongs to the
applicant's own account when the account holds the same ID number and the form gave the account's
mobile number. Both must match: a self-declared ID number alone opens nobody's applications."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from forms import check_id_number

from ..models import Application, User
from ..permissions import Role
from ..privacy import lookup_hash, lookup_hashes
from ..states import ApplicationState, Channel
from .notifications import applicant_mobile

CLAIMABLE_CHANNELS = (Channel.WINDOW, Channel.API)


def staff_may_open(user: User, application: Application) -> bool:
    """Counter staff act on the counter applications of their centre and on applications submitted to
    it: a draft only when they started it at the counter, a refused counter application (the person
    comes back with what was missing) at any window, never an applicant's unsubmitted online draft."""
    if application.status == ApplicationState.DRAFT:
        return application.channel == Channel.WINDOW and application.created_by_id == user.id
    if application.status == ApplicationState.REFUSED:
        return application.channel == Channel.WINDOW
    return True


def system_may_open(application: Application) -> bool:
    """A window system's token sees the applications submitted to the centre (its own are accepted in
    one go), never an applicant's unsubmitted draft."""
    return application.status != ApplicationState.DRAFT


class OwnershipError(ValueError):
    """An ID number that cannot be recorded; the message is Chinese."""


def set_id_number(session: Session, user: User, number: str) -> int:
    """Record the applicant's ID number on the account and give it the counter applications that are
    theirs; returns how many were found."""
    number = (number or "").strip().upper()
    if problem := check_id_number(number, "身份证号码"):
        raise OwnershipError(problem)
    user.id_number = number
    user.id_number_hash = lookup_hash("subject", number)
    return claim_counter_applications(session, user)


def claim_counter_applications(session: Session, user: User) -> int:
    """Link the counter applications of the account's person (same ID number and mobile number)."""
    if user.role != Role.APPLICANT or not user.id_number_hash:
        return 0
    candidates = session.scalars(
        select(Application).where(
            Application.subject_hash == user.id_number_hash,
            Application.applicant_user_id.is_(None),
            Application.channel.in_(CLAIMABLE_CHANNELS),
        )
    ).all()
    claimed = 0
    for application in candidates:
        if applicant_mobile(session, application) == user.login:
            application.applicant = user
            claimed += 1
    return claimed


def link_to_account(session: Session, application: Application) -> None:
    """At acceptance: a counter application joins its applicant's account if there is one."""
    if application.applicant_user_id is not None or not application.subject_hash:
        return
    if application.channel not in CLAIMABLE_CHANNELS:
        return
    mobile = applicant_mobile(session, application)
    if not mobile:
        return
    with session.no_autoflush:  # accounts do not depend on the application: it is written at the commit
        owner = session.scalar(
            select(User).where(
                User.role == Role.APPLICANT,
                User.id_number_hash == application.subject_hash,
                User.login_hash.in_(lookup_hashes("login", mobile)),
            )
        )
    if owner is not None:
        application.applicant = owner
