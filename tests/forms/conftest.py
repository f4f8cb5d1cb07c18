"""Small contract-shaped bundles: 开饭店 (KFD) and 新生儿出生 (XSE)."""

from __future__ import annotations

import copy

import pytest


def F(name, label, role=None, element=None, type="text", **kw):  # noqa: A002
    field = {"name": name, "label": label, "type": type}
    if role is not None:
        field["role"] = role
    if element is not None:
        field["element"] = element
    field.update(kw)
    return field


KFD_ITEMS = {
    "SCJG-001": {
        "code": "SCJG-001",
        "name": "个体工商户设立登记",
        "department": "SCJG",
        "type": "行政确认",
        "legal_days": 15,
        "promised_days": 3,
        "fields": [
            F("operator_name", "经营者姓名", "经营者", "姓名", required=True),
            F("operator_id", "经营者身份证号", "经营者", "公民身份号码", "id_number", required=True),
            F("operator_phone", "联系电话", "经营者", "联系电话", "phone", required=True),
            F("shop_name", "个体工商户名称", "企业", "名称", required=True, max_length=60),
            F("address", "经营场所", "企业", "经营场所", required=True),
            F(
                "form",
                "组成形式",
                "企业",
                "组成形式",
                "choice",
                required=True,
                options=["个人经营", "家庭经营"],
            ),
            F("scope", "经营范围", "企业", "经营范围", "textarea"),
            F("capital", "资金数额（万元）", "企业", "注册资本", "decimal"),
            F("staff_count", "从业人数", "企业", "从业人数", "integer"),
            F("staff_name", "姓名", element="姓名", group="从业人员", required=True),
            F("staff_id", "身份证号", element="公民身份号码", type="id_number", group="从业人员"),
            F("sign_text", "店铺招牌文字"),
        ],
        "materials": [
            {
                "name": "经营者居民身份证",
                "kind": "居民身份证",
                "role": "经营者",
                "e_licence": True,
                "original": "原件",
            },
            {
                "name": "经营场所使用证明",
                "kind": "经营场所证明",
                "role": "企业",
                "copies": 1,
                "original": "复印件",
            },
        ],
    },
    "SCJG-002": {
        "code": "SCJG-002",
        "name": "食品经营许可",
        "department": "SCJG",
        "type": "行政许可",
        "legal_days": 20,
        "promised_days": 10,
        "fields": [
            F("applicant", "申请人（经营者）姓名", "经营者", "姓名", required=True),
            F("applicant_id", "身份证件号码", "经营者", "公民身份号码", "id_number", required=True),
            F("phone", "手机号码", "经营者", "联系电话", "phone"),
            F(
                "uscc",
                "统一社会信用代码",
                "企业",
                "统一社会信用代码",
                "uscc",
                required=True,
                produced_by="SCJG-001",
            ),
            F("name", "名称", "企业", "名称", required=True, max_length=50),
            F("address", "经营场所", "企业", "经营场所", required=True),
            F(
                "form",
                "经营形式",
                "企业",
                "组成形式",
                "choice",
                required=True,
                options=["个体经营", "家庭经营", "合伙经营"],
            ),
            F("area", "经营面积（平方米）", "企业", "经营面积", "decimal"),
            F("staff", "从业人员姓名", element="姓名", group="从业人员", required=True),
            F("health", "健康证明编号", element="健康证明编号", group="从业人员", required=True),
            F(
                "business_type",
                "主体业态",
                type="choice",
                options=["餐饮服务经营者", "单位食堂"],
                required=True,
            ),
        ],
        "materials": [
            {
                "name": "身份证",
                "kind": "居民身份证",
                "role": "经营者",
                "e_licence": True,
                "original": "复印件",
            },
            {
                "name": "营业执照",
                "kind": "营业执照",
                "role": "企业",
                "produced_by": "SCJG-001",
                "e_licence": True,
            },
            {"name": "经营场所合法使用的证明", "kind": "经营场所证明", "role": "企业", "copies": 2},
            {
                "name": "食品安全管理制度",
                "kind": "食品安全管理制度",
                "role": "企业",
                "required": True,
                "deferrable": True,
            },
        ],
    },
    "XF-003": {
        "code": "XF-003",
        "name": "公众聚集场所投入使用、营业前消防安全检查",
        "department": "XF",
        "type": "行政许可",
        "legal_days": 10,
        "promised_days": 5,
        "fields": [
            F("contact", "负责人姓名", "经营者", "姓名", required=True),
            F("contact_phone", "联系方式", "经营者", "联系电话"),
            F("venue", "场所名称", "企业", "名称", required=True),
            F("floor_area", "建筑面积", "企业", "建筑面积", "decimal", required=True),
            F("staff_count", "员工人数", "企业", "从业人数", "text"),
            F("uscc", "统一社会信用代码", "企业", "统一社会信用代码", "text", produced_by="SCJG-001"),
        ],
        "materials": [
            {"name": "居民身份证", "kind": "居民身份证", "role": "经营者", "e_licence": False},
            {"name": "消防安全制度", "kind": "消防安全制度", "role": "企业"},
        ],
    },
    "SW-004": {
        "code": "SW-004",
        "name": "酒类商品零售经营备案",
        "department": "SW",
        "type": "行政备案",
        "legal_days": 5,
        "promised_days": 1,
        "fields": [
            F("operator", "经营者", "经营者", "姓名", required=True),
            F("uscc", "统一社会信用代码", "企业", "统一社会信用代码", "uscc", produced_by="SCJG-001"),
            F("liquor_kinds", "经营酒类品种", type="multichoice", options=["白酒", "啤酒", "葡萄酒"]),
        ],
        "materials": [
            {"name": "营业执照", "kind": "营业执照", "role": "企业", "produced_by": "SCJG-001"},
        ],
    },
}

