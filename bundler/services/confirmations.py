"""各方确认: a bundle with ``confirm_by: [ROLE, ...]`` is submitted only once each person of those roles
(the form names them by 姓名 and 公民身份号码) has confirmed the application's content: online, signed
in with an account of their own ID number, or at the counter, their ID card checked by the clerk.

A confirmation holds for the content it was given for (a digest of the form data and the answers):
changing the application afterwards asks every party again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import forms

from .. import clock
from ..catalogue.definitions import pinned
from ..models import Application, Confirmation, User
from ..privacy import lookup_hash, lookup_hashes, mask_name
from ..states import ApplicationState, ConfirmationChannel, VisitPurpose
from . import visits
from .audit import audit

NUMBER = "公民身份号码"


class ConfirmationError(ValueError):
    """A confirmation that cannot be given; the message is Chinese."""


@dataclass(frozen=True)
class Party:
    """One person who must confirm: ``key`` is the role, or ``ROLE#N`` for the N-th of a repeating role."""

    key: str
    role: str
    name: str | None
    number: str

    @property
    def label(self) -> str:
        return f"{self.key}（{mask_name(self.name)}）" if self.name else self.key


def confirm_roles(bundle: Mapping[str, Any]) -> list[str]:
    """The roles whose every person confirms (the bundle's ``confirm_by``)."""
    return [str(r) for r in bundle.get("confirm_by") or []]


def parties(bundle: Mapping[str, Any], data: Mapping[str, Any]) -> list[Party]:
    """Everyone the form names in a role that confirms (a role left empty, such as an unknown father,
    names no one)."""
    repeating = forms.repeating_roles(bundle)
    found = []
    for role in confirm_roles(bundle):
        if role in repeating:
            rows = data.get(forms.group_key(role)) or []
            people = [(f"{role}#{i + 1}", row) for i, row in enumerate(rows) if isinstance(row, Mapping)]
        else:
            people = [(role, {k.partition(".")[2]: v for k, v in data.items() if k.startswith(f"{role}.")})]
        for key, person in people:
            number = str(person.get(NUMBER) or "").strip().upper()
            if number:
                name = person.get("姓名")
                found.append(Party(key, role, str(name) if name else None, number))
    return found


def content_digest(application: Application) -> str:
    """What the parties confirm: the form data and the scenario answers, as they stand."""
    content = json.dumps(
        {"data": application.data or {}, "answers": application.answers or {}},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def sync(session: Session, application: Application, digest: str | None = None) -> list[Confirmation]:
    """The application's confirmation rows, one per party the form names now; a party that changed
    (another person) starts again, and so does every party when the content changed. ``digest``:
    the content's, when the caller has it already."""
    bundle = pinned(session, application).bundle
    wanted = {p.key: p for p in parties(bundle, application.data or {})}
    if application.id is None:  # not written yet: nobody has confirmed anything
        if not wanted:
            return []  # and nobody is asked to: the application is written once, at acceptance
        session.flush()
    rows = {
        c.party: c
        for c in session.scalars(select(Confirmation).where(Confirmation.application_id == application.id))
    }
    digest = digest or content_digest(application)
    for key, row in list(rows.items()):
        party = wanted.get(key)
        if party is None or row.id_number_hash != lookup_hash("subject", party.number):
            session.delete(row)
            del rows[key]
        elif row.content_digest != digest:
            row.confirmed_at = row.content_digest = row.channel = row.confirmed_by_id = None
    for key, party in wanted.items():
        if key not in rows:
            rows[key] = Confirmation(
                application_id=application.id,
                party=key,
                name=party.name,
                id_number_hash=lookup_hash("subject", party.number),
            )
            session.add(rows[key])
        rows[key].name = party.name
    session.flush()
    return [rows[key] for key in wanted]


def pending(session: Session, application: Application) -> list[Confirmation]:
    """The parties still to confirm the content as it stands."""
    return [c for c in sync(session, application) if c.confirmed_at is None]


def _confirm(
    session: Session,
    application: Application,
    chosen: Callable[[Confirmation], bool],
    *,
    channel: str,
    by: User | None,
) -> tuple[list[Confirmation], list[Confirmation]]:
    """Record the confirmation of each chosen party for the content as it stands (audited); the
    chosen parties and those still to confirm."""
    digest = content_digest(application)
    rows = sync(session, application, digest)
    picked = [row for row in rows if chosen(row)]
    actor = f"用户 {by.id}" if by is not None else "窗口系统"
    for row in picked:
        if row.confirmed_at is None:
            row.confirmed_at = clock.utcnow()
            row.content_digest = digest
            row.channel = channel
            row.confirmed_by_id = by.id if by is not None else None
            after = {
                "party": row.party,
                **({"counter": True} if channel == ConfirmationChannel.COUNTER else {}),
            }
            audit(session, actor, "confirm", application=application, after=after)
            if channel == ConfirmationChannel.COUNTER:  # the party came to confirm in person
                visits.log_visit(session, application, VisitPurpose.CONFIRM, actor=actor)
    return picked, [row for row in rows if row.confirmed_at is None]


def confirm_online(session: Session, application: Application, user: User) -> list[Confirmation]:
    """The signed-in person confirms, for every party their ID number is (a father may also be the
    户主); refused when the account's ID number is none of the parties'. The parties still to confirm."""
    if application.status != ApplicationState.DRAFT:
        raise ConfirmationError("该申请已经提交，无需再确认")
    mine = set(lookup_hashes("subject", user.id_number)) if user.id_number else set()
    picked, waiting = _confirm(
        session, application, lambda c: c.id_number_hash in mine, channel=ConfirmationChannel.ONLINE, by=user
    )
    if not picked:
        raise ConfirmationError("您的身份证号码不是本申请需要确认的当事人之一")
    return waiting


def request_submission(session: Session, application: Application, user: User) -> list[Confirmation]:
    """The applicant submits online: their own confirmation (when they are a party), and the parties
    still to confirm, for whom the submission then waits (it is accepted at the last confirmation)."""
    try:
        waiting = confirm_online(session, application, user)
    except ConfirmationError:  # the applicant may be none of the parties (an agent)
        waiting = pending(session, application)
    application.submit_requested_at = clock.utcnow() if waiting else None
    return waiting


def confirm_at_counter(
    session: Session, application: Application, keys: Iterable[str], clerk: User | None
) -> list[Confirmation]:
    """The clerk checked each named party's ID card and heard them confirm the content; the parties
    still to confirm."""
    wanted = set(keys)
    return _confirm(
        session, application, lambda c: c.party in wanted, channel=ConfirmationChannel.COUNTER, by=clerk
    )[1]


def required_message(rows: Iterable[Confirmation]) -> str:
    """The one sentence the applicant and the clerk read about who has still to confirm."""
    names = "、".join(f"{c.party_label} {mask_name(c.name)}" if c.name else c.party_label for c in rows)
    return f"须由各方确认申请内容后才能提交：{names} 尚未确认（本人登录后确认，或到窗口出示身份证当面确认）"


def awaiting(session: Session, user: User) -> list[Application]:
    """Applications in draft that wait for this person's confirmation."""
    if not user.id_number:
        return []
    found = session.scalars(
        select(Application)
        .join(Confirmation, Confirmation.application_id == Application.id)
        .where(
            Confirmation.id_number_hash.in_(lookup_hashes("subject", user.id_number)),
            Confirmation.confirmed_at.is_(None),
            Application.status == ApplicationState.DRAFT,
        )
        .order_by(Application.id)
    ).unique()
    return list(found)
