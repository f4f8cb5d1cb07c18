"""One vocabulary: every state the service stores, and the one table of their Chinese labels.

Models store the values, graphs/ decides the task transitions (its ``TaskState`` is taken in here),
templates show ``state.label`` and the OpenAPI document lists ``values(Kind)``. A value means the same
everywhere; a label is written once.
"""

from __future__ import annotations

from enum import StrEnum

from graphs.states import FINISHED as FINISHED_STEPS
from graphs.states import OPEN as OPEN_TASKS
from graphs.states import TASK_LABELS, TaskState


class Labelled(StrEnum):
    """A stored state whose label comes from :data:`LABELS`."""

    @property
    def label(self) -> str:
        return LABELS[type(self)][self]


class ApplicationState(Labelled):
    DRAFT = "draft"  # 填写中（申请人网上或窗口代填）
    ACCEPTED = "accepted"
    ACCEPTED_PENDING = "accepted_pending"  # 容缺受理：非关键材料后补
    REFUSED = "refused"  # 暂不受理，已一次性告知
    COMPLETED = "completed"  # every step succeeded (the value API clients have always seen)
    PARTLY_DONE = "partly_done"  # nothing can move any more, and some step was refused (不予许可)


class ConfirmationChannel(Labelled):
    """How a party confirmed the application (各方确认)."""

    ONLINE = "online"  # signed in with their own account
    COUNTER = "counter"  # at the counter, their ID card checked by the clerk


class Channel(Labelled):
    """Where an application came in."""

    ONLINE = "online"
    WINDOW = "window"
    API = "api"


class MaterialState(Labelled):
    PENDING = "pending"  # 尚未提供
    UPLOADED = "uploaded"
    COLLECTED = "collected"  # 窗口已收取纸质材料
    E_LICENCE = "e_licence"  # 电子证照已核验，免交
    DEFERRED = "deferred"  # 容缺，承诺后补
    SUPPLIED = "supplied"  # 容缺材料已补交，待部门确认
    COMMITTED = "committed"  # 告知承诺：以申请人签署的承诺代替，部门办结后核查
    MISSING = "missing"  # 暂不受理时告知
    PRODUCED = "produced"  # 由本件事内的事项产生，无需申请人提供


class DeliveryState(Labelled):
    """A task's hand-over to its department (the outbox row)."""

    PENDING = "pending"  # written with the task, not yet handed to Redis
    QUEUED = "queued"  # a delivery job is in the department's queue
    DELIVERED = "delivered"  # only the delivery job sets this
    FAILED = "failed"  # retries ran out; a person can retry it


class HandoverMethod(Labelled):
    """How the results left the service (出件), recorded once per application."""

    WINDOW = "window"  # collected at the window, the collector's ID checked by a clerk
    MAIL = "mail"  # mailed to the address the applicant gave; the carrier's tracking number kept
    DOWNLOAD = "download"  # downloaded (electronic licence / result documents)


class ChangeState(Labelled):
    """A drafted catalogue change (事项动态管理)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class FollowUpState(Labelled):
    """The case a bad rating (差评) opens: 核实 by the department rated, 整改 when it was true, 回访 by
    the lead department, closed; a department may appeal (申诉) while it verifies or rectifies, and a
    reviewer decides."""

    OPEN = "open"  # to verify (核实)
    FOLLOWING = "following"  # verified as true: to rectify (整改)
    REVISITING = "revisiting"  # to call the applicant back (回访)
    APPEALED = "appealed"  # the department appealed; a reviewer decides
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"  # the appeal was upheld: not counted as a bad rating


class RatingLevel(Labelled):
    """The five national levels of 好差评, stored as the score (5 best) they always had here."""

    VERY_SATISFIED = "5"
    SATISFIED = "4"
    FAIRLY_SATISFIED = "3"
    DISSATISFIED = "2"
    VERY_DISSATISFIED = "1"


class RevisitOutcome(Labelled):
    """What the applicant said when the lead department called back about a 差评 (回访)."""

    SATISFIED = "satisfied"
    FAIRLY_SATISFIED = "fair"
    DISSATISFIED = "dissatisfied"
    UNREACHABLE = "unreachable"  # three calls unanswered: closed with the attempts recorded


class RatingChannel(Labelled):
    """Where a rating was given (评价渠道)."""

    ONLINE = "online"  # the applicant's own pages
    COUNTER = "counter"  # the window's 评价器, turned to the applicant (or the window system's token)


class RatingOccasion(Labelled):
    """The point of the service a rating answers to: one rating per step and occasion."""

    ACCEPTED = "accepted"  # at the counter, once the application was taken
    REFUSED = "refused"  # after 暂不受理 and its 一次性告知
    FINISHED = "finished"  # after the results (办结)


class VisitPurpose(Labelled):
    """Why an applicant came to the counter: each visit is logged there, so 最多跑一次 is counted from
    what happened, not assumed."""

    SUBMIT = "submit"  # 递交申请（受理或暂不受理）
    SUPPLEMENT = "supplement"  # 补交、补正材料
    CONFIRM = "confirm"  # 到场确认、核验原件
    COLLECT = "collect"  # 领取结果
    OTHER = "other"


class NotificationState(Labelled):
    PENDING = "pending"  # written with its event, not yet handed to the sender
    SENT = "sent"
    FAILED = "failed"  # the sender refused it every time
    UNDELIVERABLE = "undeliverable"  # no mobile number to send to


class CalendarYearState(Labelled):
    """A year of the working-day calendar (法定节假日与调休安排)."""

    PUBLISHED = "published"  # entered from the State Council's notice: dates in it are final
    PROVISIONAL = "provisional"  # not yet published: weekends only, every date counted in it is an estimate


class PauseKind(Labelled):
    """Why a step's clock stands still."""

    SUPPLEMENT = "supplement"  # 补正: the department asked the applicant for materials or corrections
    SPECIAL = "special"  # 特别程序: 检验检测、专家评审、听证、公示, kept out of the limit by the statute


