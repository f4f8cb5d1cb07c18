"""/api/v1/openapi.json is generated from the schemas that validate the API's requests and shape its
answers: a valid OpenAPI document, one operation per route, true where the hand-written one had
drifted, and every answer of a real exchange conforms to it."""

from __future__ import annotations

import re
from typing import Any

import pytest
import schemathesis
from openapi_spec_validator import validate
from sqlalchemy import select

import forms
import graphs
from bundler.catalogue.queries import bundle_definition
from bundler.extensions import db
from bundler.models import Application, Task
from bundler.services import applications
from bundler.services.payload import task_payload
from bundler.states import ApplicationState, Channel, MaterialState, TaskState, values
from bundler.views.api import application_json
from bundler.views.api_schemas import ApplicationSchema, TaskSchema

from testapp import accept_by_api, answered, bearer, department_token

DOCUMENT = "/api/v1/openapi.json"
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _document(client: Any) -> dict[str, Any]:
    response = client.get(DOCUMENT)
    assert response.status_code == 200
    document: dict[str, Any] = response.get_json()
    return document


def _operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (path, method): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }


def _schema(document: dict[str, Any], name: str) -> dict[str, Any]:
    schema: dict[str, Any] = document["components"]["schemas"][name]
    return schema


def _kfd(answers: dict[str, str] | None = None) -> dict[str, Any]:
    definition = bundle_definition(db.session, "KFD")
    answers = answered("KFD", answers)
    parsed = graphs.parse_answers(definition.bundle["questions"], answers)
    data = forms.example_data(forms.merge(definition.bundle, definition.items, parsed), jsonable=True)
    return {"bundle": "KFD", "answers": answers, "data": data}


# --- the document itself -----------------------------------------------------------------------------


