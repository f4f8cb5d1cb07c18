"""Telling applicants what happened (短信告知): 受理, 容缺 reminders, 补正, each result, 办结, 出件.

``notify`` writes a notification in the caller's transaction, with the event that causes it; after
the commit, ``outbox.dispatch_application`` hands the application's pending ones to the queue (they are
claimed here: :func:`claim`, :func:`jobs`, :func:`release`), and the job sends each through the
installation's sender (``SMS_SENDER``, ``bundler/senders/``). The dispatcher loop (``outbox.hand_out``)
sends what a hand-off missed and the reminders of materials owed under 容缺.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from .. import clock
from ..catalogue.definitions import pinned, schema_for
from ..extensions import db
from ..models import Application, Notification
from ..queues import SYSTEM_QUEUE, Job
from ..senders import SENDERS, SendFailed
from ..states import ApplicationState, MaterialState, NotificationState
from .elicences import HOLDER_ELEMENTS
from .rating_links import rate_url
from .retries import next_attempt

MOBILE_ELEMENTS = ("手机号码", "联系电话", "移动电话")
MAX_ATTEMPTS = 4
STALE_AFTER = timedelta(minutes=2)  # a notice handed to a job that never ran is handed out again

# One text per event; {placeholders} come from the application and the event's details.
TEXTS: dict[str, str] = {
    "accepted": "您的“{bundle}”申请已受理，受理编号{tracking_no}，承诺{promised_date}前办结。进度查询：{track_url}",
    "accepted_pending": (
        "您的“{bundle}”申请已容缺受理，受理编号{tracking_no}。请于{commitment_date}前补交：{owed}。进度查询：{track_url}"
    ),
    "refused": "您的“{bundle}”申请暂不受理，需补齐的材料已一次性告知，请按一次性告知书准备后再来办理。",
    "reminder": "提醒：您的“{bundle}”申请（{tracking_no}）承诺于{commitment_date}前补交：{owed}。",
    "supplement": "您的“{bundle}”申请中“{item}”需要补正：{reason}。补正期间办理时限暂停。",
    "result": "您的“{bundle}”申请中“{item}”已办结：{outcome}。进度查询：{track_url}",
    "completed": "您的“{bundle}”申请（{tracking_no}）已全部办结，请按您选择的方式领取结果。",
    "partly_done": (
        "您的“{bundle}”申请（{tracking_no}）已办结，其中部分事项不予许可，理由见进度查询；"
        "已办结事项的结果请按您选择的方式领取。进度查询：{track_url}"
    ),
    "corrected": "您的“{bundle}”申请中“{item}”的办理结果已更正（{reason}），请以更正后的结果为准。进度查询：{track_url}",
    "handover": "您的“{bundle}”申请（{tracking_no}）办理结果已{method}。",
    "revoked": "您的“{bundle}”申请中“{item}”的告知承诺经核查不实，办理结果已撤销：{reason}。进度查询：{track_url}",
    "promise_moved": (
        "{year} 年法定节假日安排已公布，您的“{bundle}”申请（{tracking_no}）承诺办结日期由{old_date}调整为{new_date}。"
        "进度查询：{track_url}"
    ),
}


RATE_TEXT = " 评价本次服务：{rate_url}"  # every notice: the applicant can rate at each point (好差评)

NOTICE_EVENTS: dict[str, str] = {  # event → what the staff pages call it
    "accepted": "受理",
    "accepted_pending": "容缺受理",
    "refused": "暂不受理",
    "reminder": "容缺补交提醒",
    "supplement": "补正",
    "result": "事项办结",
    "completed": "全部办结",
    "partly_done": "部分办结",
    "corrected": "结果更正",
    "handover": "出件",
    "revoked": "结果撤销",
    "promise_moved": "办结日期调整",
}


def notify(session: Session, application: Application, event: str, **details: Any) -> Notification:
    """Write the notice of ``event`` for the applicant (sent after the caller's commit)."""
    if application.id is None:
        session.flush()  # the link to rate names the application
    values = _values(session, application)
    values.update({k: v for k, v in details.items() if v is not None})
    mobile = applicant_mobile(session, application)
    notification = Notification(
        application=application,
        event=event,
        recipient=mobile,
        body=TEXTS[event].format_map(_Blank(values)) + RATE_TEXT.format(rate_url=rate_url(application.id)),
        status=NotificationState.PENDING if mobile else NotificationState.UNDELIVERABLE,
    )
    session.add(notification)
    return notification


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def _values(session: Session, application: Application) -> dict[str, Any]:
    public = current_app.config["PUBLIC_URL"].rstrip("/")
    owed = [m.name for m in application.materials if m.status == MaterialState.DEFERRED]
    return {
        "bundle": pinned(session, application).bundle["name"],
        "tracking_no": application.tracking_no or "",
        "promised_date": application.promised_date.isoformat() if application.promised_date else "",
        "commitment_date": application.commitment_date.isoformat() if application.commitment_date else "",
        "owed": "、".join(owed),
        "track_url": f"{public}/track",
    }


def applicant_mobile(session: Session, application: Application) -> str | None:
    """The mobile number the applicant gave on the form (the subject's own first), else their login."""
    data: Mapping[str, Any] = application.data or {}
    fields = [f for f in schema_for(session, application).asked_fields if f.group is None]
    subject_roles = [f.role for f in fields if f.element in HOLDER_ELEMENTS]
    phones = [f for f in fields if f.element in MOBILE_ELEMENTS or f.type == "phone"]
    phones.sort(key=lambda f: f.role not in subject_roles[:1])
    for fld in phones:
        value = str(data.get(fld.key) or "").strip()
        if len(value) == 11 and value.isdigit() and value.startswith("1"):
            return value
    login = application.applicant.login if application.applicant is not None else ""
    return login if login and login.isdigit() else None


def notices_of(session: Session, application_id: int) -> list[Notification]:
    """An application's notices, oldest first (status page, window, API)."""
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.application_id == application_id)
            .order_by(Notification.id)
        )
    )


