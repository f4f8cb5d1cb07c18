"""Which page of a list a request sees: the rule every paged list follows."""

from __future__ import annotations


def clamp(total: int, page: int, size: int) -> tuple[int, int]:
    """The page to show and the number of pages: from the first to the last, a page past the end
    (a stale link) showing the last; an empty list has one page."""
    pages = max(1, -(-total // size))
    return min(max(page, 1), pages), pages