SPECIAL_PROCEDURES = ("检验检测", "专家评审", "听证", "公示")


class Verification(Labelled):
    """The 核查 of a result approved on a signed commitment (告知承诺制)."""

    CONFIRMED = "confirmed"  # 承诺属实
    FALSE = "false"  # 承诺不实：结果撤销


class GuideCheckState(Labelled):
    """A guide drawn in a sampling check (办事指南抽检)."""

    DRAWN = "drawn"  # drawn, not yet checked
    PASSED = "passed"  # checked: accurate and complete
    FOUND = "found"  # findings recorded: the department corrects by the due date
    CORRECTED = "corrected"  # the department corrected it


class DocumentState(Labelled):
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


LABELS: dict[type[StrEnum], dict[str, str]] = {
    TaskState: {state.value: text for state, text in TASK_LABELS.items()},
    ApplicationState: {
        ApplicationState.DRAFT: "填写中",
        ApplicationState.ACCEPTED: "已受理",
        ApplicationState.ACCEPTED_PENDING: "已容缺受理",
        ApplicationState.REFUSED: "暂不受理（已一次性告知）",
        ApplicationState.COMPLETED: "已办结",
        ApplicationState.PARTLY_DONE: "部分办结",
    },
    HandoverMethod: {
        HandoverMethod.WINDOW: "窗口领取",
        HandoverMethod.MAIL: "邮寄送达",
        HandoverMethod.DOWNLOAD: "网上下载",
    },
    Channel: {Channel.ONLINE: "网上申请", Channel.WINDOW: "窗口受理", Channel.API: "系统接口"},
    ConfirmationChannel: {
        ConfirmationChannel.ONLINE: "本人登录确认",
        ConfirmationChannel.COUNTER: "窗口核验身份证后确认",
    },
    MaterialState: {
        MaterialState.PENDING: "未提供",
        MaterialState.UPLOADED: "已上传",
        MaterialState.COLLECTED: "已收取",
        MaterialState.E_LICENCE: "电子证照免交",
        MaterialState.DEFERRED: "容缺后补",
        MaterialState.SUPPLIED: "已补交，待部门确认",
        MaterialState.COMMITTED: "告知承诺代替",
        MaterialState.MISSING: "缺少",
        MaterialState.PRODUCED: "由前序事项出具",
    },
    DeliveryState: {
        DeliveryState.PENDING: "待分发",
        DeliveryState.QUEUED: "已入队",
        DeliveryState.DELIVERED: "已送达",
        DeliveryState.FAILED: "分发失败",
    },
    ChangeState: {
        ChangeState.DRAFT: "草稿",
        ChangeState.SUBMITTED: "待审核",
        ChangeState.PUBLISHED: "已发布",
        ChangeState.REJECTED: "已退回",
        ChangeState.WITHDRAWN: "已撤回",
    },
    FollowUpState: {
        FollowUpState.OPEN: "待核实",
        FollowUpState.FOLLOWING: "待整改",
        FollowUpState.REVISITING: "待回访",
        FollowUpState.APPEALED: "申诉待裁定",
        FollowUpState.CLOSED: "已回访办结",
        FollowUpState.WITHDRAWN: "申诉成立，不计差评",
    },
    RatingLevel: {
        RatingLevel.VERY_SATISFIED: "非常满意",
        RatingLevel.SATISFIED: "满意",
        RatingLevel.FAIRLY_SATISFIED: "基本满意",
        RatingLevel.DISSATISFIED: "不满意",
        RatingLevel.VERY_DISSATISFIED: "非常不满意",
    },
    RevisitOutcome: {
        RevisitOutcome.SATISFIED: "满意",
        RevisitOutcome.FAIRLY_SATISFIED: "基本满意",
        RevisitOutcome.DISSATISFIED: "不满意",
        RevisitOutcome.UNREACHABLE: "多次联系未接通",
    },
    RatingChannel: {RatingChannel.ONLINE: "网上评价", RatingChannel.COUNTER: "窗口评价器"},
    RatingOccasion: {
        RatingOccasion.ACCEPTED: "受理时",
        RatingOccasion.REFUSED: "一次性告知后",
        RatingOccasion.FINISHED: "办结后",
    },
    VisitPurpose: {
        VisitPurpose.SUBMIT: "递交申请",
        VisitPurpose.SUPPLEMENT: "补交材料",
        VisitPurpose.CONFIRM: "到场确认",
        VisitPurpose.COLLECT: "领取结果",
        VisitPurpose.OTHER: "其他",
    },
    NotificationState: {
        NotificationState.PENDING: "待发送",
        NotificationState.SENT: "已发送",
        NotificationState.FAILED: "发送失败",
        NotificationState.UNDELIVERABLE: "无手机号码",
    },
    CalendarYearState: {
        CalendarYearState.PUBLISHED: "已发布",
        CalendarYearState.PROVISIONAL: "暂按周末估算",
    },
    PauseKind: {PauseKind.SUPPLEMENT: "补正", PauseKind.SPECIAL: "特别程序"},
    Verification: {Verification.CONFIRMED: "核查属实", Verification.FALSE: "核查不实，已撤销"},
    GuideCheckState: {
        GuideCheckState.DRAWN: "待检查",
        GuideCheckState.PASSED: "合格",
        GuideCheckState.FOUND: "待整改",
        GuideCheckState.CORRECTED: "已整改",
    },
    DocumentState: {
        DocumentState.PENDING: "生成中",
        DocumentState.READY: "已生成",
        DocumentState.FAILED: "生成失败",
    },
}

