"""Working days against the real Chinese calendar (2025 National Day and its 调休 days)."""

import datetime as dt

import chinese_calendar
import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphs import (
    CalendarError,
    StepDates,
    WorkCalendar,
    add_working_days,
    is_workday,
    paused_working_days,
    predict_completion,
    step_due,
    working_days_between,
)
from graphs.workdays import package_calendar as chinese_calendar_tables

D = dt.date


def test_one_working_day_after_30_september_skips_national_day():
    deadline = add_working_days(D(2025, 9, 30), 1)
    assert deadline.date == D(2025, 10, 9)  # 10-01..10-08 are holidays (国庆 + 中秋)
    assert deadline.calendar_version == chinese_calendar.__version__
    assert deadline.to_json() == {"date": "2025-10-09", "calendar_version": chinese_calendar.__version__}


def test_make_up_saturday_counts_as_a_working_day():
    assert D(2025, 10, 11).weekday() == 5 and is_workday(D(2025, 10, 11))
    assert add_working_days(D(2025, 10, 10), 1).date == D(2025, 10, 11)
    # The make-up Sunday before the holiday too.
    assert add_working_days(D(2025, 9, 27), 1).date == D(2025, 9, 28)


def test_zero_days_is_the_same_day_or_the_next_working_day():
    assert add_working_days(D(2025, 9, 30), 0).date == D(2025, 9, 30)
    assert add_working_days(D(2025, 10, 1), 0).date == D(2025, 10, 9)


def test_datetime_is_accepted():
    assert add_working_days(dt.datetime(2025, 9, 30, 16, 30), 1).date == D(2025, 10, 9)


def test_plain_weeks():
    assert add_working_days(D(2025, 3, 3), 5).date == D(2025, 3, 10)
    assert working_days_between(D(2025, 3, 3), D(2025, 3, 10)) == 5


def test_working_days_between():
    assert working_days_between(D(2025, 9, 30), D(2025, 10, 9)) == 1
    assert working_days_between(D(2025, 10, 9), D(2025, 9, 30)) == -1
    assert working_days_between(D(2025, 10, 1), D(2025, 10, 1)) == 0
    assert working_days_between(D(2025, 10, 10), D(2025, 10, 13)) == 2  # Sat 11 is a make-up day


def test_unknown_year_raises_an_explicit_chinese_error():
    with pytest.raises(CalendarError) as info:
        add_working_days(D(2099, 3, 2), 1)
    assert "2099 年" in str(info.value) and "chinesecalendar" in str(info.value)
    with pytest.raises(CalendarError):
        working_days_between(D(2025, 1, 1), D(2099, 1, 1))
    with pytest.raises(CalendarError):
        is_workday(D(1990, 1, 1))


def test_deadline_running_into_an_unknown_year_raises():
    last_year = max(d.year for d in chinese_calendar.holidays)
    with pytest.raises(CalendarError):
        add_working_days(D(last_year, 12, 20), 30)


def test_pause_moves_the_due_date_by_the_paused_working_days():
    # Ready Mon 3 March, 5 days: due Mon 10 March. Paused Tue..Thu (4 -> 6): 2 working days stopped.
    assert step_due(D(2025, 3, 3), 5).date == D(2025, 3, 10)
    assert step_due(D(2025, 3, 3), 5, [(D(2025, 3, 4), D(2025, 3, 6))]).date == D(2025, 3, 12)
    # A pause over a weekend stops only its working days; overlapping pauses count once.
    assert paused_working_days([(D(2025, 3, 7), D(2025, 3, 10)), (D(2025, 3, 8), D(2025, 3, 10))]) == 1


def test_open_pause_needs_as_of():
    with pytest.raises(ValueError, match="as_of"):
        step_due(D(2025, 3, 3), 5, [(D(2025, 3, 4), None)])
    assert step_due(D(2025, 3, 3), 5, [(D(2025, 3, 4), None)], as_of=D(2025, 3, 5)).date == D(2025, 3, 11)


