"""What a step gives back (一端出件): its checked results, the documents it issues, the licence it puts
into its holder's record (一人一档、一企一档), and the one handover of an application's results.

Results are checked by the data dictionary exactly as applicant data is: the fields the item produces
become a form of their own (``forms.produced_schema``) and the unified form's validation runs on it.
Services never commit: the views and jobs that call these own the transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

import forms

from .. import clock
from ..catalogue import definitions
from ..models import ApiToken, Application, ELicence, Handover, ResultDocument, Task, User
from ..states import FINISHED_STATES, Channel, HandoverMethod, TaskState, VisitPurpose, label
from . import uploads, visits
from .elicences import LocalELicenceStore, holder_hashes
from .notifications import notify

DOCUMENT_TYPES = {"application/pdf": "PDF", uploads.OFD: "OFD"}
NUMBER_ELEMENTS = ("统一社会信用代码", "公民身份号码")  # whose record a licence belongs to


class ResultProblems(ValueError):
    """Results or documents that do not pass: a Chinese message, and the problems by field."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        self.errors = {key: list(messages) for key, messages in errors.items()}
        super().__init__("；".join(m for messages in self.errors.values() for m in messages))


# --- results checked by the data dictionary ------------------------------------------------------------


def produced_fields(session: Session, task: Task) -> list[forms.MergedField]:
    schema = definitions.schema_for(session, task.application)
    return [f for f in schema.fields if f.filled_in_step(task.item.code)]


def checked_results(session: Session, task: Task, results: Mapping[str, Any]) -> dict[str, Any]:
    """The results as the data dictionary reads them (normalised), or :class:`ResultProblems`
    naming each field that is unknown, missing or invalid (check characters, dates, options)."""
    from .applications import checked_data

    schema = definitions.schema_for(session, task.application)
    own = forms.produced_schema(schema, task.item.code)
    fields = {f.key: f for f in own.fields}
    errors: dict[str, list[str]] = {
        key: [f"“{key}”不是本事项产生的结果"] for key in results if key not in fields
    }
    missing = [f for key, f in fields.items() if f.required and results.get(key) in (None, "")]
    for fld in missing:
        errors[fld.key] = [f"请填写本事项产生的结果：{fld.label}"]
    if errors:
        raise ResultProblems(errors)
    values, problems = checked_data(own, {key: results.get(key) for key in fields})
    if problems:
        raise ResultProblems(
            {
                key: [_named(fields[key].label if key in fields else key, m) for m in messages]
                for key, messages in problems.items()
            }
        )
    return {key: values.get(key) for key in fields}


def _named(label: str, message: str) -> str:
    """The form's message, naming the field (the unified form's messages usually do already)."""
    return message if label in message else f"{label}：{message}"


# --- result documents -------------------------------------------------------------------------------------


def store_documents(
    session: Session, task: Task, documents: Sequence[tuple[str, bytes]]
) -> list[ResultDocument]:
    """Keep the documents issued with a decision (PDF or OFD, checked by content), encrypted."""
    errors: dict[str, list[str]] = {}
    checked = []
    for index, (name, content) in enumerate(documents):
        try:
            kind = uploads.check_upload(content, name)
        except uploads.UploadError as exc:
            errors[f"documents.{index}"] = [str(exc)]
            continue
        if kind not in DOCUMENT_TYPES:
            errors[f"documents.{index}"] = [f"结果文书“{name}”应为 PDF 或 OFD 文件"]
            continue
        checked.append((name.strip()[-255:] or f"结果文书{index + 1}", kind, content))
    if errors:
        raise ResultProblems(errors)
    stored = []
    for name, kind, content in checked:
        document = ResultDocument(
            task=task,
            filename=name,
            content_type=kind,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
        )
        session.add(document)
        stored.append(document)
    return stored


