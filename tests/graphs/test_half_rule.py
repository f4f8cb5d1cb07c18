"""The seeds' half rule: a promised limit of at most half the statutory one (承诺时限压减一半以上)."""

from __future__ import annotations

from graphs import exceeds_half_of_legal, half_rule


def test_an_item_meets_the_rule_at_exactly_half_and_exceeds_it_above():
    assert not exceeds_half_of_legal({"legal_days": 20, "promised_days": 10})
    assert exceeds_half_of_legal({"legal_days": 20, "promised_days": 11})
    assert not exceeds_half_of_legal({"legal_days": 0, "promised_days": 0})  # 即办件: nothing to halve


def test_items_without_a_statutory_limit_are_not_judged():
    items = {
        "A": {"legal_days": 20, "promised_days": 5},
        "B": {"legal_days": 15, "promised_days": 15},
        "C": {"legal_days": 0, "promised_days": 0},
    }
    assert half_rule(items) == (["A"], ["B"])
