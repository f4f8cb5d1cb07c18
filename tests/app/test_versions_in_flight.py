"""Publishing a new version of a bundle (and of one of its items) while an application of the old
version is in flight: that application finishes under the version it was accepted under."""

from __future__ import annotations

import forms
import graphs
from bundler.catalogue.queries import bundle_definition
from bundler.extensions import db
from bundler.models.changes import ACTION_CHANGE, KIND_BUNDLE, KIND_ITEM
from bundler.services import changes, studio
from bundler.services.accounts import create_token

from testapp import bearer, example_results

ANSWERS = {
    "need_ssc": "false",
    "medical_insurance": "已在其他地区参保或暂不参保",
    "maternity_allowance": "false",
}


def _data(definition):
    parsed = graphs.parse_answers(definition.bundle["questions"], ANSWERS)
    return forms.example_data(forms.merge(definition.bundle, definition.items, parsed), jsonable=True)


PARENTS = ["母亲", "父亲"]  # 各方确认: both parents' ID cards checked at the counter


def _publish(user, reviewer, kind, code, edit):
    change = changes.start_change(db.session, user, kind, code, ACTION_CHANGE)
    changes.save_content(db.session, change, user, edit(change.content))
    changes.submit(db.session, change, user, reason="调整", legal_basis="国办发〔2022〕32号")
    number = changes.publish(db.session, change, reviewer)
    db.session.commit()
    return number


def test_an_application_finishes_under_the_version_it_was_accepted_under(client, window_token, make_user):
    v1 = bundle_definition(db.session, "XSECS")
    v1_schema = forms.merge(v1.bundle, v1.items, graphs.parse_answers(v1.bundle["questions"], ANSWERS))
    accepted = client.post(
        "/api/v1/applications",
        json={"bundle": "XSECS", "answers": ANSWERS, "data": _data(v1), "confirmed_parties": PARENTS},
        headers=bearer(window_token),
    ).get_json()
    assert accepted["bundle_version"] == 1
    in_flight = {s["item"] for s in accepted["steps"] if s["status"] != "skipped"}
    assert "WJ-002" in in_flight

    lead = make_user("lead", login="wj-lead", department="WJ")
    officer = make_user("department", login="ga-officer", department="GA")
    reviewer = make_user("reviewer", login="reviewer")
    assert changes.impact(db.session, KIND_BUNDLE, "XSECS").open_applications == 1
    assert _publish(lead, reviewer, KIND_BUNDLE, "XSECS", lambda c: studio.remove_step(c, "WJ-002")) == 2
    assert (
        _publish(officer, reviewer, KIND_ITEM, "GA-001", lambda c: {**c, "name": c["name"] + "（新版）"}) == 2
    )

    tokens = {}
    for _ in range(10):  # work every ready step through the departments' API until nothing is left
        steps = client.get(f"/api/v1/applications/{accepted['id']}", headers=bearer(window_token)).get_json()[
            "steps"
        ]
        ready = [s for s in steps if s["status"] == "ready"]
        if not ready:
            break
        for step in ready:
            department = step["department"]
            tokens.setdefault(department, create_token(db.session, "department", department))
            db.session.commit()
            listed = client.get(
                f"/api/v1/departments/{department}/tasks?status=ready", headers=bearer(tokens[department])
            )
            task = next(
                t
                for t in listed.get_json()["tasks"]
                if t["application"] == accepted["id"] and t["item"] == step["item"]
            )
            results = example_results(v1_schema, step["item"], 0)  # what version 1 of the item produces
            done = client.post(
                f"/api/v1/tasks/{task['id']}/complete",
                json={"outcome": "approved", "results": results},
                headers=bearer(tokens[department]),
            )
            assert done.status_code == 200, done.get_json()

    final = client.get(f"/api/v1/applications/{accepted['id']}", headers=bearer(window_token)).get_json()
    assert final["bundle_version"] == 1 and final["status"] == "completed"
    assert {
        s["item"] for s in final["steps"] if s["status"] == "done"
    } == in_flight  # WJ-002 included, as in v1

    fresh = client.post(
        "/api/v1/applications",
        json={
            "bundle": "XSECS",
            "answers": ANSWERS,
            "data": _data(bundle_definition(db.session, "XSECS")),
            "confirmed_parties": PARENTS,
        },
        headers=bearer(window_token),
    ).get_json()
    assert fresh["bundle_version"] == 2 and "WJ-002" not in {s["item"] for s in fresh["steps"]}
