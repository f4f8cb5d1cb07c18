"""Reform metrics of a bundle."""

from graphs import reform_metrics

from contract_kfd import kfd_bundle, kfd_items

ITEMS = kfd_items()
BUNDLE = kfd_bundle(fire_question=True)


def test_metrics_of_the_full_scenario():
    m = reform_metrics(BUNDLE, ITEMS, {"fire": "true"})
    assert m.to_json() == {
        "bundle": "KFD",
        "steps": 3,
        "departments": 2,
        "promised_days": 23,
        "sum_promised_days": 40,
        "saved_promised_days": 17,
        "saved_promised_ratio": 0.425,
        "legal_days": 35,
        "sum_legal_days": 60,
        "saved_legal_days": 25,
        "saved_legal_ratio": 0.4167,
        "visits_before": 3,
        "visits_after": 1,
        "saved_visits": 2,
    }


def test_metrics_follow_the_answers():
    m = reform_metrics(BUNDLE, ITEMS, {"fire": False})
    assert (m.steps, m.departments, m.visits_before, m.saved_promised_days) == (2, 1, 2, 0)


def test_empty_bundle_metrics():
    m = reform_metrics({"code": "E"}, {})
    assert m.visits_after == 0 and m.to_json()["saved_promised_ratio"] == 0.0
