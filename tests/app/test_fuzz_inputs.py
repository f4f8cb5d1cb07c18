"""Every form and API input, fuzzed: bad input gets a Chinese message, never a 500."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from bundler.catalogue import definitions
from bundler.extensions import db
from bundler.models import Application

from factories import PASSWORD
from testapp import CsrfClient, make_app, scenario_form


@pytest.fixture
def app(app_config, _schema):
    """The app as production runs it, CSRF protection on, with the login rate limiter off, so that
    every fuzzed request reaches the view it aims at (rate limiting is tested on its own)."""
    yield from make_app({**app_config, "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False}, CsrfClient)


FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)


def _no_500(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code >= 400 and response.is_json:
        assert response.get_json()["error"]


@FUZZ
@given(body=json_values, key=st.none() | text)
def test_api_create_never_fails_with_500(client, window_token, body, key):
    headers = {"Authorization": f"Bearer {window_token}"}
    if key is not None:
        # what an HTTP client can send at all: latin-1, no line breaks
        headers["Idempotency-Key"] = (
            key.encode("utf-8").decode("latin-1").replace("\r", "").replace("\n", "")[:150]
        )
    _no_500(client.post("/api/v1/applications", json=body, headers=headers))


@FUZZ
@given(
    data=st.dictionaries(
        st.sampled_from(["经营者.姓名", "经营者.公民身份号码", "经营者.联系电话", "门店.经营场所面积", "x"]),
        json_values,
        max_size=5,
    ),
    answers=st.dictionaries(st.sampled_from(["sells_alcohol", "venue_size", "zzz"]), json_values, max_size=3),
    materials=st.dictionaries(text, json_values, max_size=2),
)
def test_api_create_with_plausible_shapes_never_fails_with_500(
    client, window_token, data, answers, materials
):
    body = {
        "bundle": "KFD",
        "data": data,
        "answers": answers,
        "materials": materials,
        "commitment_date": "2026-13-45",
    }
    _no_500(
        client.post("/api/v1/applications", json=body, headers={"Authorization": f"Bearer {window_token}"})
    )


@FUZZ
@given(path_id=st.integers(min_value=-5, max_value=10**12))
def test_api_get_never_fails_with_500(client, window_token, path_id):
    _no_500(
        client.get(f"/api/v1/applications/{path_id}", headers={"Authorization": f"Bearer {window_token}"})
    )


@FUZZ
@given(mobile=text, name=text, password=text, confirm=text)
def test_register_and_login_never_fail_with_500(client, sample, mobile, name, password, confirm):
    _no_500(
        client.post(
            "/register", data={"mobile": mobile, "name": name, "password": password, "confirm": confirm}
        )
    )
    _no_500(client.post("/login", data={"login": mobile, "password": password}))


@pytest.fixture
def applicant_draft(client, sample, make_user):
    make_user("applicant", login="13991620011")
    client.post("/login", data={"login": "13991620011", "password": PASSWORD})
    response = client.post("/bundles/KFD/apply", data=scenario_form("KFD", {"sells_alcohol": "true"}))
    return int(re.search(r"/applications/(\d+)/form", response.headers["Location"]).group(1))


@FUZZ
@given(values=st.lists(text, min_size=60, max_size=60), action=st.sampled_from(["save", "next", "", "bogus"]))
def test_unified_form_never_fails_with_500(client, applicant_draft, values, action):
    application = db.session.get(Application, applicant_draft)
    form_class = __import__("forms").build_form(definitions.schema_for(db.session, application))
    names = [name for name in form_class.field_keys]
    formdata = MultiDict(
        [(name, value) for name, value in zip(names, values, strict=False)] + [("action", action)]
    )
    formdata.add(f"{names[0]}-0-x", "junk")
    _no_500(client.post(f"/applications/{applicant_draft}/form", data=formdata))


@FUZZ
@given(
    content=st.binary(max_size=2048),
    filename=text,
    material=st.integers(min_value=-3, max_value=10**9) | text,
    action=text,
)
def test_material_upload_never_fails_with_500(client, applicant_draft, content, filename, material, action):
    _no_500(
        client.post(
            f"/applications/{applicant_draft}/materials",
            data={"material": material, "action": action, "file": (io.BytesIO(content), filename or "f")},
            content_type="multipart/form-data",
        )
    )


@FUZZ
@given(
    answers=st.dictionaries(st.sampled_from(["q_sells_alcohol", "q_venue_size", "q_other"]), text, max_size=3)
)
def test_bundle_start_and_notice_never_fail_with_500(client, applicant_draft, answers):
    _no_500(client.post("/bundles/KFD/apply", data=answers))
    _no_500(client.get("/bundles/KFD/notice", query_string=answers))


@pytest.fixture
def clerk_client(client, sample, make_user):
    make_user("window", login="clerk-fuzz")
    client.post("/login", data={"login": "clerk-fuzz", "password": PASSWORD})
    return client


@FUZZ
@given(number=text, bundle=text, commitment=text, state=text)
def test_window_inputs_never_fail_with_500(clerk_client, number, bundle, commitment, state):
    client = clerk_client
    _no_500(client.post("/window/", data={"number": number}))
    response = client.post("/window/start", data={"bundle": bundle or "KFD", "number": number})
    _no_500(response)
    started = client.post("/window/start", data={"bundle": "TX", "number": ""})
    application_id = int(re.search(r"/applications/(\d+)/", started.headers["Location"]).group(1))
    _no_500(
        client.post(
            f"/window/applications/{application_id}/scenario",
            data={**scenario_form("TX"), "q_retire_type": state},
        )
    )
    application = db.session.get(Application, application_id)
    states = {f"m_{m.id}": state for m in application.materials}
    for action in ("accept", "refuse"):
        _no_500(
            client.post(
                f"/window/applications/{application_id}/checklist",
                data={**states, "action": action, "commitment_date": commitment},
            )
        )


def test_inputs_the_fuzzing_found(client, window_token, clerk_client):
    """Regressions found by the fuzzing on PostgreSQL: NUL characters, ids beyond the column, unknown states."""
    headers = {"Authorization": f"Bearer {window_token}"}
    assert client.get(f"/api/v1/applications/{2**40}", headers=headers).status_code == 404
    nul_bundle = client.post("/api/v1/applications", json={"bundle": "KF\x00D"}, headers=headers)
    assert nul_bundle.status_code in (400, 422) and nul_bundle.get_json()["error"]
    nul_data = client.post(
        "/api/v1/applications", json={"bundle": "TX", "data": {"退休人员.姓名": "\x00王"}}, headers=headers
    )
    assert nul_data.status_code == 422
    started = clerk_client.post("/window/start", data={"bundle": "TX", "number": ""})
    application_id = int(re.search(r"/applications/(\d+)/", started.headers["Location"]).group(1))
    application = db.session.get(Application, application_id)
    states = {f"m_{m.id}": "not-a-state-at-all" for m in application.materials}
    page = clerk_client.post(
        f"/window/applications/{application_id}/checklist", data={**states, "action": "refuse"}
    )
    assert page.status_code == 200 and "材料状态无效" in page.get_data(as_text=True)


@pytest.fixture
def studio_drafts(client, sample, make_user):
    """A lead department's bundle draft (two steps) and item draft, logged in as that department."""
    make_user("lead", login="wj-lead-fuzz", department="WJ")
    client.post("/login", data={"login": "wj-lead-fuzz", "password": PASSWORD})
    bundle = client.post("/studio/bundles/new", data={"code": "FZ", "name": "模糊测试"})
    bundle_id = int(re.search(r"/studio/changes/(\d+)", bundle.headers["Location"]).group(1))
    for code in ("WJ-001", "GA-001"):
        client.post(f"/studio/changes/{bundle_id}/edit", data={"op": "add_step", "item": code})
    item = client.post("/studio/item/WJ-002/change")
    item_id = int(re.search(r"/studio/changes/(\d+)", item.headers["Location"]).group(1))
    return bundle_id, item_id


