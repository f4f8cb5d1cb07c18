"""The JSON API's request and response bodies as marshmallow schemas.

The same classes validate what a client sends (webargs), shape what it gets back (flask-smorest dumps
every JSON answer through them) and generate the OpenAPI document (apispec), so the document cannot
say something the API does not do. Enums come from :mod:`bundler.states`; every message a client
reads is Chinese.
"""

from __future__ import annotations

from typing import Any

from flask_smorest.fields import Upload  # type: ignore[import-untyped]
from marshmallow import EXCLUDE, Schema, fields, pre_load
from marshmallow.validate import Length, OneOf, Range, Regexp

from ..catalogue.contract import CODE_PATTERN
from ..services.document_kinds import DOCUMENT_KINDS
from ..services.notifications import NOTICE_EVENTS
from ..services.tasks import OUTCOMES
from ..services.work_queue import API_LIMIT, API_MAX_LIMIT, API_MAX_PAGE
from ..states import (
    SETTLED_AT_ACCEPTANCE,
    SPECIAL_PROCEDURES,
    ApplicationState,
    CalendarYearState,
    ChangeState,
    Channel,
    FollowUpState,
    HandoverMethod,
    MaterialState,
    NotificationState,
    RatingChannel,
    RatingLevel,
    RatingOccasion,
    TaskState,
    Verification,
    VisitPurpose,
    values,
)

# What a value of the wrong JSON type is told, by field class (the first class of the field's MRO listed).
_WRONG_TYPE: dict[type[fields.Field], str] = {
    fields.Mapping: "应为 JSON 对象",
    fields.List: "应为数组",
    fields.Date: "应为 YYYY-MM-DD 格式的日期",
    fields.Integer: "应为整数",
    fields.Number: "应为数字",
    fields.Boolean: "应为 true 或 false",
    fields.String: "应为字符串",
}


def _chinese(field: fields.Field, name: str, title: str | None) -> None:
    """Replace marshmallow's English messages of ``field`` (and of the fields inside it) by Chinese ones."""
    subject = f"{name} " if name else ""
    messages = {
        "required": f"缺少{title}（{name}）" if title else f"缺少 {name}",
        "null": f"{subject}不能为 null",
        "validator_failed": f"{subject}取值无效",
    }
    wrong_type = next((_WRONG_TYPE[cls] for cls in type(field).__mro__ if cls in _WRONG_TYPE), None)
    if wrong_type:
        messages["invalid"] = subject + wrong_type
        messages["format"] = subject + wrong_type
        messages["type"] = subject + wrong_type
    if "too_large" in field.error_messages:
        messages["too_large"] = f"{subject}数值过大"
    if "invalid_utf8" in field.error_messages:
        messages["invalid_utf8"] = f"{subject}含有无效的 UTF-8 字符"
    field.error_messages = {**field.error_messages, **messages}
    inner = [getattr(field, attr, None) for attr in ("inner", "key_field", "value_field")]
    for part in inner:
        if isinstance(part, fields.Field):
            _chinese(part, "", None)


class ApiSchema(Schema):
    """A body of the API. Unknown fields are ignored (as they always were); messages are Chinese, and a
    field's ``title`` (metadata, also shown in the document) names it in the message of a missing value."""

    class Meta:
        unknown = EXCLUDE

    error_messages = {"type": "请求体应为 JSON 对象", "unknown": "不认识的字段"}

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        _chinese(field_obj, field_obj.data_key or field_name, field_obj.metadata.get("title"))


def _date(description: str, *, nullable: bool = True) -> fields.Field:
    """A date in an answer: ISO text (``YYYY-MM-DD``), written by the view or the service."""
    return fields.String(
        required=True, allow_none=nullable, metadata={"format": "date", "description": description}
    )


def _one_of(kind_values: list[str], what: str = "取值") -> OneOf:
    return OneOf(kind_values, error=f"{what}只能是：{'、'.join(kind_values)}")


# --- errors ------------------------------------------------------------------------------------------


class ErrorSchema(ApiSchema):
    """Every refusal of the API: a Chinese explanation, the status again and, for invalid input,
    the problems by field."""

    error = fields.String(required=True, metadata={"description": "中文说明"})
    status = fields.Integer(required=True, metadata={"description": "HTTP 状态码"})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "按字段（请求字段，或合并表单键，如 申请人.姓名）列出的中文错误信息"},
    )


# --- the window system: applications --------------------------------------------------------------

SETTLED_MATERIAL_STATES = [str(state) for state in SETTLED_AT_ACCEPTANCE]


class NewFileSchema(ApiSchema):
    name = fields.String(
        required=True,
        validate=Length(min=1, max=255, error="文件名应为 1 至 255 个字符"),
        metadata={"title": "文件名", "description": "文件名，如 身份证.pdf", "example": "身份证.pdf"},
    )
    content_base64 = fields.String(
        required=True,
        metadata={
            "title": "文件内容",
            "description": "文件内容的 base64 编码；按内容识别类型（PDF、OFD、JPEG、PNG），不看文件名",
        },
    )