def _graph():
    g = nx.DiGraph()
    for code, days in [("A", 2), ("B", 5), ("C", 1), ("D", 1)]:
        g.add_node(code, promised_days=days, legal_days=days * 2)
    g.add_edges_from([("A", "B"), ("A", "C"), ("B", "D"), ("C", "D")])
    return g


def test_predicted_completion_along_the_critical_path():
    forecast = predict_completion(_graph(), D(2025, 3, 3))
    assert forecast.finish["A"] == D(2025, 3, 5)
    assert forecast.finish["B"] == D(2025, 3, 12)
    assert forecast.date == D(2025, 3, 13)
    assert forecast.critical_path == ("A", "B", "D")
    assert forecast.calendar_version == chinese_calendar.__version__
    legal = predict_completion(_graph(), D(2025, 3, 3), basis="legal")
    assert legal.date > forecast.date


def test_prediction_uses_actual_dates():
    progress = {
        "A": StepDates(done_on=D(2025, 3, 4)),
        "B": {"ready_on": D(2025, 3, 4), "done_on": D(2025, 3, 5)},
    }
    forecast = predict_completion(_graph(), D(2025, 3, 3), progress)
    # C (1 day, ready 4th) finishes the 5th; D waits for both: ready 5th, finishes the 6th.
    assert forecast.finish["C"] == D(2025, 3, 5)
    assert forecast.date == D(2025, 3, 6)


def test_a_pause_stops_only_the_paused_branch():
    base = predict_completion(_graph(), D(2025, 3, 3))
    paused = predict_completion(
        _graph(), D(2025, 3, 3), {"C": StepDates(pauses=((D(2025, 3, 5), D(2025, 3, 7)),))}
    )
    assert paused.finish["C"] == D(2025, 3, 10)  # was the 6th, +2 working days
    assert paused.finish["B"] == base.finish["B"]  # the other branch keeps its clock
    assert paused.date == base.date  # and C is still not on the critical path
    long_pause = {"C": StepDates(pauses=((D(2025, 3, 5), D(2025, 3, 19)),))}
    assert predict_completion(_graph(), D(2025, 3, 3), long_pause).critical_path == ("A", "C", "D")


def test_as_of_keeps_unfinished_steps_in_the_future():
    forecast = predict_completion(_graph(), D(2025, 3, 3), as_of=D(2025, 4, 1))
    assert all(d >= D(2025, 4, 1) for d in forecast.finish.values())


def test_an_unknown_year_can_be_estimated_explicitly_and_says_so():
    start = dt.date(2099, 12, 29)  # a Tuesday in a year no calendar knows
    with pytest.raises(CalendarError):
        add_working_days(start, 3)
    deadline = add_working_days(start, 3, estimate=True)
    assert deadline.date == dt.date(2100, 1, 1)  # Wed, Thu, Fri: weekends only, no holidays known
    assert deadline.estimated_years == (2099, 2100)
    assert "2099 年、2100 年" in deadline.warning and "按周末估算" in deadline.warning
    assert deadline.to_json()["estimated_years"] == [2099, 2100]
    known = add_working_days(dt.date(2025, 9, 30), 1, estimate=True)
    assert known.estimated_years == () and known.warning is None and "warning" not in known.to_json()
    graph = nx.DiGraph()
    graph.add_node("A", promised_days=2)
    forecast = predict_completion(graph, start, estimate=True)
    assert forecast.date == dt.date(2099, 12, 31) and forecast.estimated_years == (2099,)


# --- a calendar the caller keeps, and limits in 自然日 ---------------------------------------------------


def _district(published: set[int], holidays: tuple[D, ...] = (), workdays: tuple[D, ...] = ()):
    from graphs import WorkCalendar

    return WorkCalendar(frozenset(holidays), frozenset(workdays), frozenset(published), "test", "测试日历")


