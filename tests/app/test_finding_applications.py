"""People find their applications: a counter application joins the account of the applicant with the
same ID number and mobile number (and can then be rated), anyone can look an application up with its
tracking number and the last six characters of the ID number, and the counter looks people up by POST."""

from __future__ import annotations

from sqlalchemy import select

from bundler.extensions import db
from bundler.models import Application, Rating, Task, User

from factories import PASSWORD
from testapp import accept_by_api


def _counter_application(client, window_token) -> tuple[dict, Application]:
    body = accept_by_api(client, window_token)
    return body, db.session.get(Application, body["id"])


def _register(client, mobile: str, id_number: str = "") -> None:
    response = client.post(
        "/register",
        data={
            "mobile": mobile,
            "name": "王芳",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "id_number": id_number,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def _finish(application: Application) -> None:
    for task in application.tasks:
        if task.status not in ("skipped",):
            task.status = "done"
    application.status = "completed"
    db.session.commit()


def test_a_counter_application_appears_in_the_applicants_account_and_can_be_rated(app, client, window_token):
    body, application = _counter_application(client, window_token)
    number, mobile = application.data["经营者.公民身份号码"], application.data["经营者.联系电话"]
    _finish(application)

    _register(client, mobile)  # no ID number yet: nothing of the counter's
    assert body["tracking_no"] not in client.get("/my/applications").get_data(as_text=True)
    assert client.get(f"/applications/{body['id']}").status_code == 404

    found = client.post("/my/id-number", data={"id_number": number}, follow_redirects=True)
    assert "找到窗口受理的申请 1 件" in found.get_data(as_text=True)
    assert body["tracking_no"] in client.get("/my/applications").get_data(as_text=True)
    status = client.get(f"/applications/{body['id']}")
    assert status.status_code == 200 and "评价" in status.get_data(as_text=True)
    rated = client.post(
        f"/applications/{body['id']}/rate",
        data={"level_all": "5", "comment_all": "窗口很耐心"},
        follow_redirects=True,
    )
    assert "感谢您的评价" in rated.get_data(as_text=True)
    db.session.expire_all()
    [rating] = db.session.scalars(select(Rating).where(Rating.application_id == body["id"])).all()
    assert rating.score == 5 and rating.comment == "窗口很耐心"


def test_the_same_id_number_with_another_mobile_opens_nothing(app, client, window_token):
    body, application = _counter_application(client, window_token)
    _register(client, "13800000001", application.data["经营者.公民身份号码"])
    assert body["tracking_no"] not in client.get("/my/applications").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Application, body["id"]).applicant_user_id is None


def test_an_account_with_the_id_number_gets_later_counter_applications_at_acceptance(
    app, client, window_token
):
    probe, application = _counter_application(client, window_token)
    _register(client, application.data["经营者.联系电话"], application.data["经营者.公民身份号码"])
    db.session.expire_all()  # the request worked in a session of its own
    user = db.session.scalar(select(User).where(User.role == "applicant"))
    assert db.session.get(Application, probe["id"]).applicant_user_id == user.id  # claimed at registration
    later = accept_by_api(client, window_token)  # the same example person at the counter again
    assert db.session.get(Application, later["id"]).applicant_user_id == user.id


def test_anyone_finds_an_application_with_its_tracking_number_and_id_tail(app, client, window_token):
    body, application = _counter_application(client, window_token)
    tail = application.data["经营者.公民身份号码"][-6:]
    found = client.post("/track", data={"tracking_no": body["tracking_no"].lower(), "id_tail": tail})
    page = found.get_data(as_text=True)
    assert found.status_code == 200 and body["tracking_no"] in page
    assert application.data["经营者.公民身份号码"] not in page  # masked
    first = db.session.scalar(select(Task).where(Task.application_id == body["id"], Task.status == "ready"))
    assert first.item_version.name in page
    wrong = client.post("/track", data={"tracking_no": body["tracking_no"], "id_tail": "000000"})
    assert wrong.status_code == 404 and "没有找到" in wrong.get_data(as_text=True)
    assert body["tracking_no"] not in client.get(f"/track?tracking_no={body['tracking_no']}").get_data(
        as_text=True
    )


def test_the_counter_looks_people_up_by_post_only(client, sample, make_user):
    make_user("window", login="clerk-post")
    client.post("/login", data={"login": "clerk-post", "password": PASSWORD})
    number = "610702198805120028"  # has e-licences in the sample store
    looked_up = client.post("/window/", data={"number": number}).get_data(as_text=True)
    assert "此人已有的电子证照" in looked_up
    in_link = client.get(f"/window/?number={number}").get_data(as_text=True)
    assert "此人已有的电子证照" not in in_link  # a number in a link is not read