# --- sending -------------------------------------------------------------------------------------------


def claim(session: Session, application_id: int | None = None) -> list[int]:
    """Hold the due notices (an application's, or all) for ``STALE_AFTER`` while their jobs run, in
    the caller's transaction; rows another process holds are skipped. Their ids."""
    now = clock.utcnow()
    due = select(Notification.id).where(
        Notification.status == NotificationState.PENDING,
        or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now),
    )
    if application_id is not None:
        due = due.where(Notification.application_id == application_id)
    return list(
        session.scalars(
            update(Notification)
            .where(
                Notification.id.in_(
                    due.order_by(Notification.id).limit(500).with_for_update(skip_locked=True)
                )
            )
            .values(next_attempt_at=now + STALE_AFTER)
            .returning(Notification.id)
            .execution_options(synchronize_session=False)
        )
    )


def jobs(ids: list[int]) -> list[Job]:
    """The send jobs of claimed notices (job id = notice id, so a repeat is recognised)."""
    return [Job(SYSTEM_QUEUE, "bundler.jobs.send_notification", i, f"notification-{i}") for i in ids]


def release(session: Session, ids: list[int]) -> None:
    """Claimed notices that could not be queued are due again at once."""
    session.execute(update(Notification).where(Notification.id.in_(ids)).values(next_attempt_at=None))


def send(notification_id: int) -> None:
    """The job: send one notice once; a failure is counted and the next attempt scheduled
    (``retries.py``), until the attempts run out."""
    notification = db.session.get(Notification, notification_id, with_for_update=True)
    if notification is None or notification.status != NotificationState.PENDING:
        db.session.rollback()
        return
    sender = SENDERS.get(current_app.config["SMS_SENDER"], current_app.config)
    try:
        sender.send(notification.recipient or "", notification.body)
    except SendFailed as exc:
        notification.attempts += 1
        notification.error = str(exc)[:2000]
        notification.next_attempt_at = next_attempt(notification.attempts, MAX_ATTEMPTS)
        if notification.next_attempt_at is None:
            notification.status = NotificationState.FAILED
        db.session.commit()
        return
    notification.attempts += 1
    notification.sender = sender.name
    notification.status = NotificationState.SENT
    notification.sent_at = clock.utcnow()
    notification.next_attempt_at = None
    db.session.commit()


# --- reminders of materials owed under 容缺 --------------------------------------------------------------


def remind_deferred(session: Session, today: date | None = None, *, days_ahead: int = 1) -> int:
    """A reminder for each application whose 容缺 materials fall due within ``days_ahead`` calendar days
    (once per application and day). Returns how many were written; the caller commits."""
    today = today or clock.today()
    due = session.scalars(
        select(Application).where(
            Application.status == ApplicationState.ACCEPTED_PENDING,
            Application.commitment_date.is_not(None),
            Application.commitment_date >= today,
            Application.commitment_date <= today + timedelta(days=days_ahead),
        )
    ).all()
    reminded = set(
        session.scalars(
            select(Notification.application_id).where(
                Notification.event == "reminder",
                Notification.application_id.in_([a.id for a in due]),
                Notification.created_at >= clock.utcnow() - timedelta(hours=20),
            )
        )
    )
    written = 0
    for application in due:
        if application.id not in reminded:
            notify(session, application, "reminder")
            written += 1
    return written
