"""The context of each printable document kind: plain, JSON-serialisable dicts.

Every text a person reads is already Chinese (or a value as entered). Dates are ISO strings
(``"2026-11-23"``), date-times ``"2026-11-23 10:30"``; the templates print them as
``2026年11月23日`` / ``2026年11月23日 10:30``. Values of form fields may be strings, numbers,
booleans (printed 是/否) or lists (joined with 、); ``None`` prints as empty.

Keys every kind accepts (all optional):

* ``centre`` — :class:`Centre`, the service centre's contacts, printed at the foot of the document;
* ``generated_at`` — date-time printed in the footer (default: the time of rendering).

The TypedDicts below are documentation and type-checking aids; the renderer takes any mapping.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

KINDS = (
    "notice",
    "application_form",
    "receipt",
    "commitment",
    "pledge",
    "missing_notice",
    "supplement_notice",
    "item_form",
)


class Centre(TypedDict, total=False):
    name: str  # 汉台区政务服务中心
    address: str
    phone: str  # 咨询电话
    complaint_phone: str  # 监督投诉电话
    hours: str
    website: str


class Ref(TypedDict):
    code: str
    name: str


class DepartmentRef(TypedDict):
    code: str
    name: str


class ItemRef(TypedDict):
    code: str
    name: str
    department: str  # department name


class Person(TypedDict, total=False):
    name_masked: str  # 张*三 — masked by the caller, never the clear value
    id_number_masked: str  # 6101**********1234
    phone_masked: str


class Clerk(TypedDict, total=False):
    window: str  # 综合受理3号窗口
    name: str


class Row(TypedDict):
    label: str
    value: Any


class Table(TypedDict):
    """A repeating group: one row per entry, one column per field."""

    title: str
    columns: list[str]
    rows: list[list[Any]]


class FormSection(TypedDict):
    title: str
    rows: list[Row]
    tables: list[Table]


# --- notice: 一次告知单 -------------------------------------------------------------------------


class NoticeAnswer(TypedDict):
    question: str  # question id
    text: str  # the question
    answer: str  # 是 / 否 / the option / 未回答


class NoticeItem(TypedDict):
    code: str
    name: str
    type: str  # 行政许可 …
    department: DepartmentRef
    promised_days: int
    legal_days: int
    fees: str
    place: str
    hours: str
    phone: str
    result: str
    condition_text: str  # 当“…”为“是”时需要 (blank notice only; empty = always)


class NoticeMaterial(TypedDict):
    name: str
    original: str | None  # 原件 / 复印件 / 原件及复印件
    copies: int | None
    required: bool
    tolerable: bool  # 容缺: may be supplied later on commitment
    e_licence: bool  # 可用电子证照免交
    per_person: str | None  # a repeating role: one for each of its persons (每位买方各一份)
    items: list[ItemRef]
    condition_text: str


class NoticeProvided(TypedDict):
    name: str
    produced_by: ItemRef | None  # produced inside the bundle: not to bring


class NoticeField(TypedDict):
    label: str
    required: bool
    type_text: str  # 文本 / 公民身份号码 / 日期 …
    options: list[str]
    group: str | None
    condition_text: str


class NoticeSection(TypedDict):
    title: str
    fields: list[NoticeField]


class NoticeTiming(TypedDict):
    promised_days: int  # the bundle's promised time: critical path of promised days
    statutory_days: int
    sum_promised_days: int  # what the items would take one after another
    sum_statutory_days: int
    critical_path: list[ItemRef]
    stages: list[list[ItemRef]]


class NoticeContext(TypedDict):
    bundle: Ref  # code, name
    version: int
    description: str | None
    lead_department: DepartmentRef
    blank: bool  # no scenario answered: every possible item, material and field, with conditions
    answers: list[NoticeAnswer]
    items: list[NoticeItem]
    materials: list[NoticeMaterial]
    provided: list[NoticeProvided]
    sections: list[NoticeSection]
    timing: NoticeTiming
    stats: dict[str, Any]  # forms' reduction statistics (component/merged/asked fields and materials)
    tolerance_note: str  # the short note on 容缺受理 / 电子证照免交
    confirm_by: str  # 各方确认: who must confirm the application (empty: nobody beyond the applicant)
    centre: NotRequired[Centre]
    generated_at: NotRequired[str]


# --- application_form: 一表申请 ----------------------------------------------------------------


class ApplicationFormContext(TypedDict):
    tracking_number: str  # empty for a draft
    bundle: Ref
    date: str  # ISO date of the application
    applicant: NotRequired[Person]
    sections: list[FormSection]
    centre: NotRequired[Centre]
    generated_at: NotRequired[str]


# --- receipt: 受理回执 ------------------------------------------------------------------------


class ReceiptStep(TypedDict):
    code: str
    name: str
    department: str
    stage: int  # 1-based parallel stage
    promised_days: int
    days_unit: NotRequired[str]  # 工作日 (when absent) or 自然日
    due_date: str


class ReceiptMaterial(TypedDict, total=False):
    name: str
    original: str | None
    copies: int | None
    e_licence: bool  # taken from the e-licence library instead of paper
    committed: bool  # replaced by the applicant's signed 告知承诺


class OwedMaterial(TypedDict):
    name: str
    items: list[str]  # names of the items needing it
    due_date: str  # commitment date


class Promised(TypedDict):
    date: str
    working_days: int
    calendar_version: str


class ReceiptContext(TypedDict):
    tracking_number: str
    bundle: Ref
    applicant: Person
    accepted_at: str  # date-time
    accepted_by: Clerk
    channel: str  # 网上申请 / 窗口受理
    promised: Promised
    steps: list[ReceiptStep]
    materials_received: list[ReceiptMaterial]
    materials_owed: list[OwedMaterial]
    status_url: str
    rate_url: NotRequired[str]  # 好差评 of this application, signed (no account needed)
    centre: NotRequired[Centre]
    generated_at: NotRequired[str]


# --- commitment: 容缺受理承诺书 -----------------------------------------------------------------


class CommitmentMaterial(TypedDict):
    name: str
    items: list[str]
    note: NotRequired[str]


class CommitmentContext(TypedDict):
    tracking_number: str
    bundle: Ref
    applicant: Person
    due_date: str  # supply the materials by this date
    materials: list[CommitmentMaterial]
    clerk: Clerk
    date: str
    centre: NotRequired[Centre]
    generated_at: NotRequired[str]


# --- pledge: 告知承诺书（证明事项告知承诺制） -----------------------------------------------------------


class PledgeEntry(TypedDict):
    name: str  # the material (证明) or condition the commitment replaces
    items: list[str]  # names of the items that accept the commitment for it
    verify_days: int  # the department verifies within this many days of its approval
    verify_unit: NotRequired[str]  # 工作日 (default) or 自然日, the item's days_unit


class PledgeContext(TypedDict):
    tracking_number: str
    bundle: Ref
    applicant: Person
    entries: list[PledgeEntry]
    clerk: Clerk
    date: str
    centre: NotRequired[Centre]
    generated_at: NotRequired[str]


# --- missing_notice: 一次性告知书（补正材料通知书） --------------------------------------------------


class MissingMaterial(TypedDict):
    name: str
    reason: str  # 未提交 / 复印件不清晰 …
    items: NotRequired[list[str]]


class MissingField(TypedDict):
    label: str
    message: str
    section: NotRequired[str]


class MissingNoticeContext(TypedDict):
    tracking_number: str
    bundle: Ref
    applicant: Person
    materials: list[MissingMaterial]
    fields: list[MissingField]
    deadline: NotRequired[str]  # supply by (optional)
    clerk: Clerk
    date: str
    rate_url: NotRequired[str]  # 好差评 of the refusal, signed (no account needed)
    centre: NotRequired[Centre]
    generated_at: NotRequired[str]


# --- supplement_notice: 补正告知书 (a department's 补正 after acceptance, told once) ----------------


class SupplementRound(TypedDict):
    department: str
    item: str  # name of the step that asks
    requested_at: str  # date-time
    reason: str  # everything asked, as the officer wrote it
    materials: list[str]  # names of the materials to supply again
    fields: list[str]  # labels of the fields to correct


class SupplementNoticeContext(TypedDict):
    tracking_number: str
    bundle: Ref
    applicant: Person
    rounds: list[SupplementRound]  # every open 补正 request of the application
    status_url: NotRequired[str]  # where to answer online
    date: str
    centre: NotRequired[Centre]
    generated_at: NotRequired[str]


# --- item_form: one department's own form --------------------------------------------------------


class ItemFormMaterial(TypedDict):
    name: str
    status: str  # 已提交 / 电子证照免交 / 容缺待补 / 由前序事项出具 …
    note: NotRequired[str]


class UpstreamResult(TypedDict):
    item: str  # name of the upstream item
    label: str
    value: Any


class ItemFormContext(TypedDict):
    item: ItemRef  # code, name, department (name)
    tracking_number: str
    bundle: NotRequired[Ref]
    date: str
    rows: list[Row]  # the item's own fields under its own labels
    tables: list[Table]  # its repeating groups
    materials: list[ItemFormMaterial]
    upstream: list[UpstreamResult]
    centre: NotRequired[Centre]
    generated_at: NotRequired[str]


CONTEXTS: dict[str, type] = {
    "notice": NoticeContext,
    "application_form": ApplicationFormContext,
    "receipt": ReceiptContext,
    "commitment": CommitmentContext,
    "pledge": PledgeContext,
    "missing_notice": MissingNoticeContext,
    "supplement_notice": SupplementNoticeContext,
    "item_form": ItemFormContext,
}
