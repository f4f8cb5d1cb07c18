"""Conditions on fields and materials (``when``), in JSON Logic.

A catalogue writes ``when`` in one of two ways (see the contract):

* over the bundle's scenario answers, as a step's ``when``: ``{first_home: true}`` or
  ``{venue_size: [中型, 大型]}`` (every key must match; a list is any of);
* as JSON Logic: ``{logic: {...}}`` over ``{"var": "answers.ID"}`` and ``{"var": "fields.ROLE.ELEMENT"}``.

Both become one JSON Logic rule (:func:`to_logic`). When the form is merged for given answers, the
answers are put in (:func:`settle`): what is left depends on other fields only, is evaluated in the
browser (json-logic-js) and on the server (:func:`holds`, json-logic-py) over the same data, and is
described in plain Chinese for the one-time notice (:func:`describe`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from json_logic import jsonLogic

Logic = Any  # a JSON Logic rule: a dict of one operator, or a literal

ANSWERS = "answers."
FIELDS = "fields."
# The operators a condition may use: the ones json-logic-js and json-logic-py both evaluate alike.
OPERATORS = frozenset(
    {
        "var",
        "missing",
        "==",
        "===",
        "!=",
        "!==",
        "!",
        "!!",
        "and",
        "or",
        "if",
        "?:",
        "in",
        "<",
        "<=",
        ">",
        ">=",
    }
)


def _evaluate(rule: Logic, data: Mapping[str, Any]) -> Any:
    return jsonLogic(rule, data)  # type: ignore[no-untyped-call]  # json-logic-py ships no types


class ConditionError(ValueError):
    """A ``when`` that cannot be read; the message is Chinese."""


def to_logic(when: Any) -> Logic:
    """The JSON Logic rule of a ``when`` as the catalogue writes it (None: unconditional)."""
    if when is None or when == {}:
        return None
    if not isinstance(when, Mapping):
        raise ConditionError(f"条件（when）应为键值对，收到：{when!r}")
    if "logic" in when:
        if len(when) != 1:
            raise ConditionError("条件（when）写 logic 时不能再写其他键")
        rule = when["logic"]
        problems = list(_problems(rule))
        if problems:
            raise ConditionError("；".join(problems))
        return rule
    parts = [
        {"in": [{"var": ANSWERS + str(k)}, list(v)]}
        if isinstance(v, list)
        else {"==": [{"var": ANSWERS + str(k)}, v]}
        for k, v in when.items()
    ]
    return parts[0] if len(parts) == 1 else {"and": parts}


def _problems(rule: Logic) -> Iterator[str]:
    if isinstance(rule, list):
        for part in rule:
            yield from _problems(part)
        return
    if not isinstance(rule, Mapping):
        return
    if len(rule) != 1:
        yield f"JSON Logic 的每一层只能有一个运算符，收到：{sorted(rule)}"
        return
    ((op, args),) = rule.items()
    if op not in OPERATORS:
        yield f"不支持的运算符“{op}”，可用：{'、'.join(sorted(OPERATORS))}"
    elif op == "var":
        name = _var_name(args)
        if not isinstance(name, str) or not name.startswith((ANSWERS, FIELDS)):
            yield f"变量 {name!r} 应写成 answers.问题编号 或 fields.数据主体.数据元"
        elif name.startswith(FIELDS) and len(name[len(FIELDS) :].split(".")) != 2:
            yield f"变量“{name}”应写成 fields.数据主体.数据元"
    else:
        yield from _problems(args)


def _var_name(args: Any) -> Any:
    """The variable a ``var`` reads: ``{"var": "x"}`` or ``{"var": ["x", default]}``."""
    return args[0] if isinstance(args, list) and args else args


def references(rule: Logic) -> tuple[set[str], set[str]]:
    """The question ids and the merged field keys (``ROLE.ELEMENT``) a rule reads."""
    answers: set[str] = set()
    fields: set[str] = set()
    for name in _variables(rule):
        if name.startswith(ANSWERS):
            answers.add(name[len(ANSWERS) :])
        elif name.startswith(FIELDS):
            fields.add(name[len(FIELDS) :])
    return answers, fields


def _variables(rule: Logic) -> Iterator[str]:
    if isinstance(rule, list):
        for part in rule:
            yield from _variables(part)
    elif isinstance(rule, Mapping):
        for op, args in rule.items():
            if op == "var":
                name = _var_name(args)
                if isinstance(name, str):
                    yield name
            else:
                yield from _variables(args)


def settle(rule: Logic, answers: Mapping[str, Any] | None) -> Logic:
    """The rule with the scenario answers put in: ``True``/``False`` when nothing else is read,
    else what still depends on fields (unanswered questions read as null). With ``answers`` None
    (every scenario, as the one-time notice shows them) the rule is kept as it is."""
    if rule is None:
        return True
    if answers is None:
        return rule
    filled = _simplified(_put_answers(rule, answers))
    if not references(filled)[1]:
        return bool(_evaluate(filled, {}))
    return filled


def for_answers(when: Any, answers: Mapping[str, Any] | None) -> Logic:
    """An item's field or material for these answers: ``False`` when it is not asked, ``None`` when it
    always is, else the rule over other fields that still decides."""
    rule = settle(to_logic(when), answers)
    return None if rule is True else rule


def _put_answers(rule: Logic, answers: Mapping[str, Any]) -> Logic:
    if isinstance(rule, list):
        return [_put_answers(part, answers) for part in rule]
    if not isinstance(rule, Mapping):
        return rule
    ((op, args),) = rule.items()
    if op == "var":
        name = _var_name(args)
        if isinstance(name, str) and name.startswith(ANSWERS):
            return _jsonable(answers.get(name[len(ANSWERS) :]))
        return rule
    return {op: _put_answers(args, answers)}


def _simplified(rule: Logic) -> Logic:
    """``and``/``or``/``!`` over known values reduced, so that an answer that decides a rule decides it
    (``{"and": [false, …fields…]}`` is false whatever the fields say)."""
    if not isinstance(rule, Mapping):
        return rule
    ((op, args),) = rule.items()
    if op not in ("and", "or", "!") or not isinstance(args, list):
        return rule
    parts = [_simplified(a) for a in args]
    if op == "!":
        return (not parts[0]) if parts and _known(parts[0]) else {"!": parts}
    decides = op == "or"  # a known value that settles the whole rule: false for and, true for or
    if any(_known(p) and bool(p) is decides for p in parts):  # JSON Logic's truth is Python's here
        return decides
    left = [p for p in parts if not _known(p)]
    if not left:
        return op == "and"
    return left[0] if len(left) == 1 else {op: left}


def _known(value: Logic) -> bool:
    return not isinstance(value, Mapping | list)


def _jsonable(value: Any) -> Any:
    return value if value is None or isinstance(value, str | int | float | bool | list) else str(value)


def any_of(whens: Iterable[Logic]) -> Logic:
    """What holds when any of several conditions holds (each ``None``: always, as ``MergedField.when``):
    ``None`` if one always holds, ``False`` if there are none."""
    kept: list[Logic] = []
    for rule in whens:
        if rule is None:
            return None
        if rule not in kept:
            kept.append(rule)
    if not kept:
        return False
    return kept[0] if len(kept) == 1 else {"or": kept}


def field_values(data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The ``fields`` a rule reads, from unified data keyed ``ROLE.ELEMENT``."""
    out: dict[str, dict[str, Any]] = {}
    for key, value in data.items():
        role, dot, element = key.partition(".")
        if dot and not key.endswith("[]"):
            out.setdefault(role, {})[element] = _jsonable(value)
    return out


