"""The applicant's online flow through the real app: register, scenario, one form, one set of materials,
submit; with bad input kept and explained in Chinese."""

from __future__ import annotations

import datetime as dt
import io
import re

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

import forms
from bundler.catalogue import definitions
from bundler.extensions import db
from bundler.models import Application

from factories import PASSWORD
from testapp import png_bytes, scenario_form

PNG = png_bytes()


def _register(client, mobile="13991620001", name="王建国"):
    return client.post(
        "/register",
        data={"mobile": mobile, "name": name, "password": PASSWORD, "confirm": PASSWORD},
        follow_redirects=True,
    )


def _start(client, code="KFD", **answers):
    response = client.post(f"/bundles/{code}/apply", data=scenario_form(code, answers))
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/applications/(\d+)/form", response.headers["Location"]).group(1))


def _formdata(application_id: int, **overrides) -> MultiDict:
    application = db.session.get(Application, application_id)
    schema = definitions.schema_for(db.session, application)
    data = forms.example_data(schema)
    data.update(overrides)
    pairs = [(k, v.isoformat() if isinstance(v, dt.date) else v) for k, v in forms.formdata_for(schema, data)]
    return MultiDict(pairs), schema


def test_bundle_page_explains_what_each_answer_brings(client, sample):
    page = client.get("/bundles/KFD").get_data(as_text=True)
    assert "情形引导" in page
    assert "是否销售酒类" in page
    assert "将增加：酒类经营备案" in page or "将增加：酒类" in page
    assert "登录后申请" in page
    assert client.get("/bundles/NOPE").status_code == 404


def test_registration_rejects_bad_input_in_chinese(client, sample):
    page = client.post(
        "/register", data={"mobile": "12345", "name": "王", "password": "short", "confirm": "short"}
    ).get_data(as_text=True)
    assert "应为11位手机号码" in page
    again = client.post(
        "/register",
        data={"mobile": "13991620002", "name": "王", "password": "longenough", "confirm": "longenough"},
    ).get_data(as_text=True)
    assert "密码须同时包含字母和数字" in again


