"""One application for one bundle: scenario, merged form, one set of materials, acceptance.

The bundle version and the item versions an application starts under are pinned on it, so its merged
form (and every department's projection of it) stays the same whatever the catalogue does later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

import forms
import graphs

from .. import clock
from ..catalogue.definitions import bundle_definition, pinned, plan_for, schema_for
from ..catalogue.queries import NotFound, current_versions
from ..clock import utcnow
from ..models import (
    Application,
    ApplicationMaterial,
    Department,
    Item,
    ItemVersion,
    Task,
    User,
)
from ..privacy import lookup_hash, mask_id_number, mask_name
from ..states import SETTLED_AT_ACCEPTANCE, ApplicationState, MaterialState, TaskState, values
from . import confirmations, visits, work_calendar
from .audit import audit
from .elicences import (
    HOLDER_ELEMENTS,
    ELicenceUnavailable,
    holder_number,
    licence_for_material,
    licence_provider,
    material_role,
    record_use,
)
from .outbox import open_deliveries

TRACKING_PREFIX = "YJS"


class ApplicationError(ValueError):
    """A request about an application that cannot be carried out; the message is Chinese."""


class InvalidData(ApplicationError):
    """Form data that fails validation: ``errors`` maps merged keys to Chinese messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__(f"申请表有 {len(errors)} 处需要修改")


# --- starting and filling ---------------------------------------------------------------------------


def start_application(
    session: Session,
    bundle_code: str,
    *,
    answers: Mapping[str, Any] | None = None,
    channel: str,
    applicant: User | None = None,
    clerk: User | None = None,
) -> Application:
    """A draft application pinned to the bundle's current version and its items' current versions
    (added to the session, not flushed: acceptance writes everything in one go)."""
    current = current_versions(session, bundle_code)
    if current is None:
        raise NotFound(f"一件事“{bundle_code}”不存在或尚未发布")
    version_id, item_versions = current.bundle_version_id, current.item_versions
    _, bundle = bundle_definition(session, version_id)
    parsed = _scenario(bundle["questions"], answers or {})
    application = Application(
        bundle_version_id=version_id,
        lead_department_id=current.lead_department_id,
        status=ApplicationState.DRAFT,
        channel=channel,
        answers=parsed,
        data={},
        item_versions=item_versions,
        applicant=applicant,
        created_by=clerk,
        materials=[],
        tasks=[],
    )
    session.add(application)
    sync_materials(session, application)
    return application


def change_answers(session: Session, application: Application, raw_answers: Mapping[str, Any]) -> None:
    _require_draft(application)
    definition = pinned(session, application)
    application.answers = _scenario(definition.bundle["questions"], raw_answers)
    sync_materials(session, application)


