"""The integrated window: a clerk takes one combined application at the counter, prefilled from what
the service already holds, then accepts, accepts with missing non-key materials (容缺), or refuses with
a one-time notice."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

import forms
from bundler.catalogue import definitions
from bundler.extensions import db
from bundler.models import Application
from bundler.services.elicences import LocalELicenceStore

from factories import PASSWORD
from testapp import scenario_form

PERSON_ID = "610702198503150010"


def _clerk(client, make_user):
    make_user("window", login="clerk01", name="窗口一号")
    response = client.post("/login", data={"login": "clerk01", "password": PASSWORD})
    assert response.status_code == 302


def _start(client, bundle="KFD", number=PERSON_ID):
    response = client.post("/window/start", data={"bundle": bundle, "number": number})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/applications/(\d+)/scenario", response.headers["Location"]).group(1))


def _fill(client, application_id, **overrides):
    application = db.session.get(Application, application_id)
    db.session.refresh(application)
    schema = definitions.schema_for(db.session, application)
    data = {**forms.example_data(schema), **application.data, **overrides}
    pairs = [(k, v.isoformat() if isinstance(v, dt.date) else v) for k, v in forms.formdata_for(schema, data)]
    response = client.post(
        f"/window/applications/{application_id}/form", data=MultiDict([*pairs, ("action", "next")])
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return application


def _checklist(application, **states):
    return {
        f"m_{m.id}": states.get(m.name, "collected") for m in application.materials if m.status != "produced"
    }


def test_window_search_validates_the_number_in_chinese(client, sample, make_user):
    _clerk(client, make_user)
    page = client.post("/window/", data={"number": "610702198503150011"}).get_data(as_text=True)
    assert "校验位" in page


def test_counter_prefills_from_e_licences_and_accepts(client, sample, make_user):
    _clerk(client, make_user)
    LocalELicenceStore(db.session).load(
        [
            {
                "holder": PERSON_ID,
                "kind": "居民身份证",
                "title": "居民身份证",
                "data": {"姓名": "赵海涛", "住所": "汉台区北关街1号"},
            }
        ]
    )
    db.session.commit()
    search = client.post("/window/", data={"number": PERSON_ID}).get_data(as_text=True)
    assert "居民身份证" in search and "没有此前的申请" in search

    application_id = _start(client)
    scenario = client.post(
        f"/window/applications/{application_id}/scenario",
        data={"q_venue_size": "小型（150平方米以下）", "q_sells_alcohol": "true", "q_has_employees": "false"},
    )
    assert scenario.status_code == 302
    form_page = client.get(f"/window/applications/{application_id}/form").get_data(as_text=True)
    assert "赵海涛" in form_page and PERSON_ID in form_page  # prefilled, not typed again

    application = _fill(client, application_id)
    page = client.get(f"/window/applications/{application_id}/checklist").get_data(as_text=True)
    assert "材料核对" in page and "容缺后补" in page
    response = client.post(
        f"/window/applications/{application_id}/checklist",
        data={**_checklist(application), "action": "accept"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    application = db.session.get(Application, application_id)
    assert application.status == "accepted" and application.accepted_by.login == "clerk01"
    assert application.accepted_at is not None
    assert {t.item.code: t.status for t in application.tasks}["SWJ-001"] == "waiting"
    done = client.get(f"/window/applications/{application_id}/done").get_data(as_text=True)
    assert application.tracking_no in done and "受理回执" in done

    # the next visit of the same person finds this application
    again = client.post("/window/", data={"number": PERSON_ID}).get_data(as_text=True)
    assert application.tracking_no in again


def test_rongque_acceptance_with_a_commitment_date(client, sample, make_user):
    _clerk(client, make_user)
    application_id = _start(client)
    client.post(f"/window/applications/{application_id}/scenario", data=scenario_form("KFD"))
    application = _fill(client, application_id)
    states = _checklist(application, **{"经营场所使用证明（房屋产权证明或租赁合同）": "deferred"})
    no_date = client.post(
        f"/window/applications/{application_id}/checklist",
        data={**states, "action": "accept"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "容缺受理须填写申请人承诺补交材料的日期" in no_date
    too_late = client.post(
        f"/window/applications/{application_id}/checklist",
        data={**states, "action": "accept", "commitment_date": "2099-01-01"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "承诺补交日期须在今天至承诺办结日期" in too_late
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    response = client.post(
        f"/window/applications/{application_id}/checklist",
        data={**states, "action": "accept", "commitment_date": tomorrow},
    )
    assert response.status_code == 302
    db.session.expire_all()
    application = db.session.get(Application, application_id)
    assert application.status == "accepted_pending"
    owed = [m for m in application.materials if m.status == "deferred"]
    assert [m.name for m in owed] == ["经营场所使用证明（房屋产权证明或租赁合同）"] and owed[
        0
    ].due_date.isoformat() == tomorrow
    done = client.get(f"/window/applications/{application_id}/done").get_data(as_text=True)
    assert "容缺受理承诺书" in done
    status = client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert "您还需补交" in status and "经营场所使用证明（房屋产权证明或租赁合同）" in status


def test_a_material_not_marked_deferrable_cannot_be_deferred(client, sample, make_user):
    _clerk(client, make_user)
    application_id = _start(client)
    client.post(f"/window/applications/{application_id}/scenario", data=scenario_form("KFD"))
    application = _fill(client, application_id)
    required = next(
        m for m in application.materials if m.required and not m.deferrable and m.status != "produced"
    )
    states = _checklist(application, **{required.name: "deferred"})
    page = client.post(
        f"/window/applications/{application_id}/checklist",
        data={**states, "action": "accept", "commitment_date": dt.date.today().isoformat()},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert f"材料“{required.name}”不属于可容缺受理的材料，不能容缺后补" in page
    assert db.session.get(Application, application_id).status == "draft"


def _refused_at_the_counter(client, make_user):
    """A clerk takes an application for 新生儿出生 and refuses it, every required material missing:
    its id and the materials told."""
    _clerk(client, make_user)
    application_id = _start(client, "XSECS")
    client.post(f"/window/applications/{application_id}/scenario", data=scenario_form("XSECS"))
    application = _fill(client, application_id)
    required = [m for m in application.materials if m.required and m.status != "produced"]
    states = _checklist(application, **{m.name: "missing" for m in required})
    response = client.post(
        f"/window/applications/{application_id}/checklist", data={**states, "action": "refuse"}
    )
    assert response.status_code == 302
    return application_id, required


def test_refusal_records_everything_missing_and_can_be_resumed(client, sample, make_user):
    application_id, required = _refused_at_the_counter(client, make_user)
    db.session.expire_all()
    application = db.session.get(Application, application_id)
    assert application.status == "refused"
    assert {m.name for m in application.materials if m.status == "missing"} == {m.name for m in required}
    done = client.get(f"/window/applications/{application_id}/done").get_data(as_text=True)
    assert "一次性告知书" in done
    kept = dict(application.data)
    client.post(f"/window/applications/{application_id}/reopen")
    db.session.expire_all()
    application = db.session.get(Application, application_id)
    assert application.status == "draft" and application.data == kept  # nothing entered is lost


def test_an_unanswered_deciding_question_is_refused_at_the_counter_with_its_name(client, sample, make_user):
    _clerk(client, make_user)
    application_id = _start(client)
    # the clerk skips the scenario page: nothing says whether the fire-safety step is needed
    application = _fill(client, application_id)
    page = client.get(f"/window/applications/{application_id}/checklist").get_data(as_text=True)
    assert "情形问题还需回答" in page and "餐饮门店的经营（建筑）面积是多少？" in page
    optional = next(m for m in application.materials if not m.required and m.status != "produced")
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    refused = client.post(
        f"/window/applications/{application_id}/checklist",
        data={
            **_checklist(application, **{optional.name: "missing"}),
            "action": "accept",
            "commitment_date": tomorrow,
        },
    )
    assert refused.status_code == 200
    page = refused.get_data(as_text=True)
    assert (
        "请先回答情形问题：餐饮门店的经营（建筑）面积是多少？；是否销售酒类（含堂食配售）？；是否招用员工（雇工）？"
        in page
    )
    assert "是否在门店外设置户外招牌" not in page  # it has a default (否)
    # what the clerk chose is shown again
    assert re.search(rf'name="m_{optional.id}" value="missing"[^>]*checked', page)
    assert f'value="{tomorrow}"' in page
    db.session.expire_all()
    application = db.session.get(Application, application_id)
    assert application.status == "draft" and application.tracking_no is None
    assert application.data  # the form as entered is kept

    # the scenario page asks again, keeping what was answered, until every deciding question is answered
    partial = client.post(
        f"/window/applications/{application_id}/scenario", data={"q_venue_size": "中型（150至500平方米）"}
    ).get_data(as_text=True)
    assert "请先回答情形问题：是否销售酒类（含堂食配售）？；是否招用员工（雇工）？" in partial
    assert re.search(r'value="中型（150至500平方米）"\s+checked', partial)
    assert re.search(r'name="q_has_signboard" value="false"\s+checked', partial)  # the default, shown
    answered_all = client.post(
        f"/window/applications/{application_id}/scenario",
        data={
            "q_venue_size": "中型（150至500平方米）",
            "q_sells_alcohol": "false",
            "q_has_employees": "false",
        },
    )
    assert answered_all.status_code == 302
    application = _fill(client, application_id)
    accepted = client.post(
        f"/window/applications/{application_id}/checklist",
        data={**_checklist(application), "action": "accept"},
    )
    assert accepted.status_code == 302
    db.session.expire_all()
    application = db.session.get(Application, application_id)
    steps = {t.item.code: t.status for t in application.tasks}
    assert application.status == "accepted" and steps["XF-001"] != "skipped" and steps["CG-001"] == "skipped"
    assert application.answers["has_signboard"] is False  # the default, used without an answer


def test_a_refusal_is_a_visit_and_its_notice_lets_the_applicant_rate_without_an_account(
    app, client, sample, make_user
):
    from bundler.models import Notification, Rating, Visit

    application_id, _required = _refused_at_the_counter(client, make_user)
    done = client.get(f"/window/applications/{application_id}/done").get_data(as_text=True)
    assert "到访记录" in done and "递交申请" in done
    client.post(f"/window/applications/{application_id}/visits", data={"purpose": "other"})
    client.post(f"/window/applications/{application_id}/visits", data={"purpose": "nonsense"})
    (visit,) = db.session.scalars(select(Visit).where(Visit.application_id == application_id)).all()
    assert visit.purposes == ["submit", "other"]  # one trip today, for both

    notice = db.session.scalar(
        select(Notification).where(
            Notification.application_id == application_id, Notification.event == "refused"
        )
    )
    link = re.search(r"http://[^/\s]+(/r/[\w.\-]+)", notice.body)
    assert link, notice.body
    stranger = app.test_client()  # the applicant, no account, from the text message
    page = stranger.get(link.group(1)).get_data(as_text=True)
    assert "好差评" in page and "一次性告知后" in page and 'name="level_all"' in page
    assert stranger.get(link.group(1)[:-2] + "xx").status_code == 404  # an altered link opens nothing
    rated = stranger.post(
        link.group(1),
        data={"level_all": "2", "reasons_all": ["材料要求多"], "comment_all": "材料清单看不懂"},
        follow_redirects=True,
    )
    assert rated.status_code == 200 and "感谢您的评价" in rated.get_data(as_text=True)
    (rating,) = db.session.scalars(select(Rating).where(Rating.application_id == application_id)).all()
    assert (rating.occasion, rating.channel, rating.score, rating.follow_up) == (
        "refused",
        "online",
        2,
        "open",
    )
    assert rating.department_id is None  # the centre's case: the window refused it
    again = stranger.get(link.group(1)).get_data(as_text=True)
    assert "已对一次性告知后的服务作出评价" in again
