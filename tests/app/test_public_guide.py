"""Public 办事指南 (issue #17, part 5): the page, the A4 PDF and the JSON of an item carry every standard
element it gives, from the published version the forms use; the list finds items and bundles by words
and by department and pages through them; unknown codes are a 404 in Chinese."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from bundler.catalogue.elements import ELEMENT_LABELS, STANDARD_ELEMENTS
from bundler.extensions import db
from bundler.queues import DOCUMENTS_QUEUE
from bundler.services import guides
from bundler.worker import make_worker

import factories as f

ENTRY = {
    "code": "000117007000",
    "name": "食品经营许可",
    "type": "行政许可",
    "basis": "《食品安全法》第三十五条",
    "level": "国家级",
}
EVERY_ELEMENT = {
    "name": ENTRY["name"],
    "type": ENTRY["type"],
    "basis": ENTRY["basis"],
    "catalogue_code": ENTRY["code"],
    "implementation_code": "11610702MB1234567X4000117007000",
    "exercise_content": "食品经营许可（仅销售预包装食品的除外）",
    "service_object": "企业法人、个体工商户",
    "conditions": "有与经营的食品品种、数量相适应的经营场所。",
    "legal_days": 10,
    "promised_days": 3,
    "kind": "承诺件",
    "visits": 0,
    "channels": ["窗口", "网上"],
    "online_url": "https://zwfw.example.gov.cn/items/spjy",
    "process": ["申请", "受理", "审查", "决定", "送达"],
    "fees": "不收费",
    "fee_basis": "《行政许可法》第五十八条",
    "result": "食品经营许可证",
    "place": "政务服务中心二楼市场监管窗口",
    "hours": "工作日 9:00-17:30",
    "phone": "0916-2213151",
    "complaint_phone": "0916-12345",
}


@pytest.fixture
def full_item(runner, write_yaml):
    catalogue = f.small_catalogue()
    item = catalogue["items"][0]
    item.update(EVERY_ELEMENT)
    item["materials"] = [
        {
            "name": "食品经营许可申请书",
            "kind": "申请书",
            "required": True,
            "sample": "https://zwfw.example.gov.cn/samples/sq.pdf",
        },
        {"name": "营业执照", "kind": "营业执照", "required": True, "e_licence": True},
        {
            "name": "健康证明",
            "kind": "健康证明",
            "required": True,
            "deferrable": True,
            "sample": "健康证明样例.pdf",
        },
    ]
    result = runner.invoke(args=["import", str(write_yaml({"catalogue": [ENTRY], **catalogue}))])
    assert result.exit_code == 0, result.output
    return item


def _shown(key: str, value) -> list[str]:
    """What of an element's value the page must show."""
    if isinstance(value, list):
        return [str(v) for v in value]
    if key in ("legal_days", "promised_days"):
        return [f"{value} 个工作日"]
    if key == "visits":
        return [f"{value} 次"]
    return [str(value)]


def test_the_item_guide_and_its_json_carry_every_element(client, full_item):
    assert set(EVERY_ELEMENT) | {"department", "materials"} == set(STANDARD_ELEMENTS)
    answer = client.get("/api/v1/guide/items/SCJG-001")
    assert answer.status_code == 200
    data = answer.get_json()
    for key, value in EVERY_ELEMENT.items():
        assert data[key] == value, key
    assert data["department"]["code"] == "SCJG" and data["version"] == 1
    assert data["completeness"] == 1.0 and data["missing"] == []
    assert [m["name"] for m in data["materials"]] == [m["name"] for m in full_item["materials"]]
    first, licence, health = data["materials"]
    assert first["sample"] == {"name": "sq.pdf", "url": "https://zwfw.example.gov.cn/samples/sq.pdf"}
    assert licence["e_licence"] and health["deferrable"] and health["sample"]["url"] is None
    assert [b["code"] for b in data["bundles"]] == ["KFD"]

    page = client.get("/guide/items/SCJG-001").get_data(as_text=True)
    for key, value in EVERY_ELEMENT.items():
        assert key == "name" or ELEMENT_LABELS[key] in page, key  # the name is the page's title
        for text in _shown(key, value):
            assert text in page, (key, text)
    assert 'href="https://zwfw.example.gov.cn/samples/sq.pdf"' in page
    assert "样表：健康证明样例.pdf（窗口提供）" in page
    assert "可用电子证照免交" in page and "容缺可后补" in page


def test_the_guide_follows_the_published_version(client, runner, write_yaml, full_item):
    catalogue = f.small_catalogue()
    catalogue["items"][0].update({**EVERY_ELEMENT, "promised_days": 2, "fees": "免费"})
    catalogue["items"][0]["materials"] = full_item["materials"]
    result = runner.invoke(args=["import", str(write_yaml({"catalogue": [ENTRY], **catalogue}))])
    assert result.exit_code == 0, result.output
    data = client.get("/api/v1/guide/items/SCJG-001").get_json()
    assert (data["version"], data["promised_days"], data["fees"]) == (2, 2, "免费")
    bundle = client.get("/api/v1/guide/bundles/KFD").get_json()
    assert next(i for i in bundle["items"] if i["code"] == "SCJG-001")["fees"] == "免费"