class NewApplicationSchema(ApiSchema):
    """One submission, accepted in one go (an unknown bundle or form data that fails the bundle's own
    rules is refused with 422 and the problems by field)."""

    bundle = fields.String(
        required=True,
        validate=[
            Length(min=1, error="缺少一件事编码（bundle）"),
            Regexp(CODE_PATTERN, error="一件事编码只能由字母、数字、下划线和连字符组成"),
        ],
        metadata={"title": "一件事编码", "description": "一件事编码，如 KFD", "example": "KFD"},
    )
    answers = fields.Dict(
        keys=fields.String(),
        allow_none=True,
        metadata={
            "description": "情形问题的答案：{问题编号: 答案}（是/否问题答 true 或 false）。决定是否办理某一事项的问题必须回答，"
            "一件事为它给出默认答案（default）的除外；未回答时 422，并写明问题",
            "example": {},
        },
    )
    data = fields.Dict(
        keys=fields.String(),
        allow_none=True,
        metadata={
            "description": '合并申请表数据：{"申请人.姓名": "张三", "从业人员[]": [{...}]}；是/否字段为 true 或 false'
        },
    )
    materials = fields.Dict(
        keys=fields.String(),
        values=fields.String(validate=_one_of(SETTLED_MATERIAL_STATES, "材料状态")),
        allow_none=True,
        metadata={"description": "材料收取情况：{材料键: 状态}；未列出的材料视为已收取（collected）"},
    )
    licence_authorisations = fields.Dict(
        keys=fields.String(),
        values=fields.String(validate=Length(min=1, max=200)),
        allow_none=True,
        metadata={
            "description": '以他人的电子证照代替材料时，持证人授权的方式：{材料键: "当面授权" 或 "授权委托书" 等}'
        },
    )
    confirmed_parties = fields.List(
        fields.String(validate=Length(min=1, max=80)),
        allow_none=True,
        metadata={
            "description": "各方确认（一件事规定 confirm_by 时）：窗口已当面核验身份证、本人确认申请内容的当事人，"
            '如 ["母亲", "父亲"]，可重复角色写“角色#序号”，如 "买方#2"；未确认的当事人须本人登录确认'
        },
    )
    commitments = fields.List(
        fields.String(),
        allow_none=True,
        metadata={
            "description": "告知承诺制：以申请人签署的告知承诺书代替的材料键（材料种类|所属主体）；"
            "仅限事项列为可承诺的材料，部门办结后在核查期限内核查"
        },
    )
    commitment_date = fields.Date(
        allow_none=True,
        metadata={"description": "容缺受理时申请人承诺补交材料的日期（YYYY-MM-DD）；空字符串视同未填"},
    )
    files = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Nested(NewFileSchema)),
        allow_none=True,
        metadata={
            "description": "材料文件：{材料键: [{name, content_base64}]}；有文件的材料视为已上传（uploaded）。"
            "base64 无效、类型不符或超过大小上限时回答 422，并在 files.材料键 下说明"
        },
    )

    @pre_load
    def _empty_date_is_none(self, data: Any, **_: Any) -> Any:
        if isinstance(data, dict) and data.get("commitment_date") == "":
            return {**data, "commitment_date": None}
        return data


class IdempotencySchema(ApiSchema):
    key = fields.String(
        data_key="Idempotency-Key",
        validate=Length(max=150, error="Idempotency-Key 不能超过 150 个字符"),
        metadata={"description": "同一令牌重复提交同一键时返回原申请（200），不再新建"},
    )


class ResultDocumentSchema(ApiSchema):
    id = fields.Integer(required=True)
    name = fields.String(required=True, metadata={"description": "文件名"})
    size = fields.Integer(required=True, metadata={"description": "字节数"})
    content_type = fields.String(
        required=True, metadata={"description": "按内容识别的类型：application/pdf 或 application/ofd"}
    )
    sha256 = fields.String(required=True, metadata={"description": "内容的 SHA-256（十六进制）"})
    url = fields.String(required=True, metadata={"description": "下载地址（本 API，综合窗口令牌）"})


class StepSchema(ApiSchema):
    item = fields.String(required=True, metadata={"description": "事项编码"})
    department = fields.String(required=True, metadata={"description": "实施部门编码"})
    status = fields.String(required=True, validate=_one_of(values(TaskState)))
    due = _date("办理期限（工作日计算）；尚未开始的步骤没有")
    due_is_estimate = fields.Boolean(
        required=True,
        metadata={"description": "期限跨入尚未发布节假日安排的年份，暂按周末估算；发布后重新计算"},
    )
    results = fields.Dict(
        keys=fields.String(),
        required=True,
        metadata={
            "description": "该步骤准予后即公布的结果：{数据项（如 经营者.统一社会信用代码）: 值}；未准予的步骤为空对象"
        },
    )
    reason = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "不予许可的理由，或受阻（blocked）时阻止它的前置事项及其理由"},
    )
    finished_at = fields.String(
        required=True,
        allow_none=True,
        metadata={"format": "date-time", "description": "准予、不予或受阻的时刻"},
    )
    documents = fields.List(
        fields.Nested(ResultDocumentSchema), required=True, metadata={"description": "该步骤出具的结果文书"}
    )


class ApplicationMaterialSchema(ApiSchema):
    key = fields.String(required=True, metadata={"description": "材料键：材料种类|角色"})
    name = fields.String(required=True)
    status = fields.String(required=True, validate=_one_of(values(MaterialState)))
    due = _date("容缺后补材料的补交期限")


class DocumentLinkSchema(ApiSchema):
    kind = fields.String(required=True, validate=_one_of(DOCUMENT_KINDS.names_for("application")))
    title = fields.String(required=True)
    url = fields.String(required=True, metadata={"description": "取文书 PDF 的地址（本 API）"})


class ApplicationSchema(ApiSchema):
    id = fields.Integer(required=True)
    tracking_no = fields.String(
        required=True, allow_none=True, metadata={"description": "受理编号；尚未受理（填写中）的申请没有"}
    )
    bundle = fields.String(required=True, metadata={"description": "一件事编码"})
    bundle_version = fields.Integer(required=True, metadata={"description": "受理时的一件事版本，办结前不变"})
    status = fields.String(required=True, validate=_one_of(values(ApplicationState)))
    channel = fields.String(required=True, validate=_one_of(values(Channel)))
    promised_date = _date("承诺办结日期；受理时算出")
    due_is_estimate = fields.Boolean(
        required=True,
        metadata={"description": "承诺办结日期跨入尚未发布节假日安排的年份，暂按周末估算；发布后重新计算"},
    )
    commitment_date = _date("容缺受理时申请人承诺补交材料的日期")
    steps = fields.List(fields.Nested(StepSchema), required=True)
    materials = fields.List(fields.Nested(ApplicationMaterialSchema), required=True)
    documents = fields.List(
        fields.Nested(DocumentLinkSchema), required=True, metadata={"description": "本申请的文书"}
    )
    handover = fields.Nested(
        "HandoverSchema",
        required=True,
        allow_none=True,
        metadata={"description": "出件登记（办结后只登记一次）；尚未出件时为 null"},
    )


