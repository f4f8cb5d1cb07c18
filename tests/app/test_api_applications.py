"""POST/GET /api/v1/applications: one submission accepted and planned, through the real app and database."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import text

import forms
import graphs
from bundler.catalogue.queries import bundle_definition
from bundler.extensions import db
from bundler.services.accounts import create_token
from bundler.services.confirmations import parties as confirmation_parties

from testapp import answered, bearer


def _valid_data(code: str, answers: dict | None = None) -> dict:
    definition = bundle_definition(db.session, code)
    questions = definition.bundle["questions"]
    parsed = graphs.scenarios.with_defaults(
        questions, graphs.parse_answers(questions, answered(code, answers))
    )
    schema = forms.merge(definition.bundle, definition.items, parsed)
    return forms.example_data(schema, jsonable=True)


def _body(code: str = "KFD", answers: dict | None = None, **extra) -> dict:
    """A submission with every question that must be answered answered (see ``testapp.answered``), every
    party's ID card checked at the counter (各方确认)."""
    data = _valid_data(code, answers)
    parties = [p.key for p in confirmation_parties(bundle_definition(db.session, code).bundle, data)]
    return {
        "bundle": code,
        "answers": answered(code, answers),
        "data": data,
        "confirmed_parties": parties,
        **extra,
    }


def _post(client, token, body, **headers):
    return client.post("/api/v1/applications", json=body, headers={**bearer(token), **headers})


def test_create_accepts_and_plans_the_steps(client, window_token):
    response = _post(client, window_token, _body())
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["tracking_no"].startswith("YJS") and body["bundle_version"] == 1
    steps = {s["item"]: s for s in body["steps"]}
    assert steps["SCJG-001"]["status"] == "ready" and steps["SCJG-001"]["due"]
    assert steps["SCJG-003"]["status"] == "waiting"  # serial: after the registration
    assert steps["XF-001"]["status"] == "skipped"  # not asked for a small venue
    assert all(s["department"] for s in body["steps"])
    assert body["status"] == "accepted" and body["promised_date"]
    again = client.get(f"/api/v1/applications/{body['id']}", headers=bearer(window_token))
    assert again.status_code == 200 and again.get_json()["steps"] == body["steps"]


def test_answers_bring_in_conditional_steps(client, window_token):
    answers = {"sells_alcohol": "true", "has_signboard": "true"}
    body = _post(client, window_token, _body("KFD", answers))
    steps = {s["item"]: s["status"] for s in body.get_json()["steps"]}
    assert steps["SWJ-001"] == "waiting" and steps["CG-001"] != "skipped"


def test_idempotency_key_returns_the_same_application(client, window_token):
    body = _body("XSECS")
    first = _post(client, window_token, body, **{"Idempotency-Key": "counter-7-0001"})
    second = _post(client, window_token, body, **{"Idempotency-Key": "counter-7-0001"})
    assert first.status_code == 201 and second.status_code == 200
    assert second.get_json()["id"] == first.get_json()["id"]
    third = _post(client, window_token, body, **{"Idempotency-Key": "counter-7-0002"})
    assert third.status_code == 201, third.get_json()
    assert third.get_json()["id"] != first.get_json()["id"]


def test_bad_data_gets_per_field_chinese_messages(client, window_token):
    data = _valid_data("KFD")
    data["经营者.公民身份号码"] = "610702199001011230"  # wrong check digit
    data["经营者.联系电话"] = "12345"
    data["不存在.字段"] = "x"
    response = _post(client, window_token, _body(data=data))
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert "校验位" in " ".join(errors["经营者.公民身份号码"])
    assert "手机号码" in " ".join(errors["经营者.联系电话"])
    assert errors["不存在.字段"] == ["申请表中没有这一项"]


@pytest.mark.parametrize(
    ("body", "where", "fragment"),
    [
        ({"bundle": "NOPE"}, "bundle", "不存在"),
        ({"bundle": "KFD", "answers": {"sells_alcohol": "maybe"}}, "answers", "只能回答"),
        ({"bundle": "KFD", "answers": "yes"}, "answers", "JSON 对象"),
        ({}, "bundle", "缺少一件事编码"),
    ],
)
def test_bad_requests_are_422_in_chinese(client, window_token, body, where, fragment):
    response = _post(client, window_token, body)
    assert response.status_code == 422
    assert fragment in " ".join(response.get_json()["errors"][where])


def test_missing_required_material_is_refused_and_nothing_is_stored(client, window_token):
    data = _valid_data("KFD")
    response = _post(client, window_token, _body(data=data, materials={"居民身份证|经营者": "missing"}))
    assert response.status_code == 422
    assert "缺少必需材料" in response.get_json()["error"]
    assert db.session.execute(text("SELECT count(*) FROM applications")).scalar() == 0