def test_the_document_is_valid_openapi(client):
    document = _document(client)
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_api_route_is_an_operation_and_nothing_else(app, client):
    """A route added to the API without its schemas fails here (the document itself excepted)."""
    served = {
        (re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1")), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.rule != DOCUMENT
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    document = _document(client)
    assert document["servers"] == [{"url": "/api/v1"}]
    assert set(_operations(document)) == served


def test_every_operation_says_who_may_call_it_and_what_it_answers(client):
    document = _document(client)
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["bearer"]["description"],
    }
    operations = _operations(document)
    assert len({operation["operationId"] for operation in operations.values()}) == len(operations)
    for (path, method), operation in operations.items():
        where = f"{method.upper()} {path}"
        assert CHINESE.search(operation["summary"]), where
        responses = operation["responses"]
        if operation["tags"] == ["公开信息"]:  # public information: no token, nothing to refuse it for
            assert operation["security"] == [] and not {"401", "403"} & set(responses), where
        else:
            assert operation["security"] == [{"bearer": []}], where
            assert {"401", "403"} <= set(responses), where
        assert "405" in responses, where
        assert responses["405"]["headers"]["Allow"]["required"] is True, where
        for status, response in responses.items():
            assert CHINESE.search(response["description"]), (where, status)
            if status.startswith(("4", "5")):
                assert response["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Error"
                }, (where, status)
        parameters = {parameter["name"] for parameter in operation.get("parameters", [])}
        assert set(re.findall(r"{(\w+)}", path)) <= parameters, where
        if method == "post":
            assert "400" in responses and "422" in responses, where


def test_what_the_hand_written_document_had_wrong(client):
    document = _document(client)
    application = _schema(document, "Application")["properties"]
    assert application["tracking_no"]["type"] == ["string", "null"]  # a draft has none
    bundle = _schema(document, "NewApplication")["properties"]["bundle"]
    assert bundle["minLength"] == 1 and bundle["pattern"]
    operations = _operations(document)
    assert "400" in operations[("/applications", "post")]["responses"]
    assert "403" in operations[("/applications/{id}/documents/{kind}", "get")]["responses"]
    assert "403" in operations[("/departments/{code}/tasks", "get")]["responses"]


def test_enums_are_the_stored_states(client):
    document = _document(client)

    def enum(schema: str, field: str) -> list[str]:
        found: list[str] = _schema(document, schema)["properties"][field]["enum"]
        return found

    assert enum("Application", "status") == values(ApplicationState)
    assert enum("Application", "channel") == values(Channel)
    assert enum("Step", "status") == values(TaskState)
    assert enum("ApplicationMaterial", "status") == values(MaterialState)
    assert enum("TaskSummary", "status") == values(TaskState)
    assert enum("CompletionResult", "status") == values(TaskState)
    settled = _schema(document, "NewApplication")["properties"]["materials"]["additionalProperties"]["enum"]
    assert set(settled) == set(values(MaterialState)) - {MaterialState.PRODUCED, MaterialState.SUPPLIED}
    query = _operations(document)[("/departments/{code}/tasks", "get")]["parameters"]
    assert next(p for p in query if p["name"] == "status")["schema"]["enum"] == values(TaskState)


def test_the_document_endpoint_answers_a_pdf_or_202_with_retry_after(client):
    responses = _operations(_document(client))[("/applications/{id}/documents/{kind}", "get")]["responses"]
    assert set(responses["200"]["content"]) == {"application/pdf"}
    assert responses["202"]["headers"]["Retry-After"]["required"] is True
    assert responses["202"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/DocumentPending"
    }


# --- what the API does, as documented ---------------------------------------------------------------


def test_an_empty_bundle_code_is_refused_in_chinese(client, window_token):
    response = client.post("/api/v1/applications", json={"bundle": ""}, headers=bearer(window_token))
    assert response.status_code == 422
    body = response.get_json()
    assert body["status"] == 422 and "缺少一件事编码" in body["error"]
    assert "缺少一件事编码（bundle）" in body["errors"]["bundle"]


def test_invalid_input_is_answered_in_chinese_by_field(client, window_token):
    body = {
        "bundle": 7,
        "answers": [],
        "data": "x",
        "materials": {"居民身份证|经营者": "produced"},
        "commitment_date": "2026-13-45",
        "unknown": "ignored as always",
    }
    response = client.post("/api/v1/applications", json=body, headers=bearer(window_token))
    assert response.status_code == 422
    answer = response.get_json()
    assert set(answer) == {"error", "status", "errors"} and answer["status"] == 422
    errors = answer["errors"]
    assert set(errors) == {"bundle", "answers", "data", "materials", "commitment_date"}
    assert errors["answers"] == ["answers 应为 JSON 对象"]
    assert errors["materials"] == [
        "“居民身份证|经营者”：材料状态只能是：pending、uploaded、collected、e_licence、deferred、committed、missing"
    ]
    for messages in errors.values():
        assert all(CHINESE.search(message) for message in messages), messages
    assert "Not a valid" not in answer["error"] and CHINESE.search(answer["error"])


def test_a_body_that_is_not_a_json_object_is_a_400(client, window_token):
    bodies: list[Any] = [[], "KFD", 3]
    for body in bodies:
        response = client.post("/api/v1/applications", json=body, headers=bearer(window_token))
        assert response.status_code == 400
        assert response.get_json() == {"error": "请求体应为 JSON 对象", "status": 400}


def test_a_long_idempotency_key_is_refused(client, window_token):
    headers = {**bearer(window_token), "Idempotency-Key": "k" * 151}
    response = client.post("/api/v1/applications", json={"bundle": "KFD"}, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"Idempotency-Key": ["Idempotency-Key 不能超过 150 个字符"]}


def test_an_unknown_status_filter_is_a_422_in_chinese(client, sample):
    token = department_token("SCJG")
    response = client.get("/api/v1/departments/SCJG/tasks?status=bogus", headers=bearer(token))
    assert response.status_code == 422
    answer = response.get_json()
    assert answer["error"] == f"状态只能是：{'、'.join(values(TaskState))}"
    assert answer["errors"] == {"status": [answer["error"]]}


def test_a_completion_is_validated_before_it_reaches_the_service(client, window_token):
    application = accept_by_api(client, window_token)
    task = db.session.scalar(
        select(Task).where(Task.application_id == application["id"], Task.status == TaskState.READY)
    )
    assert task is not None
    token = department_token("SCJG")
    url = f"/api/v1/tasks/{task.id}/complete"
    maybe = client.post(url, json={"outcome": "maybe", "results": []}, headers=bearer(token))
    assert maybe.status_code == 422
    assert maybe.get_json()["errors"] == {
        "outcome": ["办理结果只能是：approved、rejected"],
        "results": ["results 应为 JSON 对象"],
    }
    assert client.post(url, json={}, headers=bearer(token)).get_json()["errors"] == {
        "outcome": ["缺少办理结果（outcome）"]
    }
    assert client.post(url, data="outcome=approved", headers=bearer(token)).status_code == 400


def test_other_methods_are_405_with_allow_and_the_json_error(client):
    for method, path, allowed in [
        ("put", "/api/v1/applications", "OPTIONS, POST"),
        ("delete", "/api/v1/tasks/1", "GET, HEAD, OPTIONS"),
        ("get", "/api/v1/tasks/1/complete", "OPTIONS, POST"),
    ]:
        response = getattr(client, method)(path)
        assert response.status_code == 405, path
        assert response.headers["Allow"] == allowed
        assert response.get_json() == {"error": "不支持这种访问方式。", "status": 405}


def test_a_missing_token_is_a_401_that_says_bearer(client):
    response = client.get("/api/v1/applications/1")
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"


def test_the_answers_carry_every_field_the_views_and_services_make(client, window_token):
    """Answers are dumped through the schemas, which leave out what they do not declare: a field added to
    an answer without its schema would silently vanish from the API."""
    application = db.session.get(Application, accept_by_api(client, window_token)["id"])
    assert application is not None
    with client.application.test_request_context():
        assert set(application_json(application)) == set(ApplicationSchema().fields)
        assert set(task_payload(db.session, application.tasks[0])) == set(TaskSchema().fields)


@pytest.fixture
def documented(app):
    """Validate an answer against the document the app serves."""
    schema = schemathesis.openapi.from_wsgi(DOCUMENT, app)

    def check(path: str, method: str, response: Any) -> Any:
        schema[path][method].validate_response(response)
        return response.get_json() if response.is_json else response

    return check


def test_a_whole_exchange_answers_as_documented(client, window_token, documented):
    auth = bearer(window_token)
    body = _kfd({"has_employees": "true"})
    keyed = {**auth, "Idempotency-Key": "counter-3-0001"}
    first = client.post("/api/v1/applications", json=body, headers=keyed)
    assert first.status_code == 201
    application = documented("/applications", "POST", first)
    again = client.post("/api/v1/applications", json=body, headers=keyed)
    assert again.status_code == 200 and documented("/applications", "POST", again)["id"] == application["id"]
    status = client.get(f"/api/v1/applications/{application['id']}", headers=auth)
    assert documented("/applications/{id}", "GET", status)["tracking_no"] == application["tracking_no"]
    receipt = client.get(f"/api/v1/applications/{application['id']}/documents/receipt", headers=auth)
    assert receipt.status_code == 202 and receipt.headers["Retry-After"] == "2"
    documented("/applications/{id}/documents/{kind}", "GET", receipt)

    scjg = bearer(department_token("SCJG"))
    listed = client.get("/api/v1/departments/SCJG/tasks?status=ready", headers=scjg)
    ready = documented("/departments/{code}/tasks", "GET", listed)["tasks"]
    assert [task["item"] for task in ready] == ["SCJG-001"]
    task = documented("/tasks/{id}", "GET", client.get(f"/api/v1/tasks/{ready[0]['id']}", headers=scjg))
    assert task["tracking_no"] == application["tracking_no"]
    done = client.post(
        f"/api/v1/tasks/{task['task']}/complete",
        json={"outcome": "approved", "results": {"经营者.统一社会信用代码": "92610702MA6X0F2K1F"}},
        headers=scjg,
    )
    assert done.status_code == 200
    assert documented("/tasks/{id}/complete", "POST", done)["status"] == "done"


def test_an_unaccepted_application_has_no_tracking_number_and_says_so_as_documented(
    client, window_token, documented
):
    refused = applications.start_application(db.session, "KFD", answers={}, channel=Channel.WINDOW)
    refused.status = ApplicationState.REFUSED  # 暂不受理 at the counter: submitted, never accepted
    db.session.commit()
    response = client.get(f"/api/v1/applications/{refused.id}", headers=bearer(window_token))
    assert response.status_code == 200
    assert documented("/applications/{id}", "GET", response)["tracking_no"] is None
    draft = applications.start_application(db.session, "KFD", answers={}, channel=Channel.ONLINE)
    db.session.commit()
    assert client.get(f"/api/v1/applications/{draft.id}", headers=bearer(window_token)).status_code == 404
