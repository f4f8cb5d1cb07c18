"""Values prefilled from an e-licence are read-only and kept by the server; a clerk may unlock one with
a reason, which the audit log records."""

from __future__ import annotations

import re

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

import forms
from bundler.catalogue import definitions
from bundler.extensions import db
from bundler.models import Application, AuditEntry

from factories import PASSWORD
from testapp import scenario_form

NUMBER = "610702198805120028"  # 陈丽娟, who has e-licences in the sample store


def _started(client) -> int:
    started = client.post("/window/start", data={"bundle": "KFD", "number": NUMBER})
    application_id = int(re.search(r"/applications/(\d+)/", started.headers["Location"]).group(1))
    client.post(f"/window/applications/{application_id}/scenario", data=scenario_form("KFD"))
    return application_id


def _post_form(client, application_id: int, changes: dict) -> str:
    application = db.session.get(Application, application_id)
    schema = definitions.schema_for(db.session, application)
    data = {**forms.example_data(schema), **application.data, **changes}
    return client.post(
        f"/window/applications/{application_id}/form",
        data=MultiDict([*forms.formdata_for(schema, data), ("action", "save")]),
    ).get_data(as_text=True)


def test_a_value_from_an_e_licence_is_kept_until_a_clerk_unlocks_it(client, sample, make_user):
    make_user("window", login="clerk-lock")
    client.post("/login", data={"login": "clerk-lock", "password": PASSWORD})
    application_id = _started(client)
    application = db.session.get(Application, application_id)
    assert application.locked, "the e-licence's values are locked"
    key = next(iter(application.locked))
    licensed = application.data[key]
    page = client.get(f"/window/applications/{application_id}/form").get_data(as_text=True)
    assert "来自电子证照，不能修改" in page and "readonly" in page

    page = _post_form(client, application_id, {key: "张冒名"})
    db.session.expire_all()
    assert db.session.get(Application, application_id).data[key] == licensed  # the server kept it
    assert "来自电子证照的内容未修改" in page and "张冒名" not in page

    no_reason = client.post(
        f"/window/applications/{application_id}/unlock",
        data={"key": key, "reason": " "},
        follow_redirects=True,
    )
    assert "解锁须写明理由" in no_reason.get_data(as_text=True)
    client.post(
        f"/window/applications/{application_id}/unlock",
        data={"key": key, "reason": "申请人已改名，以新户口簿为准"},
    )
    db.session.expire_all()
    assert key not in db.session.get(Application, application_id).locked
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "unlock"))
    assert entry.application_id == application_id and entry.after == {
        "reason": "申请人已改名，以新户口簿为准"
    }
    assert entry.before["key"] == key

    _post_form(client, application_id, {key: "陈丽华"})
    db.session.expire_all()
    assert db.session.get(Application, application_id).data[key] == "陈丽华"