STUDIO_KEYS = [
    "name", "description", "item", "qid", "text", "qtype", "options", "key", "map", "type", "produced_by",
    "note", "question", "values", "items", "deps_WJ-001", "deps_GA-001", "anchor",
]  # fmt: skip


@FUZZ
@given(
    op=st.sampled_from(
        [
            "info",
            "add_step",
            "remove_step",
            "dependencies",
            "condition",
            "add_question",
            "remove_question",
            "resolve",
            "unresolve",
            "",
            "bogus",
        ]
    ),  # fmt: skip
    values=st.dictionaries(
        st.sampled_from(STUDIO_KEYS),
        st.lists(text | st.sampled_from(["WJ-001", "GA-001", "true", "新生儿.性别"]), max_size=2),
        max_size=6,
    ),
)
def test_studio_edits_never_fail_with_500(client, studio_drafts, op, values):
    bundle_id, _ = studio_drafts
    form = MultiDict([("op", op), *((k, v) for k, vs in values.items() for v in vs)])
    _no_500(client.post(f"/studio/changes/{bundle_id}/edit", data=form))
    _no_500(client.post(f"/studio/changes/{bundle_id}/preview", data=form))
    _no_500(client.get(f"/studio/changes/{bundle_id}"))


@FUZZ
@given(
    values=st.dictionaries(
        st.sampled_from(
            [
                "name",
                "type",
                "legal_days",
                "promised_days",
                "basis",
                "fields-0-name",
                "fields-0-type",
                "fields-0-options",
                "fields-0-max_length",
                "fields-0-role",
                "materials-0-name",
                "fields-9-name",
            ]
        ),
        text,
        max_size=6,
    )  # fmt: skip
)
def test_item_editor_never_fails_with_500(client, studio_drafts, values):
    _, item_id = studio_drafts
    _no_500(client.post(f"/studio/changes/{item_id}/item", data=values))
    _no_500(client.get(f"/studio/changes/{item_id}"))