KFD = {
    "code": "KFD",
    "name": "开饭店",
    "lead_department": "SCJG",
    "questions": [
        {"id": "sells_alcohol", "text": "是否销售酒类？", "type": "boolean"},
        {"id": "large_venue", "text": "营业面积是否超过300平方米？"},
    ],
    "steps": [
        {"item": "SCJG-001"},
        {"item": "SCJG-002", "depends_on": ["SCJG-001"]},
        {"item": "XF-003", "depends_on": ["SCJG-001"], "when": {"large_venue": True}},
        {"item": "SW-004", "depends_on": ["SCJG-001"], "when": {"sells_alcohol": True}},
    ],
}

KFD_RESOLUTIONS = {
    "企业.组成形式": {
        "options": ["个人经营", "家庭经营"],
        "map": {"SCJG-002": {"个人经营": "个体经营"}},
        "note": "按市场监管局登记口径",
    },
    "企业.从业人数": {"type": "integer", "note": "统一填写整数"},
}

XSE_ITEMS = {
    "WJ-001": {
        "code": "WJ-001",
        "name": "出生医学证明",
        "department": "WJW",
        "type": "公共服务",
        "legal_days": 5,
        "promised_days": 1,
        "fields": [
            F("baby_name", "新生儿姓名", "新生儿", "姓名", required=True),
            F("baby_sex", "性别", "新生儿", "性别", "choice", required=True, options=["男", "女"]),
            F("birth_date", "出生日期", "新生儿", "出生日期", "date", required=True),
            F("birth_place", "出生地点", "新生儿", "出生地点", required=True),
            F("mother_name", "母亲姓名", "母亲", "姓名", required=True),
            F("mother_id", "母亲身份证号", "母亲", "公民身份号码", "id_number", required=True),
            F("father_name", "父亲姓名", "父亲", "姓名"),
            F("father_id", "父亲身份证号", "父亲", "公民身份号码", "id_number"),
        ],
        "materials": [
            {"name": "母亲居民身份证", "kind": "居民身份证", "role": "母亲", "e_licence": True},
            {
                "name": "父亲居民身份证",
                "kind": "居民身份证",
                "role": "父亲",
                "e_licence": True,
                "required": False,
            },
        ],
    },
    "GA-002": {
        "code": "GA-002",
        "name": "出生登记",
        "department": "GA",
        "type": "行政确认",
        "legal_days": 10,
        "promised_days": 1,
        "fields": [
            F("reporter", "申报人姓名", "申请人", "姓名", required=True),
            F("reporter_id", "申报人公民身份号码", "申请人", "公民身份号码", "id_number", required=True),
            F(
                "relation",
                "申报人与新生儿关系",
                type="choice",
                options=["父亲", "母亲", "其他监护人"],
                required=True,
            ),
            F("baby", "婴儿姓名", "新生儿", "姓名", required=True),
            F("sex", "婴儿性别", "新生儿", "性别", "choice", required=True, options=["男", "女"]),
            F("birth_date", "出生日期", "新生儿", "出生日期", "date", required=True),
            F("cert_no", "出生医学证明编号", "新生儿", "出生医学证明编号", produced_by="WJ-001"),
            F("hukou", "母亲户籍地址", "母亲", "户籍地址", required=True),
            F("mother", "母亲姓名", "母亲", "姓名", required=True),
        ],
        "materials": [
            {"name": "出生医学证明", "kind": "出生医学证明", "role": "新生儿", "produced_by": "WJ-001"},
            {"name": "居民户口簿", "kind": "居民户口簿", "role": "户主", "original": "原件"},
            {"name": "母亲身份证", "kind": "居民身份证", "role": "母亲", "e_licence": True},
        ],
    },
    "YB-003": {
        "code": "YB-003",
        "name": "城乡居民基本医疗保险参保登记",
        "department": "YB",
        "type": "公共服务",
        "legal_days": 5,
        "promised_days": 1,
        "fields": [
            F("insured", "参保人姓名", "新生儿", "姓名", required=True),
            F(
                "insured_id",
                "参保人公民身份号码",
                "新生儿",
                "公民身份号码",
                "id_number",
                required=True,
                produced_by="GA-002",
            ),
            F("phone", "联系电话", "申请人", "联系电话", "phone", required=True),
        ],
        "materials": [],
    },
    "RS-004": {
        "code": "RS-004",
        "name": "社会保障卡申领",
        "department": "RS",
        "type": "公共服务",
        "legal_days": 10,
        "promised_days": 5,
        "fields": [
            F("name", "持卡人姓名", "新生儿", "姓名", required=True),
            F("ssn", "社会保障号码", "新生儿", "社会保障号码", "id_number", produced_by="GA-002"),
            F("guardian", "监护人姓名", "监护人", "姓名", required=True),
            F("account", "银行账号", "监护人", "银行账号", "bank_account"),
            F("bank", "开户银行", "监护人", "开户银行"),
            F("mail", "电子邮箱", "申请人", "电子邮箱", "email"),
        ],
        "materials": [
            {"name": "新生儿免冠照片", "kind": "证件照片", "role": "新生儿"},
        ],
    },
}

