"""``bundler catalogue report --json`` (issue #17, part 6): its figures equal those counted by hand from
the sample catalogue's files: completeness of the standard elements, the half rule, 即办件, and the
months since an item's last application (0 for the items of an application made today, none for the
others, which makes them 挂起 candidates)."""

from __future__ import annotations

import json

import yaml

from bundler.catalogue.elements import STANDARD_ELEMENTS
from bundler.services.sample import sample_files

from testapp import accept_by_api


def _sample_items() -> dict[str, dict]:
    items = {}
    for path in sample_files():
        items.update(
            {i["code"]: i for i in yaml.safe_load(path.read_text(encoding="utf-8")).get("items") or []}
        )
    return items


def test_the_report_equals_what_is_counted_by_hand(client, sample, window_token, runner):
    accepted = accept_by_api(client, window_token)  # 开饭店, today
    applied = {s["item"] for s in accepted["steps"] if s["status"] != "skipped"}
    assert 0 < len(applied) < len(accepted["steps"])  # some steps left out by the scenario
    figures = json.loads(runner.invoke(args=["catalogue", "report", "--json"]).output)
    by_code = {row["code"]: row for row in figures["items"]}
    items = _sample_items()
    assert set(by_code) == set(items)
    for code, item in items.items():
        row = by_code[code]
        given = [k for k in STANDARD_ELEMENTS if item.get(k) not in (None, "", [], {})]
        assert row["completeness"] == round(len(given) / len(STANDARD_ELEMENTS), 4), code
        legal, promised = item["legal_days"], item["promised_days"]
        assert row["meets_half_rule"] == (None if legal == 0 else 2 * promised <= legal), code
        assert row["kind"] == item.get("kind", "即办件" if promised == 0 else "承诺件"), code
        assert row["visits"] == item.get("visits"), code
        assert row["months_since_last_application"] == (0 if code in applied else None), code
    district = figures["district"]
    assert district["items"] == len(items)
    assert district["immediate"] == sum(1 for i in items.values() if i["promised_days"] == 0)
    assert district["dormant"] == len(items) - len(applied)
    judged = [i for i in items.values() if i["legal_days"] > 0]
    assert district["half_rule_judged"] == len(judged)
    assert district["meets_half_rule"] == sum(1 for i in judged if 2 * i["promised_days"] <= i["legal_days"])
    scjg = next(d for d in figures["departments"] if d["code"] == "SCJG")
    assert scjg["items"] == sum(1 for i in items.values() if i["department"] == "SCJG")
