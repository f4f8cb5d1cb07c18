"""Data the service already holds for a person, offered when the counter starts an application for
them: what they gave in earlier applications, then what their e-licences say (免填)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..catalogue.definitions import schema_for
from ..models import Application
from ..privacy import lookup_hashes
from . import applications
from .elicences import ELicenceUnavailable, licence_provider, prefill_from_licences

EARLIER_APPLICATIONS = 5  # the newest ones are enough: older data is more likely out of date


def prefill_for_person(session: Session, application: Application, number: str) -> None:
    """Fill the draft's empty fields for the person with this ID number (the draft keeps what it has)."""
    schema = schema_for(session, application)
    asked = {f.key for f in schema.asked_fields if f.group is None}
    data: dict[str, Any] = {}
    earlier = session.scalars(
        select(Application)
        .where(
            Application.subject_hash.in_(lookup_hashes("subject", number)), Application.id != application.id
        )
        .order_by(Application.id.desc())
        .limit(EARLIER_APPLICATIONS)
    )
    for previous in earlier:
        for key, value in (previous.data or {}).items():
            if key in asked:
                data.setdefault(key, value)
    subject = next((f for f in schema.asked_fields if f.group is None and f.element == "公民身份号码"), None)
    licensed: dict[str, Any] = {}
    if subject is not None:
        data.setdefault(subject.key, number)
        try:
            licences = licence_provider(session).licences_for(number)
        except ELicenceUnavailable:
            licences = []  # the form is filled by hand then
        licensed = prefill_from_licences(licences, subject.role or "", asked)
    draft = dict(application.data or {})  # the draft keeps what it has
    licensed = {key: value for key, value in licensed.items() if key not in draft}
    if data or licensed:
        # an e-licence is the authority: over what earlier applications said, shown read-only and kept
        applications.save_data(session, application, {**data, **licensed, **draft})
        applications.lock_values(application, licensed.keys(), "电子证照")