def documents_of(session: Session, application: Application) -> dict[int, list[ResultDocument]]:
    """Result documents by task id."""
    rows = session.scalars(
        select(ResultDocument)
        .join(Task)
        .where(Task.application_id == application.id)
        .order_by(ResultDocument.id)
    )
    found: dict[int, list[ResultDocument]] = {}
    for row in rows:
        found.setdefault(row.task_id, []).append(row)
    return found


def result_document(session: Session, application: Application, document_id: int) -> ResultDocument | None:
    document = session.get(ResultDocument, document_id)
    if document is None or document.task.application_id != application.id:
        return None
    return document


def step_results(session: Session, application: Application) -> dict[int, dict[str, Any]]:
    """What each finished step gave back, by task id: results with their labels, the reason of a
    refusal or a block, and the documents (shown as soon as the step is decided)."""
    decided = [
        t for t in application.tasks if t.status in (TaskState.DONE, TaskState.REJECTED, TaskState.BLOCKED)
    ]
    if not decided:
        return {}  # nothing to look up (a new application)
    schema = definitions.schema_for(session, application)
    documents = documents_of(session, application)
    shown = {}
    for task in decided:
        results = dict(task.results or {}) if task.status == TaskState.DONE else {}
        shown[task.id] = {
            "results": results,
            "labels": {key: (schema.by_key[key].label if key in schema.by_key else key) for key in results},
            "reason": task.reason if task.status != TaskState.DONE else None,
            "finished_at": clock.local(task.finished_at).isoformat(timespec="seconds")
            if task.finished_at
            else None,
            "documents": documents.get(task.id, []),
        }
    return shown


# --- licences into their holder's record (一人一档、一企一档) ---------------------------------------------


@dataclass(frozen=True)
class IssuedLicence:
    holder: str
    kind: str


