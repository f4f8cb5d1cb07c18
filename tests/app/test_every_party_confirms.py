"""各方确认: 新生儿出生 asks both parents, 二手房 every buyer and every seller, to confirm the application.
Online, each confirms with an account of their own ID number and the application is submitted at the
last confirmation; at the counter the clerk checks each one's ID card; through the API the window
system says whom it checked. A change to the content after a confirmation asks again."""

from __future__ import annotations

from sqlalchemy import select

from bundler.extensions import db
from bundler.models import Application, AuditEntry, Confirmation

from factories import PASSWORD
from testapp import online_draft, post_application


def _application(application_id: int) -> Application:
    db.session.expire_all()
    found = db.session.get(Application, application_id)
    assert found is not None
    return found


def _person(app, mobile: str, name: str, number: str | None):
    """Someone with an account of their own (and their ID number recorded on it)."""
    person = app.test_client()
    person.post("/register", data={"mobile": mobile, "name": name, "password": PASSWORD, "confirm": PASSWORD})
    if number:
        person.post("/my/id-number", data={"id_number": number})
    return person


def test_the_window_system_must_say_whom_it_checked(client, sample, window_token):
    nobody = post_application(client, window_token, "XSECS", confirmed_parties=[])
    assert nobody.status_code == 422
    said = nobody.get_json()["error"]
    assert "须由各方确认" in said and "母亲" in said and "父亲" in said
    mother_only = post_application(client, window_token, "XSECS", confirmed_parties=["母亲"])
    assert mother_only.status_code == 422 and "母亲" not in mother_only.get_json()["error"].split("：", 1)[1]
    both = post_application(client, window_token, "XSECS", confirmed_parties=["母亲", "父亲"])
    assert both.status_code == 201, both.get_json()
    rows = db.session.scalars(
        select(Confirmation)
        .where(Confirmation.application_id == both.get_json()["id"])
        .order_by(Confirmation.party)
    ).all()
    assert [(c.party, c.channel) for c in rows] == [("母亲", "counter"), ("父亲", "counter")]


def test_each_parent_confirms_online_and_the_last_one_submits(app, client, sample):
    application_id = online_draft(client, "XSECS", "13991620101", "李秀英")
    data = _application(application_id).data
    mother_number, father_number = data["母亲.公民身份号码"], data["父亲.公民身份号码"]
    client.post("/my/id-number", data={"id_number": mother_number})  # the applicant is the mother

    waiting = client.post(f"/applications/{application_id}/review", follow_redirects=True)
    page = waiting.get_data(as_text=True)
    assert "父亲" in page and "尚未确认" in page and "各方确认后将自动提交受理" in page
    application = _application(application_id)
    assert application.status == "draft" and application.submit_requested_at is not None

    stranger = _person(app, "13991620102", "路人", "610702198503150010")
    assert stranger.get(f"/applications/{application_id}/confirm").status_code == 404
    assert stranger.post(f"/applications/{application_id}/confirm").status_code == 404

    father = _person(app, "13991620103", data["父亲.姓名"], father_number)
    mine = father.get("/my/applications").get_data(as_text=True)
    assert "待我确认" in mine and f"/applications/{application_id}/confirm" in mine
    shown = father.get(f"/applications/{application_id}/confirm").get_data(as_text=True)
    assert "您是本申请的父亲" in shown and data["新生儿[]"][0]["姓名"] in shown  # he reads what he confirms
    done = father.post(f"/applications/{application_id}/confirm", follow_redirects=True)
    assert "各方均已确认，申请已提交受理" in done.get_data(as_text=True)
    application = _application(application_id)
    assert application.status == "accepted" and application.tracking_no
    channels = {c.party: c.channel for c in db.session.scalars(select(Confirmation))}
    assert channels == {"母亲": "online", "父亲": "online"}
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "confirm")) is not None
    assert "待我确认" not in father.get("/my/applications").get_data(as_text=True)


def test_a_parent_may_confirm_first_and_the_submission_then_goes_through_at_once(app, client, sample):
    application_id = online_draft(client, "XSECS", "13991620111", "李秀英")
    data = _application(application_id).data
    client.post("/my/id-number", data={"id_number": data["母亲.公民身份号码"]})
    father = _person(app, "13991620112", data["父亲.姓名"], data["父亲.公民身份号码"])
    early = father.post(f"/applications/{application_id}/confirm", follow_redirects=True)
    assert "已确认申请内容" in early.get_data(as_text=True)
    assert _application(application_id).status == "draft"  # the mother has not submitted yet
    submitted = client.post(f"/applications/{application_id}/review", follow_redirects=True)
    assert "申请已受理" in submitted.get_data(as_text=True)
    assert _application(application_id).status == "accepted"


def _save_form(client, application_id: int, data: dict) -> None:
    from werkzeug.datastructures import MultiDict

    import forms
    from bundler.catalogue import definitions

    schema = definitions.schema_for(db.session, _application(application_id))
    pairs = [
        (k, v.isoformat() if hasattr(v, "isoformat") else v) for k, v in forms.formdata_for(schema, data)
    ]
    answer = client.post(f"/applications/{application_id}/form", data=MultiDict([*pairs, ("action", "save")]))
    assert answer.status_code == 200


def test_an_edit_voids_the_confirmations_given_for_the_old_content(app, client, sample):
    application_id = online_draft(client, "ESFGH", "13991620121", "王买")
    data = _application(application_id).data
    seller = {"姓名": "李卖", "公民身份号码": "610702198503150010", "联系电话": "13991620123"}
    buyer = data["买方[]"][0]
    data = {**data, "买方[]": [buyer], "卖方[]": [seller]}  # one buyer, one seller: two people
    _save_form(client, application_id, data)
    client.post("/my/id-number", data={"id_number": buyer["公民身份号码"]})
    client.post(f"/applications/{application_id}/review")
    assert _application(application_id).submit_requested_at is not None

    # the buyer changes the price after submitting: the submission and her confirmation lapse
    _save_form(client, application_id, {**data, "房屋.成交价格": "1280000"})
    application = _application(application_id)
    assert application.submit_requested_at is None and application.data["房屋.成交价格"] == "1280000"

    seller_client = _person(app, "13991620122", seller["姓名"], seller["公民身份号码"])
    told = seller_client.post(f"/applications/{application_id}/confirm", follow_redirects=True)
    assert "买方（第 1 位）" in told.get_data(as_text=True)  # the buyer has to confirm the new content again
    assert _application(application_id).status == "draft"
    again = client.post(f"/applications/{application_id}/review", follow_redirects=True)
    assert "申请已受理" in again.get_data(as_text=True)  # the seller confirmed this very content
