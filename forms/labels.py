"""Which of the differing labels of merged sources the applicant sees."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable


def pick_label(labels: Iterable[str], element: str | None = None, role: str | None = None) -> str:
    """The most common label. Ties go to a label naming the element (``联系电话``), then one starting
    with the role (``经营者身份证号``), then the shortest, then code-point order: content only, so
    the choice never depends on the order of items or steps. All labels stay in the sources."""
    labels = list(labels)
    if len(labels) == 1 or all(label == labels[0] for label in labels):
        return labels[0]
    counts = Counter(labels)

    def rank(label: str) -> tuple[int, int, int, int, str]:
        return (
            -counts[label],
            0 if element and element in label else 1,
            0 if role and label.startswith(role) else 1,
            len(label),
            label,
        )

    return min(counts, key=rank)