# Groups the rules use.
# Tasks that will never move again: graphs/ calls a blocked step unfinished (it is below a refusal), the
# application stores it as blocked and is done with it.
FINISHED_TASKS = FINISHED_STEPS | {TaskState.BLOCKED}
ACCEPTED_STATES = (ApplicationState.ACCEPTED, ApplicationState.ACCEPTED_PENDING)  # in flight
RUNNING_TASKS = (TaskState.READY, TaskState.IN_PROGRESS)  # open with its clock running (not paused)
FINISHED_STATES = (ApplicationState.COMPLETED, ApplicationState.PARTLY_DONE)  # 办结: results handed over
EDITABLE_STATES = (ApplicationState.DRAFT, ApplicationState.REFUSED)  # the applicant may still change it
OWED_MATERIALS = (MaterialState.DEFERRED, MaterialState.SUPPLIED)  # 容缺: not yet confirmed by a department
MATERIAL_SATISFIED = frozenset(
    {
        MaterialState.UPLOADED,
        MaterialState.COLLECTED,
        MaterialState.E_LICENCE,
        MaterialState.PRODUCED,
        MaterialState.COMMITTED,
    }
)
# What a material may be settled as at acceptance: produced ones are not asked, supplied comes after.
SETTLED_AT_ACCEPTANCE = tuple(
    state for state in MaterialState if state not in (MaterialState.PRODUCED, MaterialState.SUPPLIED)
)
OPEN_CHANGE_STATES = (ChangeState.DRAFT, ChangeState.SUBMITTED, ChangeState.REJECTED)
# a 差评 case still owed work (overdue once past its due date)
OPEN_CASES = (FollowUpState.OPEN, FollowUpState.FOLLOWING, FollowUpState.REVISITING, FollowUpState.APPEALED)

__all__ = [
    "ACCEPTED_STATES",
    "EDITABLE_STATES",
    "FINISHED_STATES",
    "FINISHED_TASKS",
    "LABELS",
    "MATERIAL_SATISFIED",
    "OPEN_CASES",
    "OPEN_CHANGE_STATES",
    "OPEN_TASKS",
    "OWED_MATERIALS",
    "RUNNING_TASKS",
    "ApplicationState",
    "CalendarYearState",
    "Channel",
    "ChangeState",
    "ConfirmationChannel",
    "DeliveryState",
    "DocumentState",
    "FollowUpState",
    "GuideCheckState",
    "HandoverMethod",
    "Labelled",
    "MaterialState",
    "NotificationState",
    "SETTLED_AT_ACCEPTANCE",
    "SPECIAL_PROCEDURES",
    "PauseKind",
    "RatingChannel",
    "RatingLevel",
    "RatingOccasion",
    "RevisitOutcome",
    "TaskState",
    "Verification",
    "VisitPurpose",
    "label",
    "labels",
    "values",
]


def label(kind: type[StrEnum], value: str | None) -> str:
    """The Chinese label of a stored value (the value itself when it is not one of ``kind``)."""
    if value is None:
        return ""
    return LABELS[kind].get(value, value)


def labels(kind: type[StrEnum]) -> dict[str, str]:
    """value → label, in declaration order (select options, filters)."""
    return {member.value: LABELS[kind][member] for member in kind}


def values(kind: type[StrEnum]) -> list[str]:
    """The stored values of ``kind`` (the OpenAPI enums)."""
    return [member.value for member in kind]