class DocumentPendingSchema(ApiSchema):
    status = fields.String(required=True, validate=OneOf(["pending"]))
    message = fields.String(required=True)


# --- department systems: tasks ----------------------------------------------------------------------


class TaskFilterSchema(ApiSchema):
    status = fields.String(
        validate=_one_of(values(TaskState), "状态"),
        metadata={"description": "只列出这一状态的事项；省略时列出除“不适用”（skipped）外的全部"},
    )
    limit = fields.Integer(
        load_default=API_LIMIT,
        validate=Range(min=1, max=API_MAX_LIMIT, error=f"limit 应为 1 至 {API_MAX_LIMIT}"),
        metadata={"description": f"每次最多返回的事项数（默认 {API_LIMIT}）"},
    )
    cursor = fields.String(
        validate=Length(max=100, error="cursor 无效"),
        metadata={"description": "上一次应答的 next_cursor，取其后的一页"},
    )


class TaskSummarySchema(ApiSchema):
    id = fields.Integer(required=True)
    application = fields.Integer(required=True, metadata={"description": "申请 id"})
    item = fields.String(required=True, metadata={"description": "事项编码"})
    status = fields.String(required=True, validate=_one_of(values(TaskState)))
    due = _date("办理期限（工作日计算）")
    due_is_estimate = fields.Boolean(
        required=True,
        metadata={"description": "期限跨入尚未发布节假日安排的年份，暂按周末估算；发布后重新计算"},
    )


class TaskListSchema(ApiSchema):
    tasks = fields.List(
        fields.Nested(TaskSummarySchema), required=True, metadata={"description": "按办理期限排序"}
    )
    total = fields.Integer(required=True, metadata={"description": "符合条件的事项总数（不分页）"})
    next_cursor = fields.String(
        required=True, allow_none=True, metadata={"description": "下一页的 cursor；已是最后一页时为 null"}
    )


class MaterialFileSchema(ApiSchema):
    id = fields.Integer(required=True)
    name = fields.String(required=True, metadata={"description": "文件名"})
    size = fields.Integer(required=True, metadata={"description": "字节数"})
    content_type = fields.String(
        required=True,
        metadata={"description": "按内容识别的类型：application/pdf、application/ofd、image/jpeg、image/png"},
    )
    sha256 = fields.String(required=True, metadata={"description": "内容的 SHA-256（十六进制）"})


class TaskFileSchema(MaterialFileSchema):
    url = fields.String(
        required=True,
        metadata={"format": "uri", "description": "下载地址：只有本事项部门的令牌（或管理员令牌）可以下载"},
    )
    signed_url = fields.String(
        required=True,
        metadata={
            "format": "uri",
            "description": "带签名的下载地址：无需令牌，到期（signed_url_expires）后失效",
        },
    )
    signed_url_expires = fields.String(
        required=True, metadata={"format": "date-time", "description": "带签名地址的失效时刻"}
    )


class TaskLicenceSchema(ApiSchema):
    title = fields.String(required=True, metadata={"description": "证照名称"})
    number = fields.String(required=True, allow_none=True, metadata={"description": "证照编号（脱敏）"})
    holder = fields.String(required=True, allow_none=True, metadata={"description": "持证人（脱敏）"})
    found = fields.Boolean(required=True, metadata={"description": "电子证照库中是否找到该证照"})
    authorisation = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "他人证照：持证人授权的方式（当面授权、授权委托书等）"},
    )


class TaskCollectedSchema(ApiSchema):
    by = fields.String(required=True, metadata={"description": "核验纸质原件的窗口人员或窗口系统"})
    at = fields.String(required=True, metadata={"format": "date-time", "description": "核验时刻"})


class TaskMaterialSchema(ApiSchema):
    key = fields.String(required=True, metadata={"description": "材料键：材料种类|角色"})
    name = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "材料种类"})
    status = fields.String(required=True, validate=_one_of(values(MaterialState)))
    files = fields.List(fields.Nested(TaskFileSchema), required=True, metadata={"description": "材料的文件"})
    licence = fields.Nested(
        TaskLicenceSchema, required=True, allow_none=True, metadata={"description": "代替该材料的电子证照"}
    )
    collected = fields.Nested(
        TaskCollectedSchema, required=True, allow_none=True, metadata={"description": "纸质原件的窗口核验"}
    )


class FileUploadSchema(ApiSchema):
    file = Upload(required=True, metadata={"title": "文件", "description": "一个文件（PDF、OFD、JPEG、PNG）"})


class StoredFileSchema(MaterialFileSchema):
    material = fields.String(required=True, metadata={"description": "材料键"})
    material_status = fields.String(required=True, validate=_one_of(values(MaterialState)))