def holds(rule: Logic, data: Mapping[str, Any]) -> bool:
    """Whether a settled rule holds for the unified data."""
    return checker(data)(rule)


def checker(data: Mapping[str, Any]) -> Callable[[Logic], bool]:
    """:func:`holds` for many rules over the same data: the data is read into rule values once."""
    context: dict[str, Any] | None = None

    def check(rule: Logic) -> bool:
        nonlocal context
        if isinstance(rule, bool):
            return rule
        if context is None:
            context = {"fields": field_values(data)}
        return bool(_evaluate(rule, context))

    return check


def hidden_keys(fields: Iterable[Any], data: Mapping[str, Any]) -> frozenset[str]:
    """The keys of the conditional fields (``MergedField.when``) not asked for this data, and of each
    repeating group (``group[]``) all of whose columns are not. A field whose condition reads a hidden
    field reads it as empty, so this is repeated until nothing changes."""
    fields = list(fields)
    conditional = [f for f in fields if f.when is not None]
    hidden: frozenset[str] = frozenset()
    for _ in range(len(conditional) + 1):
        check = checker({k: (None if k in hidden else v) for k, v in data.items()})
        now = frozenset(f.key for f in conditional if not check(f.when))
        if now == hidden:
            break
        hidden = now
    columns: dict[str, list[str]] = {}
    for f in fields:
        if f.group_key is not None:
            columns.setdefault(f.group_key, []).append(f.key)
    # a repeating group is hidden, as one, when every one of its columns is
    return hidden | {g for g, keys in columns.items() if all(k in hidden for k in keys)}