def test_applicant_completes_a_bundle_online(client, sample):
    assert "注册成功" in _register(client).get_data(as_text=True)
    application_id = _start(
        client, "KFD", sells_alcohol="false", has_signboard="false", has_employees="false"
    )

    form_page = client.get(f"/applications/{application_id}/form").get_data(as_text=True)
    assert "经营者信息" in form_page and "保存草稿" in form_page

    # a wrong ID number: explained next to the field, and nothing typed is lost
    formdata, schema = _formdata(application_id)
    id_key = "经营者.公民身份号码"
    id_name = forms.field_name(id_key)
    good_id = formdata[id_name]
    formdata[id_name] = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")
    formdata["action"] = "next"
    page = client.post(f"/applications/{application_id}/form", data=formdata).get_data(as_text=True)
    assert "校验位" in page
    name_name = forms.field_name("经营者.姓名")
    assert formdata[name_name] in page  # what was typed is still on the page
    saved = db.session.get(Application, application_id)
    db.session.refresh(saved)
    assert saved.data["经营者.姓名"] == formdata[name_name]  # and saved as a draft

    formdata[id_name] = good_id
    response = client.post(f"/applications/{application_id}/form", data=formdata)
    assert response.status_code == 302 and response.headers["Location"].endswith("/materials")

    materials_page = client.get(f"/applications/{application_id}/materials").get_data(as_text=True)
    assert "一套材料" in materials_page
    application = db.session.get(Application, application_id)
    db.session.refresh(application)
    asked = [m for m in application.materials if m.status != "produced"]
    # a file that is not what it claims to be is refused
    fake = client.post(
        f"/applications/{application_id}/materials",
        data={"material": asked[0].id, "action": "upload", "file": (io.BytesIO(b"plain text"), "id.png")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "只接受 PDF、OFD、JPEG、PNG" in fake
    for material in asked:
        if material.required:
            client.post(
                f"/applications/{application_id}/materials",
                data={"material": material.id, "action": "upload", "file": (io.BytesIO(PNG), "scan.png")},
                content_type="multipart/form-data",
            )
    review = client.get(f"/applications/{application_id}/review").get_data(as_text=True)
    assert "确认提交" in review and "提交前还需要" not in review

    done = client.post(f"/applications/{application_id}/review", follow_redirects=True).get_data(as_text=True)
    db.session.expire_all()
    application = db.session.get(Application, application_id)
    assert application.status == "accepted" and application.tracking_no in done
    assert "各部门办理情况" in done and "<svg" in done
    assert "受理回执" in done
    receipt = client.get(f"/applications/{application_id}/documents/receipt")
    assert receipt.status_code in (200, 202)


def test_submitting_without_required_materials_lists_what_is_missing(client, sample):
    _register(client)
    application_id = _start(client, "XSECS")
    formdata, _ = _formdata(application_id)
    formdata["action"] = "next"
    client.post(f"/applications/{application_id}/form", data=formdata)
    response = client.post(f"/applications/{application_id}/review", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "缺少必需材料" in page
    assert db.session.get(Application, application_id).status == "draft"


def test_an_applicant_cannot_see_someone_elses_application(client, sample, app):
    _register(client)
    application_id = _start(client, "TX")
    client.post("/logout")
    other = app.test_client()
    _register(other, mobile="13991620009", name="李秀英")
    assert other.get(f"/applications/{application_id}/form").status_code == 404
    assert other.get(f"/applications/{application_id}").status_code == 404
    assert other.get(f"/applications/{application_id}/documents/application_form").status_code == 404


def test_pages_need_the_right_role(client, sample, make_user):
    assert client.get("/window/").status_code == 302  # to the login page
    make_user("window", login="clerk01")
    client.post("/login", data={"login": "clerk01", "password": PASSWORD})
    assert client.get("/window/").status_code == 200
    assert client.get("/my/applications").status_code == 403


def test_login_is_rate_limited_with_a_chinese_message(client, sample, make_user):
    make_user("applicant")
    statuses = [
        client.post("/login", data={"login": "13991620001", "password": "wrong-Passw0rd"}).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [200] * 5
    assert statuses[5] == 429
    page = client.post("/login", data={"login": "13991620001", "password": PASSWORD}).get_data(as_text=True)
    assert "过于频繁" in page


def test_wrong_password_says_so_without_telling_which_part(client, sample, make_user):
    make_user("applicant")
    page = client.post("/login", data={"login": "13991620001", "password": "Wrong-passw0rd"}).get_data(
        as_text=True
    )
    assert "手机号码（登录名）或密码不正确" in page


def test_questions_that_decide_a_step_are_answered_before_starting_and_can_be_changed(client, sample):
    _register(client)
    refused = client.post("/bundles/KFD/apply", data={"q_sells_alcohol": "true"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "请先回答情形问题：餐饮门店的经营（建筑）面积是多少？；是否招用员工（雇工）？" in page
    assert re.search(r'name="q_sells_alcohol" value="true"[^>]*checked', page)  # what was chosen is kept
    assert re.search(r'name="q_has_signboard" value="false"[^>]*checked', page)  # the default, chosen
    assert db.session.scalar(select(func.count()).select_from(Application)) == 0

    application_id = _start(client, "KFD")  # a small venue, no alcohol, no employees
    page = client.get(f"/applications/{application_id}/scenario").get_data(as_text=True)
    assert re.search(r'value="小型（150平方米以下）"\s+checked', page)
    # an answer taken back: said at once, and again at submission
    partial = client.post(
        f"/applications/{application_id}/scenario", data={"q_venue_size": "大型（500平方米以上）"}
    )
    still_open = "请先回答情形问题：是否销售酒类（含堂食配售）？；是否招用员工（雇工）？"
    assert partial.status_code == 200 and still_open in partial.get_data(as_text=True)
    review = client.get(f"/applications/{application_id}/review").get_data(as_text=True)
    assert "回答情形问题" in review and "是否招用员工（雇工）？" in review
    assert still_open in client.post(f"/applications/{application_id}/review").get_data(as_text=True)
    assert db.session.get(Application, application_id).status == "draft"

    changed = client.post(
        f"/applications/{application_id}/scenario",
        data=scenario_form("KFD", {"venue_size": "大型（500平方米以上）"}),
    )
    assert changed.status_code == 302 and changed.headers["Location"].endswith(
        f"/applications/{application_id}/form"
    )
    application = db.session.get(Application, application_id)
    db.session.refresh(application)
    assert application.answers["venue_size"] == "大型（500平方米以上）"
    assert application.answers["has_signboard"] is False  # the default, used without an answer
    assert "XF-001" in definitions.schema_for(db.session, application).item_codes  # the fire-safety check


def test_a_yes_no_field_is_answered_no_on_the_page_and_shown_as_no(client, sample):
    _register(client)
    application_id = _start(client, "KFD")
    online = forms.field_name("经营者.网络经营")
    page = client.get(f"/applications/{application_id}/form").get_data(as_text=True)
    assert re.search(r'<legend class="label">是否网络经营 <span class="req">\*</span></legend>', page)
    assert re.search(rf'name="{online}"[^>]*value="false"> 否</label>', page) and "checkbox" not in page
    formdata, _schema = _formdata(application_id, **{"经营者.网络经营": False})
    assert formdata.getlist(online) == ["false"]
    formdata["action"] = "next"
    response = client.post(f"/applications/{application_id}/form", data=formdata)
    assert response.status_code == 302, response.get_data(as_text=True)
    application = db.session.get(Application, application_id)
    db.session.refresh(application)
    assert application.data["经营者.网络经营"] is False
    again = client.get(f"/applications/{application_id}/form").get_data(as_text=True)
    assert re.search(rf'<input checked id="[^"]+" name="{online}"[^>]*value="false">', again)
    review = client.get(f"/applications/{application_id}/review").get_data(as_text=True)
    assert re.search(r"<dt>是否网络经营</dt><dd>否</dd>", review)
    # unanswered, it is asked for by name
    del formdata[online]
    unanswered = client.post(f"/applications/{application_id}/form", data=formdata).get_data(as_text=True)
    assert "是否网络经营：请选择“是”或“否”" in unanswered