class TaskSchema(ApiSchema):
    """What a department receives for a task (the same content the delivery pushes)."""

    task = fields.Integer(required=True)
    application = fields.Integer(required=True)
    tracking_no = fields.String(required=True, metadata={"description": "受理编号"})
    bundle = fields.String(required=True)
    bundle_version = fields.Integer(required=True)
    item = fields.String(required=True)
    item_version = fields.Integer(required=True)
    department = fields.String(required=True)
    person = fields.Nested(
        "TaskPersonSchema",
        allow_none=True,
        required=True,
        metadata={"description": "按人办理（per）的事项：本任务所办的是该角色的第几位；其他事项为 null"},
    )
    due = _date("办理期限（工作日计算）")
    due_is_estimate = fields.Boolean(
        required=True,
        metadata={"description": "期限跨入尚未发布节假日安排的年份，暂按周末估算；发布后重新计算"},
    )
    form = fields.Dict(
        keys=fields.String(),
        required=True,
        metadata={"description": "本事项表单：{字段名: 取值}，重复组为 {组: [{字段名: 取值}]}"},
    )
    materials = fields.List(fields.Nested(TaskMaterialSchema), required=True)
    upstream = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String()),
        required=True,
        metadata={
            "description": "已办结的上游事项产生的结果：{事项编码: {数据项: 值}}；按人办理的事项（per）"
            "对同一角色按人办理的本事项只给同一人的结果，对其他事项按“事项编码#序号”逐人给出"
        },
    )
    corrections = fields.List(
        fields.Nested("CorrectionNoticeSchema"),
        required=True,
        metadata={"description": "前序事项在推送后更正过的结果（先后顺序）；upstream 已是更正后的值"},
    )
    revoked = fields.List(
        fields.Nested("RevokedStepSchema"),
        required=True,
        metadata={"description": "本申请中已撤销的事项（告知承诺不实或容缺材料逾期）；其结果不再有效"},
    )
    verify_due = _date("告知承诺核查期限（本事项依承诺准予后才有）")
    results_asked = fields.List(
        fields.Nested("ResultAskedSchema"),
        required=True,
        metadata={"description": "准予时须在 results 中给出的结果（本事项产生的数据项和由部门填写的字段）"},
    )
    complete_url = fields.String(required=True, metadata={"format": "uri", "description": "办结本事项的地址"})


class ResultAskedSchema(ApiSchema):
    key = fields.String(required=True, metadata={"description": "results 中的键（合并表单的键）"})
    label = fields.String(required=True)
    type = fields.String(required=True, metadata={"description": "字段类型"})
    required = fields.Boolean(required=True)
    options = fields.List(fields.String(), required=True, metadata={"description": "可选值（选择类字段）"})
    example = fields.Raw(required=True, metadata={"description": "一个有效的示例值"})


class TaskPersonSchema(ApiSchema):
    role = fields.String(required=True, metadata={"description": "可重复的角色，如 新生儿"})
    number = fields.Integer(required=True, metadata={"description": "第几位（从 1 起，按申请表中的顺序）"})


class RevokedStepSchema(ApiSchema):
    item = fields.String(required=True, metadata={"description": "事项编码"})
    name = fields.String(required=True)
    reason = fields.String(required=True, allow_none=True, metadata={"description": "撤销原因"})


class CorrectionNoticeSchema(ApiSchema):
    item = fields.String(required=True, metadata={"description": "结果被更正的事项编码"})
    before = fields.Dict(keys=fields.String(), required=True, metadata={"description": "更正前的值"})
    after = fields.Dict(keys=fields.String(), required=True, metadata={"description": "更正后的值"})
    reason = fields.String(required=True, metadata={"description": "更正原因"})
    at = fields.String(required=True, metadata={"format": "date-time", "description": "更正时刻"})


class CompletionSchema(ApiSchema):
    outcome = fields.String(
        required=True,
        validate=_one_of(list(OUTCOMES), "办理结果"),
        metadata={"title": "办理结果", "description": "approved（准予）或 rejected（不予）"},
    )
    results = fields.Dict(
        keys=fields.String(),
        allow_none=True,
        metadata={"description": "本事项产生的结果：{数据项（如 经营者.统一社会信用代码）: 值}"},
    )
    reason = fields.String(allow_none=True, metadata={"description": "不予许可的理由（rejected 时必填）"})
    documents = fields.List(
        fields.Nested("NewResultDocumentSchema"),
        allow_none=True,
        metadata={
            "description": "随决定出具的结果文书（PDF 或 OFD，按内容识别）：[{name, content_base64}]；"
            "有问题时回答 422，并在 documents.序号 下说明"
        },
    )


class NewResultDocumentSchema(ApiSchema):
    name = fields.String(
        required=True,
        validate=Length(min=1, max=255, error="文件名应为 1 至 255 个字符"),
        metadata={"title": "文件名", "description": "文件名，如 营业执照.pdf", "example": "营业执照.pdf"},
    )
    content_base64 = fields.String(
        required=True, metadata={"title": "文件内容", "description": "文件内容的 base64 编码"}
    )


class CorrectionSchema(ApiSchema):
    results = fields.Dict(
        keys=fields.String(),
        required=True,
        metadata={
            "title": "更正后的结果",
            "description": "更正的结果：{数据项: 新值}（未列出的结果保持不变；与办结时同样校验）",
        },
    )
    reason = fields.String(
        required=True,
        validate=Length(min=1, max=500, error="更正原因应为 1 至 500 个字符"),
        metadata={"title": "更正原因", "description": "更正的原因（记入审计日志，并告知申请人）"},
    )


class CorrectionResultSchema(ApiSchema):
    task = fields.Integer(required=True)
    results = fields.Dict(keys=fields.String(), required=True, metadata={"description": "更正后的全部结果"})
    redelivered = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "已收到原结果、将重新推送更正后内容的后续事项编码"},
    )


class NewHandoverSchema(ApiSchema):
    method = fields.String(
        required=True,
        validate=_one_of(values(HandoverMethod), "出件方式"),
        metadata={
            "title": "出件方式",
            "description": "window（窗口领取，须核验身份证件）、mail（邮寄送达，须有收件地址和运单号）或 download（网上下载）",
        },
    )
    id_checked = fields.Boolean(
        load_default=False, metadata={"description": "窗口领取时已核验领取人身份证件（window 时必须为 true）"}
    )
    collector = fields.String(
        allow_none=True,
        validate=Length(max=100, error="领取人不能超过 100 个字符"),
        metadata={"description": "领取人姓名"},
    )
    address = fields.String(
        allow_none=True,
        validate=Length(max=300, error="收件地址不能超过 300 个字符"),
        metadata={"description": "收件地址（mail 时必填；省略时用申请人提交时填写的邮寄地址）"},
    )
    carrier = fields.String(
        allow_none=True,
        validate=Length(max=50, error="快递公司不能超过 50 个字符"),
        metadata={"description": "快递公司"},
    )
    tracking_number = fields.String(
        allow_none=True,
        validate=Length(max=60, error="运单号不能超过 60 个字符"),
        metadata={"description": "快递运单号（mail 时必填）"},
    )


