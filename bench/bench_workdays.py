"""Working-day arithmetic per call (graphs/workdays.py), the cost every acceptance, release, resume and
red/yellow flag pays. Prints microseconds per call for the package calendar and for a district calendar
built the way bundler builds one from its database (5 published years)."""

from __future__ import annotations

import datetime as dt
import timeit

import graphs

CALLS = 5000


def main() -> None:
    start, end = dt.date(2026, 3, 2), dt.date(2026, 3, 20)
    package = graphs.package_calendar()
    district = graphs.WorkCalendar(
        package.holidays, package.workdays, frozenset(range(2022, 2027)), "bench", "本区工作日历"
    )
    for label, calendar in (("chinesecalendar", None), ("district", district)):
        add = timeit.timeit(lambda c=calendar: graphs.add_working_days(start, 10, calendar=c), number=CALLS)
        between = timeit.timeit(
            lambda c=calendar: graphs.working_days_between(start, end, calendar=c), number=CALLS
        )
        natural = timeit.timeit(
            lambda c=calendar: graphs.add_days(start, 15, graphs.NATURAL_DAYS, calendar=c), number=CALLS
        )
        print(
            f"{label:16} add_working_days(10) {add / CALLS * 1e6:6.1f} µs  "
            f"working_days_between(18 d) {between / CALLS * 1e6:6.1f} µs  "
            f"add_days(15 自然日) {natural / CALLS * 1e6:6.1f} µs"
        )


if __name__ == "__main__":
    main()