def test_a_provisional_year_counts_weekends_only_and_says_so():
    calendar = _district({2026})
    # Mon 28 Dec 2026 + 5 working days: Tue..Fri (4), then Mon 4 Jan 2027: weekends only in 2027.
    deadline = add_working_days(D(2026, 12, 28), 5, estimate=True, calendar=calendar)
    assert deadline.date == D(2027, 1, 4)
    assert deadline.estimated_years == (2027,) and "2027 年" in (deadline.warning or "")
    assert deadline.calendar_version == "test"
    with pytest.raises(CalendarError) as info:
        add_working_days(D(2026, 12, 28), 5, calendar=calendar)
    assert "测试日历" in str(info.value) and "2027" in str(info.value)


def test_publishing_a_year_moves_a_date_by_exactly_its_holidays():
    new_year = (D(2027, 1, 1),)  # a Friday
    before = add_working_days(D(2026, 12, 28), 5, estimate=True, calendar=_district({2026}))
    after = add_working_days(D(2026, 12, 28), 5, estimate=True, calendar=_district({2026, 2027}, new_year))
    assert (before.date, after.date) == (D(2027, 1, 4), D(2027, 1, 5))
    assert after.estimated_years == ()
    # A 调休 Saturday worked makes up for the holiday: the date comes back to Monday 4 January.
    worked = add_working_days(
        D(2026, 12, 28), 5, calendar=_district({2026, 2027}, new_year, (D(2027, 1, 2),))
    )
    assert worked.date == D(2027, 1, 4)


def test_natural_days_count_every_day_and_end_on_a_working_day():
    from graphs import NATURAL_DAYS, add_days

    # 15 自然日 from Mon 3 March 2025: Tue 18 March (11 working days).
    assert add_days(D(2025, 3, 3), 15, NATURAL_DAYS).date == D(2025, 3, 18)
    assert add_days(D(2025, 3, 3), 15).date == D(2025, 3, 24)  # 工作日 by default
    # A limit whose last day falls in the National Day holiday ends on the first working day after it.
    assert add_days(D(2025, 9, 26), 7, NATURAL_DAYS).date == D(2025, 10, 9)
    # Pauses in 自然日 stop every day of the pause, weekends too.
    assert step_due(D(2025, 3, 3), 15, [(D(2025, 3, 7), D(2025, 3, 10))], unit=NATURAL_DAYS).date == D(
        2025, 3, 21
    )


def test_a_step_in_natural_days_is_forecast_in_natural_days():
    graph = nx.DiGraph()
    graph.add_node("A", promised_days=15, legal_days=15, days_unit="自然日")
    graph.add_node("B", promised_days=1, legal_days=1)
    graph.add_edge("A", "B")
    forecast = predict_completion(graph, D(2025, 3, 3))
    assert forecast.finish == {"A": D(2025, 3, 18), "B": D(2025, 3, 19)}


@given(
    start=st.dates(min_value=D(2019, 1, 1), max_value=D(2027, 12, 31)),
    span=st.integers(min_value=-800, max_value=800),
    provisional=st.sets(st.integers(min_value=2019, max_value=2029), max_size=3),
)
@settings(max_examples=300, deadline=None)
def test_counting_by_arithmetic_equals_counting_day_by_day(start, span, provisional):
    """``working_days_between`` counts a year at a time; it gives what looking at every day gives,
    across holidays, 调休 Saturdays, year ends and provisional years (estimated as weekends only)."""
    package = chinese_calendar_tables()
    calendar = WorkCalendar(package.holidays, package.workdays, package.published - provisional, "t")
    end = start + dt.timedelta(days=span)
    low, high = sorted((start, end))

    def workday(day: dt.date) -> bool:
        return calendar._workday(day) if day.year in calendar.published else day.weekday() < 5

    by_day = sum(workday(low + dt.timedelta(days=i)) for i in range(1, (high - low).days + 1))
    assert working_days_between(start, end, estimate=True, calendar=calendar) == (
        by_day if end >= start else -by_day
    )
    touched = range((low + dt.timedelta(days=1)).year, high.year + 1) if high > low else range(0)
    if any(year not in calendar.published for year in touched):  # and without estimate=True: refused
        with pytest.raises(CalendarError):
            working_days_between(start, end, calendar=calendar)