def test_deferred_material_is_a_rongque_acceptance_with_a_commitment_date(client, window_token):
    data = _valid_data("KFD")
    commitment = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    body = _body(data=data, materials={"经营场所使用证明|门店": "deferred"})
    no_date = _post(client, window_token, body)
    assert no_date.status_code == 422 and "承诺补交材料的日期" in no_date.get_json()["error"]
    accepted = _post(client, window_token, {**body, "commitment_date": commitment})
    assert accepted.status_code == 201, accepted.get_json()
    result = accepted.get_json()
    assert result["status"] == "accepted_pending" and result["commitment_date"] == commitment
    owed = [m for m in result["materials"] if m["status"] == "deferred"]
    assert [m["name"] for m in owed] == ["经营场所使用证明（房屋产权证明或租赁合同）"] and owed[0][
        "due"
    ] == commitment


def test_tokens_are_required_and_roles_checked(client, window_token):
    assert client.post("/api/v1/applications", json={"bundle": "KFD"}).status_code == 401
    bad = client.post("/api/v1/applications", json={}, headers=bearer("yjs_not-a-token"))
    assert bad.status_code == 401 and bad.get_json()["error"] == "令牌无效或已吊销"
    department_token = create_token(db.session, "department", "SCJG")
    db.session.commit()
    assert _post(client, department_token, {"bundle": "KFD"}).status_code == 403
    assert client.get("/api/v1/applications/1", headers=bearer(department_token)).status_code == 403


def test_not_json_is_a_400_in_chinese(client, window_token):
    response = client.post("/api/v1/applications", data="x=1", headers=bearer(window_token))
    assert response.status_code == 400 and "JSON" in response.get_json()["error"]


def test_openapi_document_describes_every_endpoint(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    served = {
        (
            re.sub(
                r"<(?:\w+:)?(\w+)>",
                lambda m: "{" + ("id" if m.group(1).endswith("_id") else m.group(1)) + "}",
                rule.rule[len("/api/v1") :],
            ),
            method.lower(),
        )
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    described = {(path, method) for path, operations in spec["paths"].items() for method in operations}
    assert served == described
    assert "bundle_version" in spec["components"]["schemas"]["Application"]["properties"]


def test_personal_data_is_not_in_the_database_in_clear(client, window_token):
    data = _valid_data("KFD")
    data["经营者.姓名"] = "欧阳明哲"
    response = _post(client, window_token, _body(data=data))
    assert response.status_code == 201
    secrets = [data["经营者.姓名"], data["经营者.公民身份号码"], data["经营者.联系电话"]]
    dump = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(text(f"SELECT * FROM {table.name}")):
            dump.append(" ".join(str(v) for v in row))
    everything = "\n".join(dump)
    for secret in secrets:
        assert secret not in everything
    assert "欧*" in everything  # the masked label is there for lists


def test_acceptance_time_reads_back_as_china_time_on_every_database(client, window_token):
    from bundler import clock
    from bundler.models import Application

    body = _post(client, window_token, _body("TX")).get_json()
    db.session.expire_all()
    accepted = clock.local(db.session.get(Application, body["id"]).accepted_at)
    assert abs((accepted - clock.now()).total_seconds()) < 300
    assert accepted.utcoffset() == dt.timedelta(hours=8)


# --- answers that decide something (issue 14, part 5) ----------------------------------------------------


def test_an_unanswered_deciding_question_is_refused_with_its_name(client, window_token):
    answers = answered("KFD")
    del answers["venue_size"]  # decides whether the fire-safety step (XF-001) is needed
    response = _post(client, window_token, {**_body(), "answers": answers})
    assert response.status_code == 422
    message = "请先回答情形问题：餐饮门店的经营（建筑）面积是多少？"
    assert response.get_json()["error"] == message
    assert response.get_json()["errors"]["application"] == [message]
    assert db.session.execute(text("SELECT count(*) FROM applications")).scalar() == 0


def test_a_question_with_a_default_needs_no_answer_and_the_default_is_used(client, window_token):
    from bundler.models import Application

    answers = answered("KFD")
    assert "has_signboard" not in answers  # 是否设置户外招牌: default false in the sample
    response = _post(client, window_token, _body(answers=answers))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert {s["item"]: s["status"] for s in body["steps"]}["CG-001"] == "skipped"
    assert db.session.get(Application, body["id"]).answers["has_signboard"] is False


def test_a_yes_no_field_answered_no_is_accepted_and_delivered_as_false(client, window_token):
    data = _valid_data("KFD")
    data["经营者.网络经营"] = False  # 食品经营许可 (SCJG-003): 是否网络经营, required
    data["门店.是否设置仓库"] = "否"
    response = _post(client, window_token, _body(data=data))
    assert response.status_code == 201, response.get_json()

    department = create_token(db.session, "department", "SCJG")
    db.session.commit()
    tasks = client.get("/api/v1/departments/SCJG/tasks", headers=bearer(department)).get_json()["tasks"]
    permit = next(t for t in tasks if t["item"] == "SCJG-003")
    form = client.get(f"/api/v1/tasks/{permit['id']}", headers=bearer(department)).get_json()["form"]
    assert form["online"] is False and form["has_warehouse"] is False


def test_a_required_yes_no_field_left_unanswered_is_refused_by_name(client, window_token):
    data = _valid_data("KFD")
    data["经营者.网络经营"] = None
    response = _post(client, window_token, _body(data=data))
    assert response.status_code == 422
    assert response.get_json()["errors"]["经营者.网络经营"] == ["是否网络经营：请选择“是”或“否”"]