def issued_licences(
    session: Session, task: Task, results: Mapping[str, Any], known: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The licences an approved step issues, as records of the local store.

    A step issues a licence when the bundle uses what it produces as a material (the merged material's
    ``produced_by`` is the item: 营业执照 of 经营者 from the registration), or when it produces a number
    (a credit code or a ``…编号`` / ``…证号`` element) and its item names a result (``result``, e.g.
    食品经营许可证). The holder is the role's credit code or ID number: produced by the step itself
    (a new business), else known from the application (typed by the applicant, or produced by another
    step: a newborn's ID number comes after the birth certificate). Without a holder, nothing is filed.
    """
    application = task.application
    schema = definitions.schema_for(session, application)
    item = definitions.pinned(session, application).items[task.item.code]
    # a person's values (a step run per person) are read under ``role.element``, as a single person's
    results = {_person_key(k): v for k, v in results.items()}
    produced = [
        f
        for f in schema.fields
        if f.filled_in_step(task.item.code) and (f.group is None or f.group in schema.repeating)
    ]
    kinds: list[tuple[str, str | None, str]] = [
        (m.kind, m.role, m.name) for m in schema.materials if m.produced_by == task.item.code
    ]
    numbered = [f for f in produced if _is_number(f.element)]
    if not kinds and numbered and item.get("result"):
        kinds = [(str(item["result"]), numbered[0].role, str(item["result"]))]
    records = []
    for kind, role, title in kinds:
        mine = [f for f in produced if f.role == role] or produced
        holder = next(
            (results.get(_own(f)) for f in mine if f.element in NUMBER_ELEMENTS and results.get(_own(f))),
            None,
        ) or next(
            (known.get(f"{role}.{element}") for element in NUMBER_ELEMENTS if known.get(f"{role}.{element}")),
            None,
        )
        if not holder:
            continue
        number = next(
            (results.get(_own(f)) for f in mine if _is_number(f.element) and results.get(_own(f))), None
        )
        certified = {
            element: known[f"{role}.{element}"]
            for element in ("名称", "姓名", "住所")
            if known.get(f"{role}.{element}")
        }
        certified.update({f.element: results[_own(f)] for f in mine if f.element and results.get(_own(f))})
        records.append(
            {
                "holder": str(holder),
                "kind": kind,
                "title": item.get("result") or title,
                "number": str(number) if number else None,
                "issuer": task.department.name,
                "data": certified,
            }
        )
    return records


def _person_key(key: str) -> str:
    """``新生儿[].出生医学证明编号`` -> ``新生儿.出生医学证明编号``: one person's value."""
    in_group = forms.split_group_key(key)
    return f"{in_group[0]}.{in_group[1]}" if in_group else key


def _own(f: forms.MergedField) -> str:
    return _person_key(f.key)


def _is_number(element: str | None) -> bool:
    return bool(element) and (element in NUMBER_ELEMENTS[:1] or str(element).endswith(("编号", "证号")))


def _application_licences(
    session: Session, application: Application, replaced: Mapping[int, Mapping[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Every licence the approved steps of an application issue (``replaced``: other results by task)."""
    replaced = replaced or {}
    done = [t for t in application.tasks if t.status == TaskState.DONE]
    results = {t.id: dict(replaced.get(t.id, t.results or {})) for t in done}
    known: dict[str, Any] = dict(application.data or {})
    for t in done:
        known.update({k: v for k, v in results[t.id].items() if not forms.split_group_key(k)})
    return [
        record
        for t in done
        for record in issued_licences(
            session, t, results[t.id], {**known, **_person_known(application, t, results)}
        )
    ]


def _person_known(
    application: Application, task: Task, results: Mapping[int, Mapping[str, Any]]
) -> dict[str, Any]:
    """For a task run per person: that person's values, typed or produced by the steps run for the
    same person, as ``role.element``."""
    person = task.per_person
    if person is None:
        return {}
    role, index = person
    rows = (application.data or {}).get(forms.group_key(role)) or []
    known = {f"{role}.{col}": v for col, v in rows[index].items()} if index < len(rows) else {}
    for other in application.tasks:
        if other.id in results and other.per_person == person:
            known.update({_person_key(k): v for k, v in results[other.id].items()})
    return known


def file_licences(
    session: Session, application: Application, *, corrected: tuple[Task, Mapping[str, Any]] | None = None
) -> list[IssuedLicence]:
    """Put the licences the application's approved steps issue into the local store (again: filing is
    idempotent, and a later step may have produced the holder's number). On a correction
    (``corrected``: the task and its old results), withdraw what the old values filed under a holder
    or kind the new ones no longer name."""
    new = _application_licences(session, application)
    if corrected is not None:
        task, old_results = corrected
        kept = {(r["holder"].strip().upper(), r["kind"]) for r in new}
        for old in _application_licences(session, application, {task.id: old_results}):
            if (old["holder"].strip().upper(), old["kind"]) not in kept:
                session.execute(
                    delete(ELicence).where(
                        ELicence.holder_hash.in_(holder_hashes(old["holder"])), ELicence.kind == old["kind"]
                    )
                )
    if new:
        LocalELicenceStore(session).load(new)
    return [IssuedLicence(r["holder"], r["kind"]) for r in new]


# --- the handover (出件) ----------------------------------------------------------------------------------


class HandoverError(ValueError):
    """A handover that cannot be recorded: a Chinese message, and the problems by field."""

    def __init__(self, message: str, errors: Mapping[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.errors = dict(errors or {})


NOTICE_WORDS = {
    HandoverMethod.WINDOW: "在窗口领取",
    HandoverMethod.MAIL: "寄出",
    HandoverMethod.DOWNLOAD: "供网上下载",
}
# The delivery method chosen on the review page → the handover it expects.
CHOSEN = {"窗口领取": HandoverMethod.WINDOW, "邮寄送达": HandoverMethod.MAIL}


def expected_handover(application: Application) -> HandoverMethod:
    """The handover the applicant asked for (review page); taken at the counter: collected there."""
    chosen = CHOSEN.get(application.delivery_method or "")
    if chosen is not None:
        return chosen
    return HandoverMethod.DOWNLOAD if application.channel == Channel.ONLINE else HandoverMethod.WINDOW


def awaiting_handover(session: Session, limit: int = 50) -> list[Application]:
    """Finished applications whose results have not been handed over yet, the oldest first (办结待出件)."""
    handed = select(Handover.id).where(Handover.application_id == Application.id).exists()
    return list(
        session.scalars(
            select(Application)
            .where(Application.status.in_(FINISHED_STATES), ~handed)
            .order_by(Application.completed_at, Application.id)
            .limit(limit)
        )
    )


def handover_of(session: Session, application: Application) -> Handover | None:
    if application.status not in FINISHED_STATES:
        return None  # results are handed over once the application is finished (record_handover)
    return session.scalar(select(Handover).where(Handover.application_id == application.id))


def record_handover(
    session: Session,
    application: Application,
    method: str,
    *,
    actor: str,
    clerk: User | None = None,
    token: ApiToken | None = None,
    id_checked: bool = False,
    collector: str | None = None,
    address: str | None = None,
    carrier: str | None = None,
    tracking_number: str | None = None,
) -> Handover:
    """出件, once: collected at the window (the collector's ID checked), mailed (to an address, with the
    carrier's tracking number) or downloaded. The applicant is told."""
    if application.status not in FINISHED_STATES:
        raise HandoverError(f"申请当前状态为“{application.status_label}”，办结后才能出件")
    if handover_of(session, application) is not None:
        raise HandoverError("该申请已经出件，不能重复登记", {"application": ["该申请已经出件"]})
    try:
        chosen = HandoverMethod(method)
    except ValueError:
        raise HandoverError("出件方式只能是 window、mail 或 download", {"method": ["出件方式无效"]}) from None
    address = (address or "").strip() or (application.delivery_address or "").strip() or None
    errors: dict[str, list[str]] = {}
    if chosen == HandoverMethod.WINDOW and not id_checked:
        errors["id_checked"] = ["窗口领取须核验领取人身份证件"]
    if chosen == HandoverMethod.MAIL:
        if not address:
            errors["address"] = ["邮寄送达须填写收件地址"]
        if not (tracking_number or "").strip():
            errors["tracking_number"] = ["邮寄送达须登记快递运单号"]
    if errors:
        raise HandoverError("；".join(m for messages in errors.values() for m in messages), errors)
    handover = Handover(
        application=application,
        method=chosen,
        clerk=clerk,
        api_token=token,
        actor=actor,
        id_checked=bool(id_checked) if chosen == HandoverMethod.WINDOW else False,
        collector=(collector or "").strip() or None,
        address=address if chosen == HandoverMethod.MAIL else None,
        carrier=(carrier or "").strip()[:50] or None if chosen == HandoverMethod.MAIL else None,
        tracking_number=(tracking_number or "").strip() or None if chosen == HandoverMethod.MAIL else None,
        handed_at=clock.utcnow(),
    )
    session.add(handover)
    if chosen == HandoverMethod.WINDOW:
        visits.log_visit(session, application, VisitPurpose.COLLECT, actor=actor)
    words = NOTICE_WORDS[chosen]
    if chosen == HandoverMethod.MAIL:
        words += f"（{handover.carrier or '快递'}运单号 {handover.tracking_number}）"
    notify(session, application, "handover", method=words)
    return handover


def handover_json(handover: Handover | None) -> dict[str, Any] | None:
    if handover is None:
        return None
    return {
        "method": handover.method,
        "method_label": label(HandoverMethod, handover.method),
        "by": handover.actor,
        "id_checked": handover.id_checked,
        "carrier": handover.carrier,
        "tracking_number": handover.tracking_number,
        "at": clock.local(handover.handed_at).isoformat(timespec="seconds"),
    }