class HandoverSchema(ApiSchema):
    method = fields.String(required=True, validate=_one_of(values(HandoverMethod)))
    method_label = fields.String(required=True, metadata={"description": "出件方式的中文名称"})
    by = fields.String(required=True, metadata={"description": "登记出件的窗口人员或窗口系统"})
    id_checked = fields.Boolean(required=True, metadata={"description": "是否核验了领取人身份证件"})
    carrier = fields.String(required=True, allow_none=True, metadata={"description": "快递公司"})
    tracking_number = fields.String(required=True, allow_none=True, metadata={"description": "快递运单号"})
    at = fields.String(required=True, metadata={"format": "date-time", "description": "出件时刻"})


class CompletionResultSchema(ApiSchema):
    task = fields.Integer(required=True)
    status = fields.String(required=True, validate=_one_of(values(TaskState)))
    released = fields.List(fields.String(), required=True, metadata={"description": "随之放行的后续事项编码"})


class VerificationSchema(ApiSchema):
    outcome = fields.String(
        required=True,
        validate=_one_of(values(Verification), "核查结果"),
        metadata={
            "title": "核查结果",
            "description": "confirmed（承诺属实）或 false（承诺不实，撤销办理结果）",
        },
    )
    note = fields.String(allow_none=True, metadata={"description": "核查情况（false 时必填）"})


class VerificationResultSchema(ApiSchema):
    task = fields.Integer(required=True)
    status = fields.String(required=True, validate=_one_of(values(TaskState)))
    told = fields.List(
        fields.String(), required=True, metadata={"description": "已收到撤销通知的后续事项编码（重新推送）"}
    )


class SupplementRequestSchema(ApiSchema):
    materials = fields.List(
        fields.String(), allow_none=True, metadata={"description": "需重新提交的材料键（本事项的材料）"}
    )
    fields_ = fields.List(
        fields.String(),
        allow_none=True,
        data_key="fields",
        metadata={"description": "需更正的申请表字段（合并表单的键，如 经营者.联系电话）"},
    )
    reason = fields.String(required=True, metadata={"description": "一次性告知的全部补正内容与要求"})


class SpecialProcedureSchema(ApiSchema):
    procedure = fields.String(
        required=True,
        validate=_one_of(list(SPECIAL_PROCEDURES), "特别程序"),
        metadata={"description": "检验检测、专家评审、听证或公示：期间不计入办理时限"},
    )
    reason = fields.String(allow_none=True, metadata={"description": "说明"})


class PauseResultSchema(ApiSchema):
    task = fields.Integer(required=True)
    status = fields.String(required=True, validate=_one_of(values(TaskState)))
    pause = fields.Integer(required=True, allow_none=True, metadata={"description": "暂停记录 id"})
    due = _date("办理期限（恢复计时后按暂停天数顺延）")
    paused_days = fields.Integer(required=True, metadata={"description": "本事项累计暂停的天数"})


class SupplementAnswerSchema(ApiSchema):
    task = fields.Integer(
        allow_none=True, metadata={"description": "要答复的事项 id；申请只有一项待补正时可不填"}
    )
    fields_ = fields.Dict(
        keys=fields.String(),
        allow_none=True,
        data_key="fields",
        metadata={"description": "更正后的字段值：{合并表单的键: 值}，只限部门要求更正的字段"},
    )
    files = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Nested(NewFileSchema)),
        allow_none=True,
        metadata={"description": "补交的材料文件：{材料键: [{name, content_base64}]}"},
    )
    note = fields.String(allow_none=True, metadata={"description": "申请人的补充说明"})


class SupplementAnswerResultSchema(ApiSchema):
    application = fields.Integer(required=True)
    task = fields.Integer(required=True)
    changed = fields.List(fields.String(), required=True, metadata={"description": "值有变化的字段"})
    files = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        required=True,
        metadata={"description": "已收到的补交文件名，按材料键"},
    )


# --- notices sent to the applicant ----------------------------------------------------------------------


class NotificationSchema(ApiSchema):
    id = fields.Integer(required=True)
    event = fields.String(
        required=True, validate=_one_of(list(NOTICE_EVENTS)), metadata={"description": "告知的事由"}
    )
    recipient = fields.String(
        required=True, allow_none=True, metadata={"description": "接收手机号码（脱敏）"}
    )
    text = fields.String(required=True, metadata={"description": "短信内容"})
    status = fields.String(required=True, validate=_one_of(values(NotificationState)))
    created_at = fields.String(required=True, metadata={"format": "date-time"})
    sent_at = fields.String(required=True, allow_none=True, metadata={"format": "date-time"})


class NotificationListSchema(ApiSchema):
    notifications = fields.List(fields.Nested(NotificationSchema), required=True)


class CalendarYearSchema(ApiSchema):
    """One year of the district's working-day calendar."""

    year = fields.Integer(required=True)
    status = fields.String(
        required=True,
        validate=_one_of(values(CalendarYearState)),
        metadata={"description": "published：已按国务院办公厅通知发布；provisional：尚未发布，暂按周末计算"},
    )
    status_label = fields.String(required=True)
    holidays = fields.List(
        fields.String(metadata={"format": "date"}), required=True, metadata={"description": "放假日期"}
    )
    workdays = fields.List(
        fields.String(metadata={"format": "date"}),
        required=True,
        metadata={"description": "调休上班的周末日期"},
    )
    source = fields.String(
        required=True, allow_none=True, metadata={"description": "依据（通知、文件或软件包）"}
    )
    updated_at = fields.String(required=True, allow_none=True, metadata={"format": "date-time"})