def test_the_item_pdf_is_a4_and_carries_the_elements(app, client, full_item):
    assert client.get("/guide/items/SCJG-001/pdf").status_code == 202  # a worker renders it
    make_worker(app, [DOCUMENTS_QUEUE]).work(burst=True)
    answer = client.get("/guide/items/SCJG-001/pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    pdf = PdfReader(io.BytesIO(answer.data))
    width, height = (float(v) for v in pdf.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = "".join(p.extract_text() or "" for p in pdf.pages).replace(" ", "")
    for key in ("implementation_code", "exercise_content", "fee_basis", "result", "complaint_phone"):
        assert EVERY_ELEMENT[key].replace(" ", "") in text, key
    assert all(step in text for step in EVERY_ELEMENT["process"])
    (Path(__file__).parent.parent / "artifacts").mkdir(exist_ok=True)
    (Path(__file__).parent.parent / "artifacts" / "item-guide.pdf").write_bytes(answer.data)


def test_the_bundle_guide_joins_steps_materials_and_the_centre(app, client, sample):
    data = client.get("/api/v1/guide/bundles/XSECS").get_json()
    assert data["name"] == "新生儿出生" and data["visits"] == 1
    assert [s["code"] for s in data["items"]][0] == "WJ-001"
    assert all(set(STANDARD_ELEMENTS) - {"materials", "name", "department"} <= set(i) for i in data["items"])
    assert [[r["code"] for r in stage] for stage in data["stages"]][0] == ["WJ-001"]
    assert data["place"] == app.config["SERVICE_CENTRE"]["address"]
    conditional = [i for i in data["items"] if i["condition"]]
    assert conditional and all("时办理" in i["condition"] for i in conditional)
    per_child = [m for m in data["materials"] if m["per_person"] == "新生儿"]
    assert per_child, "材料按每位新生儿各一份说明"
    assert data["form_sections"] and all(s["fields"] for s in data["form_sections"])
    page = client.get("/guide/bundles/XSECS").get_data(as_text=True)
    assert 'href="/bundles/XSECS"' in page  # 开始申请
    for item in data["items"]:
        assert item["name"] in page


def test_the_list_finds_by_words_and_department_and_pages(client, sample):
    everything = client.get("/guide/").get_data(as_text=True)
    assert "新生儿出生" in everything and "开饭店" in everything
    found = client.get("/guide/?q=出生").get_data(as_text=True)
    assert "新生儿出生" in found and "开饭店" not in found
    assert "出生登记（新生儿入户）" in found
    by_code = client.get("/guide/?q=scjg-001").get_data(as_text=True)
    assert "个体工商户设立登记" in by_code
    by_department = client.get("/guide/?department=YB").get_data(as_text=True)
    assert "城乡居民基本医疗保险参保登记" in by_department and "个体工商户设立登记" not in by_department
    assert "没有找到" in client.get("/guide/?q=%25%25不存在").get_data(as_text=True)
    listing = guides.search(db.session, "", None, 1)
    assert listing.items_total > guides.PAGE_SIZE  # the sample has more items than one page
    last = client.get(f"/guide/?page={listing.pages + 5}").get_data(as_text=True)
    assert f"第 {listing.pages} / {listing.pages} 页" in last
    assert client.get("/guide/?page=abc").status_code == 200


def test_unknown_codes_are_a_404_in_chinese(client, sample):
    assert client.get("/guide/items/NOPE").status_code == 404
    assert client.get("/guide/bundles/NOPE/pdf").status_code == 404
    answer = client.get("/api/v1/guide/items/NOPE")
    assert answer.status_code == 404 and "事项“NOPE”不存在或尚未发布" in json.loads(answer.data)["error"]


def test_the_guide_marks_materials_as_the_forms_do(client, runner, write_yaml):
    """容缺 only where the item allows 容缺受理; 告知承诺 by the material's name or kind."""
    catalogue = f.small_catalogue()
    item = catalogue["items"][0]
    item["rongque"] = False
    item["commitment"] = {"replaces": ["健康证明"], "verify_days": 10}
    item["materials"] = [
        {"name": "从业人员健康证明", "kind": "健康证明", "required": True, "deferrable": True},
        {"name": "营业执照", "kind": "营业执照", "required": True},
    ]
    assert runner.invoke(args=["import", str(write_yaml(catalogue))]).exit_code == 0
    health, licence = client.get("/api/v1/guide/items/SCJG-001").get_json()["materials"]
    assert health["deferrable"] is False  # the item does not allow 容缺受理
    assert health["pledge"] is True and licence["pledge"] is False
    page = client.get("/guide/items/SCJG-001").get_data(as_text=True)
    assert "容缺可后补" not in page and "可告知承诺代替" in page
