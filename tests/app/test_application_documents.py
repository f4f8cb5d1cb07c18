"""Documents of an application, rendered by a real rq worker and downloaded as PDFs."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader
from sqlalchemy import select

import forms
from bundler.catalogue.queries import bundle_definition
from bundler.extensions import db
from bundler.models import Document
from bundler.queues import DOCUMENTS_QUEUE
from bundler.worker import make_worker

from testapp import answered


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _accept(client, token, materials=None, commitment=None):
    definition = bundle_definition(db.session, "KFD")
    data = forms.example_data(forms.merge(definition.bundle, definition.items, {}), jsonable=True)
    body = {"bundle": "KFD", "answers": answered("KFD"), "data": data, "materials": materials or {}}
    if commitment:
        body["commitment_date"] = commitment
    response = client.post("/api/v1/applications", json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.get_json()
    return response.get_json(), data


def _work(app):
    make_worker(app, [DOCUMENTS_QUEUE]).work(burst=True)
    db.session.expire_all()


def _documents_of(application_id):
    return {
        d.kind: d
        for d in db.session.scalars(select(Document).where(Document.application_id == application_id))
    }


def test_receipt_and_commitment_are_rendered_by_the_worker(app, client, window_token, make_user):
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    application, data = _accept(client, window_token, {"经营场所使用证明|门店": "deferred"}, tomorrow)
    links = {d["kind"]: d["url"] for d in application["documents"]}
    assert set(links) == {"receipt", "commitment", "application_form"}
    assert _documents_of(application["id"]) == {}  # an API acceptance renders nothing nobody asked for
    auth = {"Authorization": f"Bearer {window_token}"}
    for url in links.values():
        waiting = client.get(url, headers=auth)
        assert waiting.status_code == 202 and waiting.headers["Retry-After"] == "2"
        assert waiting.get_json()["status"] == "pending"
    pending = _documents_of(application["id"])
    assert all(d.status == "pending" and d.enqueued_at for d in pending.values())

    _work(app)
    documents = _documents_of(application["id"])
    assert {d.status for d in documents.values()} == {"ready"}, {k: d.error for k, d in documents.items()}
    fetched = {kind: client.get(url, headers=auth) for kind, url in links.items()}
    assert {r.status_code for r in fetched.values()} == {200}
    assert all(r.mimetype == "application/pdf" for r in fetched.values())

    receipt = _text(fetched["receipt"].data)
    assert "受理回执" in receipt and application["tracking_no"] in receipt
    assert application["promised_date"].replace("-", "")[:4] in receipt.replace("-", "")
    assert data["经营者.公民身份号码"] not in receipt  # masked on paper
    assert data["经营者.公民身份号码"][-4:] in receipt
    commitment = _text(fetched["commitment"].data)
    assert "经营场所使用证明" in commitment and "承诺" in commitment
    form = _text(fetched["application_form"].data)
    assert data["经营者.姓名"] in form  # the signed application form carries the data

    make_user("window", login="clerk02")
    client.post("/login", data={"login": "clerk02", "password": "Passw0rd-test"})
    download = client.get(f"/applications/{application['id']}/documents/receipt")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.data == documents["receipt"].content


def test_api_documents_are_only_those_the_application_has(client, window_token):
    application, _ = _accept(client, window_token)
    auth = {"Authorization": f"Bearer {window_token}"}
    assert {d["kind"] for d in application["documents"]} == {"receipt", "application_form"}
    wrong = client.get(f"/api/v1/applications/{application['id']}/documents/commitment", headers=auth)
    assert wrong.status_code == 404 and "receipt" in wrong.get_json()["error"]
    assert client.get(f"/api/v1/applications/{application['id']}/documents/receipt").status_code == 401


def test_a_document_asked_for_while_redis_is_down_is_rendered_later(app, client, window_token, free_port):
    from bundler.redis_conn import EXTENSION_KEY, connect

    application, _ = _accept(client, window_token)
    url = next(d["url"] for d in application["documents"] if d["kind"] == "receipt")
    auth = {"Authorization": f"Bearer {window_token}"}
    working = app.extensions[EXTENSION_KEY]
    app.extensions[EXTENSION_KEY] = connect(f"redis://127.0.0.1:{free_port}/0")  # nobody listens there
    try:
        assert client.get(url, headers=auth).status_code == 202
    finally:
        app.extensions[EXTENSION_KEY] = working
    receipt = _documents_of(application["id"])["receipt"]
    assert receipt.status == "pending" and receipt.enqueued_at is None  # committed, not lost
    assert client.get(url, headers=auth).status_code == 202  # Redis is back: asking again enqueues it
    _work(app)
    response = client.get(url, headers=auth)
    assert response.status_code == 200 and response.data[:5] == b"%PDF-"