class PageSchema(ApiSchema):
    """``limit`` and ``page`` of a list paged by number."""

    limit = fields.Integer(
        load_default=API_LIMIT,
        validate=Range(min=1, max=API_MAX_LIMIT, error=f"limit 应为 1 至 {API_MAX_LIMIT}"),
        metadata={"description": f"每页条数（默认 {API_LIMIT}）"},
    )
    page = fields.Integer(
        load_default=1,
        validate=Range(min=1, max=API_MAX_PAGE, error=f"page 应为 1 至 {API_MAX_PAGE} 的整数"),
        metadata={"description": "页码，从 1 开始"},
    )


class CatalogueChangeFilterSchema(PageSchema):
    overdue = fields.Boolean(
        load_default=False, metadata={"description": "true：只列出超过调整期限（或上级决定期限）的变更"}
    )


class CatalogueChangeSchema(ApiSchema):
    """A catalogue change (事项动态调整) and the dates the adjustment rules give it."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "item（事项）或 bundle（一件事）"})
    code = fields.String(required=True)
    action = fields.String(required=True, metadata={"description": "create / change / cancel"})
    status = fields.String(required=True, validate=_one_of(values(ChangeState)))
    department = fields.String(required=True, metadata={"description": "起草部门编码"})
    cause = fields.String(required=True, allow_none=True, metadata={"description": "调整事由"})
    cause_date = _date("调整事由发生日期")
    scope = fields.String(
        required=True, allow_none=True, metadata={"description": "basic（基本要素）或 individual（个性要素）"}
    )
    start_due = _date("着手调整的期限（工作日计算）")
    due_date = _date("完成调整的期限（工作日计算）")
    upper_requested_on = _date("向上级提出调整申请的日期")
    decision_due = _date("上级作出调整决定的期限")
    overdue = fields.List(
        fields.String(), required=True, metadata={"description": "逾期的情形（中文）；未逾期为空"}
    )


class CatalogueChangeListSchema(ApiSchema):
    changes = fields.List(fields.Nested(CatalogueChangeSchema), required=True)
    total = fields.Integer(required=True, metadata={"description": "符合条件的变更总数"})
    next_page = fields.Integer(
        required=True, allow_none=True, metadata={"description": "下一页的页码；已是最后一页时为 null"}
    )


# --- the public guide (办事指南) ------------------------------------------------------------------------


def _text(description: str) -> fields.Field:
    return fields.String(required=True, allow_none=True, metadata={"description": description})


class CodeNameSchema(ApiSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class GuideSampleSchema(ApiSchema):
    name = fields.String(required=True, metadata={"description": "样表文件名或网址的末段"})
    url = _text("样表网址；为 null 时样表在窗口提供")


class GuideMaterialSchema(ApiSchema):
    name = fields.String(required=True)
    kind = _text("材料类别（合并同类材料的依据）")
    required = fields.Boolean(required=True, metadata={"description": "必交"})
    e_licence = fields.Boolean(required=True, metadata={"description": "可用电子证照免交"})
    deferrable = fields.Boolean(required=True, metadata={"description": "容缺可后补"})
    pledge = fields.Boolean(required=True, metadata={"description": "可以告知承诺代替"})
    produced_by = _text("由该事项办结后提供（事项编码），申请人无需提交")
    condition = _text("需要提交的情形；所有情形都要时为 null")
    sample = fields.Nested(GuideSampleSchema, required=True, allow_none=True)


class GuideItemContentSchema(ApiSchema):
    """Every standard element of an item (null when the item does not give it)."""

    code = fields.String(required=True, metadata={"description": "事项编码"})
    name = fields.String(required=True, metadata={"description": "事项名称"})
    version = fields.Integer(required=True, metadata={"description": "已发布的版本（与表单同源）"})
    department = fields.Nested(CodeNameSchema, required=True, metadata={"description": "实施主体"})
    catalogue_code = _text("基本编码（基本目录）")
    implementation_code = _text("实施编码")
    type = fields.String(required=True, metadata={"description": "事项类型"})
    exercise_content = _text("行使内容")
    basis = _text("设定依据")
    service_object = _text("服务对象")
    conditions = _text("受理条件")
    kind = _text("办件类型：即办件或承诺件")
    legal_days = fields.Integer(required=True, metadata={"description": "法定办结时限（days_unit）"})
    promised_days = fields.Integer(required=True, metadata={"description": "承诺办结时限（days_unit）"})
    days_unit = fields.String(required=True, metadata={"description": "工作日或自然日"})
    visits = fields.Integer(required=True, allow_none=True, metadata={"description": "到办事现场次数"})
    channels = fields.List(
        fields.String(), required=True, allow_none=True, metadata={"description": "办理形式"}
    )
    online_url = _text("网上办理地址")
    process = fields.List(
        fields.String(), required=True, allow_none=True, metadata={"description": "办理流程（环节）"}
    )
    fees = _text("收费标准")
    fee_basis = _text("收费依据")
    result = _text("办理结果")
    place = _text("办理地点")
    hours = _text("办理时间")
    phone = _text("咨询电话")
    complaint_phone = _text("监督投诉电话")
    materials = fields.List(fields.Nested(GuideMaterialSchema), required=True)
    form_fields = fields.Integer(required=True, metadata={"description": "申请表的栏目数"})
    completeness = fields.Float(required=True, metadata={"description": "标准要素完备度（0–1）"})
    missing = fields.List(fields.String(), required=True, metadata={"description": "未公布的要素（中文名）"})


class GuideItemSchema(GuideItemContentSchema):
    """An item's 办事指南."""

    bundles = fields.List(
        fields.Nested(CodeNameSchema), required=True, metadata={"description": "包含本事项的一件事"}
    )


class GuideBundleItemSchema(GuideItemContentSchema):
    condition = _text("办理本事项的情形；所有情形都办时为 null")
    depends_on = fields.List(fields.String(), required=True, metadata={"description": "须先办结的事项编码"})


