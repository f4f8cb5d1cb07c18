"""The half rule where people keep the catalogue: the reform report counts the items that meet it, and
the bundle studio and the item editor warn about an item whose promise is above half the statutory limit."""

from __future__ import annotations

import yaml

from bundler.catalogue.queries import bundle_definition
from bundler.extensions import db
from bundler.services import studio

from factories import PASSWORD

SLOW = "SCJG-003"  # 食品经营许可, made to promise 15 of 20 working days


def _slow_down(runner, write_yaml) -> None:
    exported = yaml.safe_load(runner.invoke(args=["export", "--bundle", "KFD"]).output)
    item = next(i for i in exported["items"] if i["code"] == SLOW)
    item.update(legal_days=20, promised_days=15)
    result = runner.invoke(args=["import", str(write_yaml({"items": [item]}))])
    assert result.exit_code == 0, result.output


def test_the_report_counts_the_items_that_meet_the_half_rule(client, sample, runner, write_yaml):
    before = client.get("/bundles/KFD/report").get_data(as_text=True)
    items = bundle_definition(db.session, "KFD").items
    judged = len([i for i in items.values() if i["legal_days"] > 0])  # 即办件 (0 days) are not judged
    assert 0 < judged < len(items)
    assert f"有法定时限的 {judged} 个事项中，{judged} 个的承诺办结时限不超过法定时限的一半" in before

    _slow_down(runner, write_yaml)
    after = client.get("/bundles/KFD/report").get_data(as_text=True)
    name = bundle_definition(db.session, "KFD").items[SLOW]["name"]
    assert f"{judged - 1} 个的承诺办结时限不超过法定时限的一半" in after
    assert f"尚未达到：{name}（承诺 15 / 法定 20 个工作日）" in after


def test_the_studio_and_the_item_editor_warn_about_a_promise_above_half(
    client, sample, runner, write_yaml, make_user
):
    content = bundle_definition(db.session, "KFD").bundle
    assert not [f for f in studio.review(db.session, content, {}).findings if "一半" in f.message]
    _slow_down(runner, write_yaml)
    warnings = [f for f in studio.review(db.session, content, {}).findings if "一半" in f.message]
    assert len(warnings) == 1 and SLOW in warnings[0].message and warnings[0].level == "warning"

    make_user("department", login="half-rule", department="SCJG")
    client.post("/login", data={"login": "half-rule", "password": PASSWORD})
    change_url = client.post(f"/studio/item/{SLOW}/change").headers["Location"]
    page = client.get(change_url).get_data(as_text=True)
    assert "承诺办结时限 15 个工作日超过法定时限 20 个工作日的一半" in page
