"""An e-licence stands only for a material of its holder's role and kind: the mother's ID card does not
excuse the father's, the counter cannot mark 电子证照已核验 for a licence the store does not hold, and
the store may be a remote e-licence service reached over HTTP."""

from __future__ import annotations

import pytest

import forms
import graphs
from bundler.catalogue.queries import bundle_definition
from bundler.extensions import db
from bundler.models import Application
from bundler.services.accounts import create_token
from bundler.services.elicences import LocalELicenceStore

from peers import peer
from testapp import answered

ID_CARD = "居民身份证"


def _birth_data() -> dict:
    definition = bundle_definition(db.session, "XSECS")
    answers = graphs.parse_answers(definition.bundle["questions"], {})
    data = forms.example_data(forms.merge(definition.bundle, definition.items, answers), jsonable=True)
    # the mother applies: her own licences need no one's authorisation, the father's do
    data["申请人.姓名"], data["申请人.公民身份号码"] = data["母亲.姓名"], data["母亲.公民身份号码"]
    return data


def _accept(client, token, data, materials, authorisations=None):
    return client.post(
        "/api/v1/applications",
        json={
            "bundle": "XSECS",
            "answers": answered("XSECS"),
            "data": data,
            "materials": materials,
            "licence_authorisations": authorisations or {},
            "confirmed_parties": ["母亲", "父亲"],
        },
        headers={"Authorization": f"Bearer {token}"},
    )


def test_a_licence_excuses_only_its_holders_material(client, window_token):
    data = _birth_data()
    assert data["母亲.公民身份号码"] != data["父亲.公民身份号码"]
    LocalELicenceStore(db.session).load([{"holder": data["母亲.公民身份号码"], "kind": ID_CARD}])
    db.session.commit()

    fathers = _accept(client, window_token, data, {f"{ID_CARD}|父亲": "e_licence"})
    assert fathers.status_code == 422
    assert "电子证照库中没有" in fathers.get_json()["error"] and "父亲" in fathers.get_json()["error"]

    mothers = _accept(client, window_token, data, {f"{ID_CARD}|母亲": "e_licence"})
    assert mothers.status_code == 201, mothers.get_json()
    states = {m["key"]: m["status"] for m in mothers.get_json()["materials"]}
    assert states[f"{ID_CARD}|母亲"] == "e_licence" and states[f"{ID_CARD}|父亲"] == "collected"


@pytest.fixture
def licence_service(app, free_port):
    """The province's e-licence service: answers with the licences it holds for the number asked."""
    with peer(free_port) as service:
        service.holders = {}  # number -> the licences the service holds
        service.answer = lambda request: {"licences": service.holders.get(request.json["holder"], [])}
        app.config.update(ELICENCE_SERVICE_URL=f"{service.url}/licences", ELICENCE_SERVICE_TOKEN="svc-token")
        yield service


def test_the_remote_e_licence_service_is_asked_with_the_number_in_the_body(
    client, window_token, licence_service
):
    data = _birth_data()
    licence_service.holders[data["父亲.公民身份号码"]] = [
        {"kind": ID_CARD, "title": "居民身份证", "number": "X1"}
    ]
    unauthorised = _accept(client, window_token, data, {f"{ID_CARD}|父亲": "e_licence"})
    assert (
        unauthorised.status_code == 422 and "授权" in unauthorised.get_json()["error"]
    )  # not the applicant's
    accepted = _accept(
        client, window_token, data, {f"{ID_CARD}|父亲": "e_licence"}, {f"{ID_CARD}|父亲": "父亲到场当面授权"}
    )
    assert accepted.status_code == 201, accepted.get_json()
    last = licence_service.received[-1]
    asked = {"body": last.json, "auth": last.headers.get("Authorization"), "path": last.path}
    assert asked["body"] == {"holder": data["父亲.公民身份号码"]} and asked["auth"] == "Bearer svc-token"
    assert data["父亲.公民身份号码"] not in asked["path"]  # never in a URL
    refused = _accept(
        client, window_token, data, {f"{ID_CARD}|监护人": "e_licence"}, {f"{ID_CARD}|监护人": "授权委托书"}
    )
    assert refused.status_code == 422  # the service holds nothing for the guardian

    # a department whose item asks for the father's ID card sees the licence used: his, with his authorisation
    application = db.session.get(Application, accepted.get_json()["id"])
    seen = []
    for task in application.tasks:
        token = create_token(db.session, "department", task.department.code)
        db.session.commit()
        payload = client.get(
            f"/api/v1/tasks/{task.id}", headers={"Authorization": f"Bearer {token}"}
        ).get_json()
        seen += [
            m["licence"] for m in payload["materials"] if m.get("licence") and m["name"].startswith("父亲")
        ]
    assert seen, "no step shows the father's ID card"
    assert all(lic["authorisation"] == "父亲到场当面授权" for lic in seen)
    assert all(data["父亲.公民身份号码"][-4:] in lic["holder"] for lic in seen)
    stored = next(m for m in application.materials if m.key == f"{ID_CARD}|父亲")
    assert stored.licence["holder_role"] == "父亲" and stored.licence["authorisation"] == "父亲到场当面授权"