XSE = {
    "code": "XSE",
    "name": "新生儿出生",
    "lead_department": "WJW",
    "questions": [{"id": "apply_card", "text": "是否同时申领社会保障卡？", "type": "boolean"}],
    "steps": [
        {"item": "WJ-001"},
        {"item": "GA-002", "depends_on": ["WJ-001"]},
        {"item": "YB-003", "depends_on": ["GA-002"]},
        {"item": "RS-004", "depends_on": ["GA-002"], "when": {"apply_card": True}},
    ],
}

ALL_KFD = {"sells_alcohol": True, "large_venue": True}


@pytest.fixture(scope="session")
def kfd():
    return copy.deepcopy(KFD), copy.deepcopy(KFD_ITEMS)


@pytest.fixture(scope="session")
def kfd_resolutions():
    return copy.deepcopy(KFD_RESOLUTIONS)


@pytest.fixture(scope="session")
def xse():
    return copy.deepcopy(XSE), copy.deepcopy(XSE_ITEMS)


@pytest.fixture
def xse_mother_applies() -> dict[str, str]:
    """Unified data of the birth bundle where the mother applies (every test adds its own keys)."""
    return {
        "申请人.姓名": "王芳",
        "申请人.公民身份号码": "11010519491231002X",
        "申请人.联系电话": "13900001111",
        "申请人.电子邮箱": "wf@example.cn",
        "新生儿.姓名": "王小明",
        "新生儿.性别": "男",
        "新生儿.出生日期": "2026-11-01",
        "新生儿.出生地点": "西安市",
        "母亲.姓名": "王芳",
        "母亲.公民身份号码": "11010519491231002X",
        "母亲.户籍地址": "西安市碑林区",
    }