# --- plain Chinese (for the one-time notice and the form's help) ----------------------------------

COMPARISONS = {
    "==": "为",
    "===": "为",
    "!=": "不为",
    "!==": "不为",
    "<": "小于",
    "<=": "不大于",
    ">": "大于",
    ">=": "不小于",
}


def describe(rule: Logic, labels: Mapping[str, str] | None = None) -> str:
    """The rule as a person reads it: ``申请人的民族 与 新生儿的民族 不同``… ``labels`` names fields
    (by ``ROLE.ELEMENT``) and questions (by ``answers.ID``)."""
    labels = labels or {}
    if rule is True or rule is None:
        return "所有情形"
    if rule is False:
        return "不适用"
    return _say(rule, labels)


def _say(rule: Logic, labels: Mapping[str, str]) -> str:
    if not isinstance(rule, Mapping):
        return _literal(rule)
    ((op, args),) = rule.items()
    args = args if isinstance(args, list) else [args]
    if op == "var":
        name = str(args[0])
        if name.startswith(FIELDS):
            key = name[len(FIELDS) :]
            role, _, element = key.partition(".")
            return labels.get(key) or f"{role}的{element}"
        return labels.get(name) or f"问题“{name[len(ANSWERS) :]}”的回答"
    if op in COMPARISONS and len(args) == 2:
        left, right = (_say(a, labels) for a in args)
        if isinstance(args[1], Mapping) and op in ("!=", "!=="):
            return f"{left}与{right}不同"
        if isinstance(args[1], Mapping) and op in ("==", "==="):
            return f"{left}与{right}相同"
        return f"{left}{COMPARISONS[op]}{right}"
    if op == "in" and len(args) == 2 and isinstance(args[1], list):
        return f"{_say(args[0], labels)}为{'或'.join(_literal(v) for v in args[1])}"
    if op in ("and", "or"):
        # a bare value among the parts holds when it is given: 已填写父亲的民族
        parts = (
            f"已填写{_say(a, labels)}" if isinstance(a, Mapping) and "var" in a else _say(a, labels)
            for a in args
        )
        joined = ("并且" if op == "and" else "或者").join(parts)
        return f"（{joined}）" if len(args) > 1 else joined
    if op == "!":
        return f"并非{_say(args[0], labels)}"
    if op == "!!":
        return f"已填写{_say(args[0], labels)}"
    return str(rule)


def _literal(value: Any) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    if value is None or value == "":
        return "空"
    return f"“{value}”"
