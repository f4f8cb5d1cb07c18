"""One acceptance (受理) for every way in: the applicant's own submission, the counter (综合窗口) and the
window system's API. Each caller gathers its input its own way; from there the same rules run here:
validate the merged form, settle the materials, plan the steps, open their deliveries and ask for the
documents the channel hands out.

The caller owns the transaction: it commits, then calls :meth:`Settlement.hand_off`, which queues the
deliveries and the documents (each in a short transaction of its own, never the caller's).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from ..models import ApiToken, Application, Document, User
from ..states import ApplicationState, Channel, MaterialState
from . import applications
from .deadlines import due_dates
from .documents import request_application_documents, start_rendering
from .notifications import notify
from .outbox import dispatch_application
from .ownership import link_to_account
from .uploads import attach_encoded


@dataclass
class Settlement:
    """An accepted or refused application, and what to hand off once it is committed."""

    application: Application
    message: str
    documents: list[Document] = field(default_factory=list)
    # kept here: after the commit, reading it from the application would load the row again
    application_id: int | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.application_id = self.application.id

    def hand_off(self) -> None:
        dispatch_application(self.application_id or self.application.id)
        start_rendering(self.documents)


def accept(
    session: Session,
    application: Application,
    decision: applications.MaterialDecision | None = None,
    *,
    by: User | None = None,
    documents: bool = True,
) -> Settlement:
    """受理 (容缺受理 when materials are deferred). Raises ``applications.ApplicationError``."""
    applications.accept(session, application, decision, by=by)
    link_to_account(session, application)
    pending = application.status == ApplicationState.ACCEPTED_PENDING
    promised = None
    if application.promised_date and due_dates(session).promise_is_estimate(application):
        promised = f"{application.promised_date.isoformat()}（估算，以节假日安排公布后为准）"
    notify(session, application, "accepted_pending" if pending else "accepted", promised_date=promised)
    rendered = request_application_documents(session, application) if documents else []
    return Settlement(application, f"已受理，受理编号 {application.tracking_no}", rendered)


def refuse(
    session: Session, application: Application, decision: applications.MaterialDecision, *, by: User | None
) -> Settlement:
    """暂不受理 with everything missing told at once (一次性告知书)."""
    applications.refuse(session, application, decision, by=by)
    notify(session, application, "refused")
    rendered = request_application_documents(session, application)
    return Settlement(application, "已暂不受理，请打印一次性告知书交给申请人。", rendered)


def accept_from_system(
    session: Session,
    token: ApiToken,
    *,
    bundle: str,
    answers: Mapping[str, Any],
    data: Mapping[str, Any],
    materials: Mapping[str, str],
    commitment_date: date | None,
    idempotency_key: str | None,
    commitments: Sequence[str] = (),
    files: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    licence_authorisations: Mapping[str, str] | None = None,
    confirmed_parties: Sequence[str] = (),
) -> Settlement:
    """The window system's API: start, fill and accept in one go. Materials it sends files for are
    uploaded, those it does not name were collected by the window that uses it; documents are rendered
    when its client first asks. Raises ``uploads.FileProblems`` for files that cannot be accepted."""
    application = applications.start_application(session, bundle, answers=answers, channel=Channel.API)
    application.api_token_id = token.id
    application.idempotency_key = idempotency_key
    applications.save_data(session, application, data)
    attach_encoded(session, application, files or {})
    states = {
        m.key: str(MaterialState.UPLOADED if m.uploads else MaterialState.COLLECTED)
        for m in application.materials
    }
    materials = {**materials, **{key: str(MaterialState.COMMITTED) for key in commitments}}
    unknown = sorted(set(materials) - set(states))
    if unknown:
        raise applications.ApplicationError(
            "本件事（按所答情形）没有以下材料：" + "、".join(unknown) + "；材料键为“材料种类|所属主体”"
        )
    states.update(materials)
    decision = applications.MaterialDecision(
        states, commitment_date, dict(licence_authorisations or {}), set(confirmed_parties)
    )
    return accept(session, application, decision, documents=False)