def _scenario(questions: list[dict[str, Any]], raw_answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers given, and the default of each question left unanswered that has one."""
    return graphs.scenarios.with_defaults(questions, graphs.parse_answers(questions, raw_answers))


def unanswered_questions(session: Session, application: Application) -> list[str]:
    """The text of each question that decides a step and is neither answered nor defaulted."""
    bundle = pinned(session, application).bundle
    return [q["text"] for q in graphs.scenarios.unanswered_questions(bundle, application.answers)]


def _require_draft(application: Application) -> None:
    if application.status not in (ApplicationState.DRAFT, ApplicationState.REFUSED):
        raise ApplicationError("该申请已受理，不能再修改")


def sync_materials(session: Session, application: Application) -> None:
    """One row per merged material of the current scenario and form data, keeping what was already
    provided. A material whose condition on the form's fields fails is not asked; if files were
    already given for it, they stay, no longer required."""
    schema = schema_for(session, application)
    existing = {m.key: m for m in application.materials}
    wanted: list[ApplicationMaterial] = []
    check = forms.conditions.checker(application.data or {})
    for position, material in enumerate(schema.materials):
        key = material_key(material)
        needed = material.when is None or check(material.when)
        if not needed and (key not in existing or existing[key].status == MaterialState.PENDING):
            continue
        row = existing.get(key) or ApplicationMaterial(key=key, status=MaterialState.PENDING)
        row.position = position
        row.name = material.name
        row.required = material.required and needed
        row.e_licence = material.e_licence
        row.deferrable = material.deferrable
        row.commitment = material.commitment
        if not material.asked:
            row.status = MaterialState.PRODUCED
        elif row.status == MaterialState.PRODUCED:
            row.status = MaterialState.PENDING
        wanted.append(row)
    application.materials = wanted


def material_key(material: forms.MergedMaterial) -> str:
    return f"{material.kind}|{material.role or ''}"


def checked_data(
    schema: forms.MergedSchema, data: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Unified data as the unified form reads it (stripped, normalised, typed as JSON), and Chinese
    messages per merged key for what does not pass."""
    known = {f.key for f in schema.asked_fields} | {f.group_key for f in schema.asked_fields if f.group_key}
    errors: dict[str, list[str]] = {}
    for key in data:
        if key in known:
            continue
        if key in schema.by_key and schema.by_key[key].produced_by:
            errors[key] = [f"“{schema.by_key[key].label}”由本件事内的事项办理后产生，无需填写"]
        elif key in schema.by_key and schema.by_key[key].filled_by:
            errors[key] = [f"“{schema.by_key[key].label}”由部门办理时填写，无需填写"]
        else:
            errors[key] = ["申请表中没有这一项"]
    form_class = forms.build_form(schema)
    form = form_class(MultiDict(forms.formdata_for(schema, data)))
    if not form.validate():
        for name, messages in form.errors.items():
            key = form.field_keys.get(name, name)
            errors[key] = _flatten(messages)
    return form.to_unified(jsonable=True), errors


def validation_errors(schema: forms.MergedSchema, data: Mapping[str, Any]) -> dict[str, list[str]]:
    return checked_data(schema, data)[1]


def _flatten(messages: Any) -> list[str]:
    if isinstance(messages, str):
        return [messages]
    if isinstance(messages, Mapping):
        return [m for value in messages.values() for m in _flatten(value)]
    return [m for value in messages for m in _flatten(value)]


def save_data(session: Session, application: Application, data: Mapping[str, Any]) -> list[str]:
    """Keep what was entered (a draft may be incomplete); the subject is found for later look-ups. A
    value locked from an e-licence stays as it was: the keys the data tried to change are returned."""
    _require_draft(application)
    data = dict(data)
    stored = application.data or {}
    kept = [key for key in application.locked or {} if key in data and data[key] != stored.get(key)]
    for key in application.locked or {}:
        data[key] = stored.get(key)
    if data != stored:
        application.submit_requested_at = None  # 各方确认 was asked for other content: submit again
    application.data = data
    _update_subject(session, application)
    sync_materials(session, application)  # a material may depend on what the form says
    return kept


def lock_values(application: Application, keys: Iterable[str], source: str) -> None:
    """Saved values taken from an authoritative source (an e-licence): locked against change."""
    application.locked = {**(application.locked or {}), **{key: source for key in keys}}


def unlock_value(session: Session, application: Application, key: str, reason: str, actor: str) -> None:
    """A clerk lets a locked value be changed (the person shows it is out of date), with a reason."""
    _require_draft(application)
    if key not in (application.locked or {}):
        raise ApplicationError("该项不是锁定的内容")
    if not (reason or "").strip():
        raise ApplicationError("解锁须写明理由（例如证照信息已变更、以何证明为准）")
    source = application.locked[key]
    application.locked = {k: v for k, v in application.locked.items() if k != key}
    audit(
        session,
        actor,
        "unlock",
        application=application,
        before={"key": key, "source": source},
        after={"reason": reason.strip()},
    )


def subject_of(schema: forms.MergedSchema, data: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The applicant's ID number (or credit code) and name: those of the first role, in the element
    dictionary's order of roles, that the form gives one for (the first person of a repeating role)."""
    ranked = sorted(
        (forms.default_dictionary().role_rank(fld.role or ""), n, fld)
        for n, fld in enumerate(schema.asked_fields)
        if fld.element in HOLDER_ELEMENTS and (fld.group is None or fld.group in schema.repeating)
    )
    for _rank, _n, fld in ranked:
        if fld.group is None:
            person: Mapping[str, Any] = {
                k.partition(".")[2]: v for k, v in data.items() if k.startswith(f"{fld.role}.")
            }
        else:
            rows = data.get(fld.group_key or "") or [{}]
            person = rows[0] if isinstance(rows, list) and rows else {}
        number = person.get(fld.element or "")
        if number:
            name = person.get("姓名") or person.get("名称")
            return str(number).strip().upper(), (str(name) if name else None)
    return None, None


def subject_hash_of(session: Session, application: Application) -> str | None:
    """The keyed hash the application is found by (its applicant's ID number or credit code)."""
    number, _ = subject_of(schema_for(session, application), application.data)
    return lookup_hash("subject", number) if number else None


def _update_subject(session: Session, application: Application) -> None:
    number, name = subject_of(schema_for(session, application), application.data)
    application.subject_hash = lookup_hash("subject", number) if number else None
    application.subject_label = f"{mask_name(name)} {mask_id_number(number)}".strip() if number else None


# --- acceptance -------------------------------------------------------------------------------------


@dataclass
class MaterialDecision:
    """How the counter (or the online flow) settles each merged material, by material key."""

    states: dict[str, str] = field(default_factory=dict)
    commitment_date: date | None = None
    # material key -> how the holder of another person's e-licence authorised its use (当面授权, 授权委托书 …)
    authorisations: dict[str, str] = field(default_factory=dict)
    # 各方确认: the parties (父亲, 买方#2 …) whose ID card the clerk checked and who confirmed in person
    confirmed_parties: set[str] = field(default_factory=set)


def _check_materials(
    application: Application,
    decision: MaterialDecision,
    licence_problem: Callable[[ApplicationMaterial], str | None],
) -> list[str]:
    """Apply the decision to every material; the problems that stop it (Chinese). ``licence_problem``
    checks (and records) the e-licence that is to stand for a material."""
    problems = []
    allowed = SETTLED_AT_ACCEPTANCE
    for material in application.materials:
        if material.status == MaterialState.PRODUCED:
            continue
        state = decision.states.get(material.key, material.status)
        if state not in allowed:
            problems.append(f"材料“{material.name}”的状态“{state}”无效")
            continue
        if state == MaterialState.E_LICENCE and not material.e_licence:
            problems.append(f"材料“{material.name}”不能以电子证照代替")
        elif (
            state == MaterialState.E_LICENCE
            and material.status != state
            and (problem := licence_problem(material))
        ):
            problems.append(problem)
            continue
        if state == MaterialState.DEFERRED and not material.deferrable:
            problems.append(f"材料“{material.name}”不属于可容缺受理的材料，不能容缺后补")
        if state == MaterialState.COMMITTED and not material.commitment:
            problems.append(f"材料“{material.name}”不适用告知承诺制，须提交材料本身")
        if state in (MaterialState.PENDING, MaterialState.MISSING) and material.required:
            problems.append(f"缺少必需材料“{material.name}”")
        material.status = state
    return problems


def accept(
    session: Session,
    application: Application,
    decision: MaterialDecision | None = None,
    *,
    by: User | None = None,
) -> Application:
    """受理 (or 容缺受理 when materials are deferred): validate, plan the steps, give a tracking number."""
    if application.status not in (ApplicationState.DRAFT, ApplicationState.REFUSED):
        raise ApplicationError("该申请已经受理")
    if unanswered := unanswered_questions(session, application):
        raise ApplicationError("请先回答情形问题：" + "；".join(unanswered))
    decision = decision or MaterialDecision()
    schema = schema_for(session, application)
    if schema.conflicts:
        raise ApplicationError("本件事的表单还有未解决的冲突，牵头部门处理后才能受理")
    data, errors = checked_data(schema, application.data)
    if errors:
        raise InvalidData(errors)
    application.data = data  # what departments receive is what the form validated
    provider = licence_provider(session)
    own_number, _name = subject_of(schema, application.data)

    def licence_problem(material: ApplicationMaterial) -> str | None:
        """A licence stands only for its holder's material of its kind; another person's needs that
        person's recorded authorisation."""
        role = material_role(material)
        if role in schema.repeating and forms.person_count(application.data, role) > 1:
            return f"“{material.name}”须由每位{role}各自提供：有多位{role}时请收取纸质原件或上传扫描件"
        try:
            licence = licence_for_material(provider, schema, application.data, material)
        except ELicenceUnavailable as exc:
            return f"“{material.name}”：{exc}"
        if licence is None:
            return f"电子证照库中没有“{material.name}”持证人的此类证照，请收取纸质原件核对"
        holder = holder_number(schema, application.data, material_role(material))
        authorisation = (decision.authorisations.get(material.key) or "").strip()[:200]
        if holder != own_number and not authorisation:
            return f"“{material.name}”是{material_role(material)}本人的证照，须记录持证人的授权（当面授权或授权委托书）后才能调取"
        record_use(material, licence, holder=holder, authorisation=authorisation)
        return None

    problems = _check_materials(application, decision, licence_problem)
    if problems:
        raise ApplicationError("；".join(problems))
    unconfirmed = confirmations.confirm_at_counter(session, application, decision.confirmed_parties, by)
    if unconfirmed:
        raise ApplicationError(confirmations.required_message(unconfirmed))
    for material in application.materials:
        if material.status == MaterialState.COLLECTED and material.collected_at is None:
            material.collected_at = utcnow()  # the paper original, checked by this clerk
            material.collected_by = by.actor_label if by else None
    planned = plan_for(session, application)
    today = clock.today()
    calendar = work_calendar.current(session)
    forecast = work_calendar.promised_forecast(session, application, calendar, started_on=today)
    deferred = [m for m in application.materials if m.status == MaterialState.DEFERRED]
    if deferred:
        if decision.commitment_date is None:
            raise ApplicationError("容缺受理须填写申请人承诺补交材料的日期")
        if decision.commitment_date < today or decision.commitment_date > forecast.date:
            raise ApplicationError(f"承诺补交日期须在今天至承诺办结日期 {forecast.date.isoformat()} 之间")
        for material in deferred:
            material.due_date = decision.commitment_date
        application.commitment_date = decision.commitment_date
    _create_tasks(session, application, planned, calendar)
    open_deliveries(session, application)
    application.promised_date = forecast.date
    application.promised_days = graphs.working_days_between(
        today, forecast.date, estimate=True, calendar=calendar
    )
    application.separate_days = (
        planned.sum_promised_days
    )  # each item applied for on its own, one after another
    application.calendar_note = work_calendar.forecast_note(forecast)
    application.status = ApplicationState.ACCEPTED_PENDING if deferred else ApplicationState.ACCEPTED
    application.accepted_at = utcnow()
    application.accepted_by = by
    _update_subject(session, application)
    visits.log_submission(session, application, by)
    session.flush()  # the application, its materials, tasks and deliveries, written together
    if not application.tracking_no:
        application.tracking_no = f"{TRACKING_PREFIX}{today:%Y%m%d}{application.id:06d}"
    return application


def _create_tasks(
    session: Session,
    application: Application,
    planned: graphs.Plan,
    calendar: graphs.WorkCalendar,
) -> None:
    definition = pinned(session, application)
    applicable = set(planned.steps)
    view = graphs.evaluate(planned, {code: TaskState.WAITING for code in applicable})
    with session.no_autoflush:  # the application is written once, with its tasks, after this
        found = session.execute(  # one round trip; item and department come along
            select(ItemVersion, Item, Department)
            .join(Item, ItemVersion.item_id == Item.id)
            .join(Department, Item.department_id == Department.id)
            .where(ItemVersion.id.in_(application.item_versions.values()))
        ).all()
    rows = {item.code: (version, item, department) for version, item, department in found}
    tasks = []
    for position, step in enumerate(definition.bundle["steps"]):
        code = step["item"]
        version, item, department = rows[code]
        role = forms.per_role(step)
        persons = forms.person_count(application.data, role) if role and code in applicable else 1
        for person in range(persons):  # a step run per person (per: 新生儿): one task for each
            task = Task(
                item=item,
                item_version=version,
                department=department,
                lead_department_id=application.lead_department_id,
                position=position,
                per_role=role if code in applicable else None,
                person=person,
                status=TaskState.SKIPPED
                if code not in applicable
                else (TaskState.READY if code in view.ready else TaskState.WAITING),
            )
            if task.status == TaskState.READY:
                task.ready_at = utcnow()
                task.due_date = work_calendar.task_due(task, calendar).date
            tasks.append(task)
    application.tasks = tasks


def refuse(
    session: Session, application: Application, decision: MaterialDecision, *, by: User | None
) -> Application:
    """暂不受理: record everything missing so that it is told once, in full (一次性告知)."""
    if application.status not in (ApplicationState.DRAFT, ApplicationState.REFUSED):
        raise ApplicationError("该申请已经受理")
    unknown = [
        m.name
        for m in application.materials
        if decision.states.get(m.key, m.status) not in values(MaterialState)
    ]
    if unknown:
        raise ApplicationError("材料状态无效：" + "、".join(unknown))
    for material in application.materials:
        state = decision.states.get(material.key, material.status)
        if material.status != MaterialState.PRODUCED:
            material.status = (
                MaterialState.MISSING if state in (MaterialState.PENDING, MaterialState.MISSING) else state
            )
    application.status = ApplicationState.REFUSED
    application.refused_at = utcnow()
    application.accepted_by = by
    visits.log_submission(session, application, by)
    return application


def reopen(application: Application) -> None:
    """A refused application goes back to draft with everything entered kept."""
    if application.status != ApplicationState.REFUSED:
        raise ApplicationError("只有暂不受理的申请可以重新办理")
    application.status = ApplicationState.DRAFT


def missing_items(session: Session, application: Application) -> dict[str, Any]:
    """What is missing, all at once: scenario questions to answer, materials not provided and form
    fields to correct."""
    schema = schema_for(session, application)
    return {
        "questions": unanswered_questions(session, application),
        "materials": [
            m
            for m in application.materials
            if m.status in (MaterialState.PENDING, MaterialState.MISSING) and m.required
        ],
        "fields": validation_errors(schema, application.data),
    }