class GuideStepRefSchema(ApiSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    department = fields.String(required=True, metadata={"description": "实施部门名称"})


class GuideMaterialSourceSchema(GuideStepRefSchema):
    name_in_item = fields.String(required=True, metadata={"description": "该事项中的材料名称"})


class GuideBundleMaterialSchema(ApiSchema):
    name = fields.String(required=True)
    required = fields.Boolean(required=True)
    deferrable = fields.Boolean(required=True, metadata={"description": "容缺可后补"})
    e_licence = fields.Boolean(required=True, metadata={"description": "可用电子证照免交"})
    per_person = _text("每人一份的角色（如 新生儿）")
    condition = _text("需要提交的情形；所有情形都要时为 null")
    items = fields.List(fields.Nested(GuideMaterialSourceSchema), required=True)
    samples = fields.List(fields.Nested(GuideSampleSchema), required=True)


class GuideQuestionSchema(ApiSchema):
    id = fields.String(required=True)
    text = fields.String(required=True)
    options = fields.List(fields.String(), required=True)


class GuideProvidedSchema(ApiSchema):
    name = fields.String(required=True)
    produced_by = fields.Nested(GuideStepRefSchema, required=True, allow_none=True)


class GuideFormFieldSchema(ApiSchema):
    label = fields.String(required=True)
    required = fields.Boolean(required=True)
    condition = _text("需要填写的情形")


class GuideFormSectionSchema(ApiSchema):
    title = fields.String(required=True)
    fields_ = fields.List(
        fields.Nested(GuideFormFieldSchema), required=True, data_key="fields", attribute="fields"
    )


class GuideBundleSchema(ApiSchema):
    """A bundle's 办事指南, with each item's own."""

    code = fields.String(required=True)
    name = fields.String(required=True)
    version = fields.Integer(required=True)
    description = _text("说明")
    audience = _text("个人或企业")
    life_event = _text("人生事件或企业阶段")
    lead_department = fields.Nested(CodeNameSchema, required=True)
    promised_days = fields.Integer(required=True, metadata={"description": "承诺时限（工作日，关键路径）"})
    sum_promised_days = fields.Integer(required=True, metadata={"description": "分别办理的承诺时限合计"})
    statutory_days = fields.Integer(required=True)
    sum_statutory_days = fields.Integer(required=True)
    stages = fields.List(
        fields.List(fields.Nested(GuideStepRefSchema)),
        required=True,
        metadata={"description": "办理顺序：每一步并联办理的事项"},
    )
    visits = fields.Integer(required=True, metadata={"description": "到办事现场次数"})
    visits_separately = fields.Integer(
        required=True, allow_none=True, metadata={"description": "分别办理各事项的到现场次数合计"}
    )
    questions = fields.List(fields.Nested(GuideQuestionSchema), required=True)
    confirm_by = _text("须由各方确认的说明")
    items = fields.List(fields.Nested(GuideBundleItemSchema), required=True)
    materials = fields.List(fields.Nested(GuideBundleMaterialSchema), required=True)
    provided = fields.List(fields.Nested(GuideProvidedSchema), required=True)
    form_sections = fields.List(fields.Nested(GuideFormSectionSchema), required=True)
    place = _text("办理地点（综合窗口）")
    hours = _text("办理时间")
    phone = _text("咨询电话")


LEVEL_LABELS = [level.label for level in RatingLevel]


class NewRatingSchema(ApiSchema):
    level = fields.String(
        required=True,
        validate=_one_of(LEVEL_LABELS, "评价等级"),
        metadata={"title": "评价等级", "description": "非常满意、满意、基本满意、不满意或非常不满意"},
    )
    step = fields.String(
        allow_none=True,
        load_default=None,
        metadata={"description": "所评价事项的编码；null 为对整体服务（含综合窗口）的评价"},
    )
    reasons = fields.List(fields.String(), load_default=list, metadata={"description": "勾选的原因"})
    comment = fields.String(allow_none=True, load_default=None, validate=Length(max=500))


class CaseSchema(ApiSchema):
    id = fields.Integer(required=True, metadata={"description": "差评工单 id"})
    application = fields.Integer(required=True)
    item = fields.String(
        allow_none=True, required=True, metadata={"description": "事项编码；null 为整体服务"}
    )
    level = fields.String(required=True, validate=_one_of(LEVEL_LABELS))
    status = fields.String(required=True, validate=_one_of(values(FollowUpState)))
    due = fields.Date(allow_none=True, required=True, metadata={"description": "办结期限（工作日）"})
    overdue = fields.Boolean(required=True)


class RatingResultSchema(ApiSchema):
    id = fields.Integer(required=True)
    level = fields.String(required=True, validate=_one_of(LEVEL_LABELS))
    step = fields.String(allow_none=True, required=True)
    occasion = fields.String(required=True, validate=_one_of(values(RatingOccasion)))
    channel = fields.String(required=True, validate=_one_of(values(RatingChannel)))
    case = fields.Nested(CaseSchema, allow_none=True, required=True, metadata={"description": "差评工单"})


class CaseListSchema(ApiSchema):
    cases = fields.List(fields.Nested(CaseSchema), required=True)


class CaseStepSchema(ApiSchema):
    step = fields.String(
        required=True,
        validate=_one_of(["verify", "rectify", "appeal"], "办理环节"),
        metadata={"description": "verify（核实）、rectify（整改）或 appeal（申诉）"},
    )
    verified = fields.Boolean(
        allow_none=True, load_default=None, metadata={"description": "核实时必填：差评反映的情况是否属实"}
    )
    note = fields.String(
        required=True,
        validate=Length(min=1, max=1000),
        metadata={"description": "核实依据、整改措施或申诉理由"},
    )


class PeriodSchema(ApiSchema):
    """A period of local days, both included."""

    first = fields.Date(
        data_key="from", load_default=None, metadata={"description": "开始日期（含），YYYY-MM-DD"}
    )
    last = fields.Date(
        data_key="to", load_default=None, metadata={"description": "结束日期（含），YYYY-MM-DD"}
    )


class RatingExportFilterSchema(PeriodSchema, PageSchema):
    format = fields.String(
        load_default="json",
        validate=_one_of(["json", "csv"], "格式"),
        metadata={"description": "json（分页）或 csv（期间内全部，带表头的 UTF-8 文件）"},
    )


class ExportedRatingSchema(ApiSchema):
    """One rating as the province's 好差评 system takes it (the CSV has the same columns, headed in Chinese)."""

    id = fields.Integer(required=True, metadata={"description": "评价编号"})
    tracking_no = fields.String(required=True, allow_none=True, metadata={"description": "办件编号"})
    bundle = fields.String(required=True, metadata={"description": "一件事编码"})
    item = fields.String(
        required=True, allow_none=True, metadata={"description": "事项编码；null 为整体服务"}
    )
    item_name = fields.String(required=True, metadata={"description": "事项名称（整体服务为一件事名称）"})
    evaluated = fields.String(required=True, metadata={"description": "评价对象：办理部门或政务服务中心"})
    evaluated_code = fields.String(required=True, metadata={"description": "评价对象编码：部门编码或 centre"})
    channel = fields.String(required=True, metadata={"description": "评价渠道"})
    occasion = fields.String(required=True, metadata={"description": "评价节点"})
    level = fields.String(required=True, validate=_one_of(LEVEL_LABELS))
    score = fields.Integer(required=True, metadata={"description": "5 非常满意 … 1 非常不满意"})
    reasons = fields.String(required=True, metadata={"description": "评价原因，以顿号分隔"})
    comment = fields.String(required=True, metadata={"description": "评价内容"})
    rated_at = fields.String(required=True, metadata={"description": "评价时间（北京时间）"})
    rectification = fields.String(required=True, metadata={"description": "整改状态；好评为“无需整改”"})
    due = fields.String(required=True, allow_none=True, metadata={"description": "整改期限"})
    verified = fields.String(
        required=True, allow_none=True, metadata={"description": "核实结果：属实或不属实"}
    )
    rectified_at = fields.String(required=True, allow_none=True, metadata={"description": "整改时间"})
    revisit = fields.String(required=True, allow_none=True, metadata={"description": "回访结果"})
    revisited_at = fields.String(required=True, allow_none=True, metadata={"description": "回访时间"})


class RatingExportSchema(ApiSchema):
    ratings = fields.List(fields.Nested(ExportedRatingSchema), required=True)
    total = fields.Integer(required=True)
    next_page = fields.Integer(required=True, allow_none=True)


def _share(description: str) -> fields.Float:
    return fields.Float(
        required=True, allow_none=True, metadata={"description": description + "（0 至 1；无数据为 null）"}
    )


def _days(description: str) -> fields.Integer:
    return fields.Integer(
        required=True, allow_none=True, metadata={"description": description + "（工作日）"}
    )


class OutcomeFiguresSchema(ApiSchema):
    applications = fields.Integer(required=True, metadata={"description": "期间内受理的申请"})
    finished = fields.Integer(required=True, metadata={"description": "其中已办结"})
    median_working_days = _days("实际用时中位数：受理之日至办结之日")
    p90_working_days = _days("实际用时第 90 百分位")
    promised_working_days = _days("承诺时限中位数")
    separate_working_days = _days("各事项分别申请时承诺时限之和的中位数")
    within_promise_share = _share("在承诺时限内办结的比例")
    on_time_share = _share("各环节在本事项承诺时限内办结的比例")
    online_share = _share("网上申请的比例")
    visits = fields.Integer(required=True, metadata={"description": "窗口登记的到访次数（每件每天最多一次）"})
    at_most_one_visit_share = _share("最多跑一次：办结申请中到访不超过一次的比例")
    once_done_share = _share("一次办成：办结申请中没有补正的比例")


class MonthOutcomeSchema(OutcomeFiguresSchema):
    month = fields.String(required=True, metadata={"description": "受理月份 YYYY-MM"})


class DepartmentOnTimeSchema(ApiSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    decided = fields.Integer(required=True, metadata={"description": "已作出决定的环节"})
    on_time = fields.Integer(required=True, metadata={"description": "其中在承诺时限内"})
    on_time_share = _share("按时办结率")


class OutcomeReportSchema(OutcomeFiguresSchema):
    """The reform measured from the applications accepted in the period."""

    bundle = fields.String(
        required=True, allow_none=True, metadata={"description": "一件事编码；null 为全区"}
    )
    refreshed_at = fields.String(
        required=True, allow_none=True, metadata={"description": "统计时间（北京时间；null 为尚未统计）"}
    )
    first = fields.String(
        attribute="from", data_key="from", required=True, metadata={"description": "受理日期自（整月）"}
    )
    last = fields.String(
        attribute="to", data_key="to", required=True, metadata={"description": "受理日期至（整月）"}
    )
    materials_collected = fields.Integer(
        required=True, metadata={"description": "申请人提交（上传或窗口收取）的材料"}
    )
    materials_exempted = fields.Integer(
        required=True, metadata={"description": "免交：电子证照或由本件事内事项产生"}
    )
    materials_committed = fields.Integer(required=True, metadata={"description": "以告知承诺代替的材料"})
    departments = fields.List(fields.Nested(DepartmentOnTimeSchema), required=True)
    monthly = fields.List(fields.Nested(MonthOutcomeSchema), required=True)


class NewVisitSchema(ApiSchema):
    purpose = fields.String(
        required=True,
        validate=_one_of(values(VisitPurpose), "到访事由"),
        metadata={"title": "到访事由", "description": "submit / supplement / confirm / collect / other"},
    )


class VisitSchema(ApiSchema):
    date = fields.Date(required=True)
    purposes = fields.List(fields.String(validate=_one_of(values(VisitPurpose))), required=True)


class VisitListSchema(ApiSchema):
    application = fields.Integer(required=True)
    visits = fields.List(fields.Nested(VisitSchema), required=True)
