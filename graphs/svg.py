"""An SVG picture of a bundle (or of one application of it), drawn in pure Python.

Stages run left to right; each step is a box with its item name, department and time limits, filled
with its department's colour (stable: derived from the department code). Dependencies are arrows; the
critical path is drawn in red. With ``states``, each step gets a state label and colour, and steps
blocked by a rejection upstream are marked.
"""

from __future__ import annotations

import unicodedata
import zlib
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from .bundle_graph import Items, as_graph
from .planning import longest_chain, stages
from .runtime import evaluate
from .states import TASK_LABELS, TaskState

FONT = '"Noto Sans CJK SC", "Microsoft YaHei", sans-serif'
BOX_W, BOX_H = 220, 78
COL_GAP, ROW_GAP = 72, 26
MARGIN, TITLE_H = 24, 44
CRITICAL = "#d62728"
EDGE = "#7f7f7f"

# (fill, stroke) pairs; a department always gets the same pair.
PALETTE = [
    ("#e3f2fd", "#1e88e5"),
    ("#e8f5e9", "#43a047"),
    ("#fff3e0", "#fb8c00"),
    ("#f3e5f5", "#8e24aa"),
    ("#e0f7fa", "#00acc1"),
    ("#fce4ec", "#d81b60"),
    ("#f9fbe7", "#9e9d24"),
    ("#ede7f6", "#5e35b1"),
    ("#e0f2f1", "#00897b"),
    ("#fbe9e7", "#f4511e"),
    ("#eceff1", "#546e7a"),
    ("#fffde7", "#f9a825"),
]
STATE_COLOURS = {
    "waiting": "#9e9e9e",
    "ready": "#1f77b4",
    "in_progress": "#ff7f0e",
    "done": "#2ca02c",
    "rejected": "#d62728",
    "skipped": "#bdbdbd",
    "paused": "#9467bd",
    "blocked": "#6d4c41",
}
BLOCKED_LABEL = TASK_LABELS[TaskState.BLOCKED]
# labels by plain state name (the states an application passes in are strings)
STATE_TEXT: dict[str, str] = {str(state): label for state, label in TASK_LABELS.items()}


def department_colour(department: str) -> tuple[str, str]:
    """The (fill, stroke) colours of a department code, the same in every process."""
    return PALETTE[zlib.crc32(department.encode("utf-8")) % len(PALETTE)]


def _text_width(text: str, size: float) -> float:
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.6 for c in text)


def _fit_lines(text: str, size: float, width: float, lines: int) -> list[str]:
    """Split text into at most ``lines`` lines of ``width``; the last one ends with … when cut."""
    out: list[str] = []
    rest = text
    while rest and len(out) < lines:
        taken = ""
        for char in rest:
            if _text_width(taken + char, size) > width:
                break
            taken += char
        taken = taken or rest[0]
        rest = rest[len(taken) :]
        if rest and len(out) == lines - 1:
            while taken and _text_width(taken + "…", size) > width:
                taken = taken[:-1]
            taken += "…"
            rest = ""
        out.append(taken)
    return out or [""]


def _text(x: float, y: float, text: str, size: float, **attrs: str) -> str:
    extra = "".join(f" {k.replace('_', '-')}={quoteattr(v)}" for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}"{extra}>{escape(text)}</text>'


def render(
    plan_or_graph: Any,
    items: Items | None = None,
    states: Mapping[str, str] | None = None,
    departments: Mapping[str, str] | None = None,
    title: str | None = None,
) -> str:
    """The SVG document (a str). ``departments`` maps department codes to names for the legend."""
    graph = as_graph(plan_or_graph)
    items = items or {}
    departments = departments or {}
    layers = getattr(plan_or_graph, "stages", None) or stages(graph)
    critical = list(getattr(plan_or_graph, "critical_path", None) or longest_chain(graph, "promised_days")[1])
    critical_nodes = set(critical)
    critical_edges = set(zip(critical, critical[1:], strict=False))
    blocked: set[str] = set(evaluate(graph, states).blocked) if states is not None else set()

    def info(code: str) -> dict[str, Any]:
        attrs = graph.nodes[code]
        item = items.get(code) or {}
        return {
            "name": str(item.get("name") or attrs.get("name") or code),
            "department": str(item.get("department") or attrs.get("department") or ""),
            "promised": item.get("promised_days", attrs.get("promised_days", 0)),
            "legal": item.get("legal_days", attrs.get("legal_days", 0)),
        }

    rows = max((len(layer) for layer in layers), default=0)
    height_steps = rows * BOX_H + max(rows - 1, 0) * ROW_GAP
    pos: dict[str, tuple[float, float]] = {}
    for col, layer in enumerate(layers):
        layer_h = len(layer) * BOX_H + (len(layer) - 1) * ROW_GAP
        top = MARGIN + TITLE_H + (height_steps - layer_h) / 2
        for row, code in enumerate(layer):
            pos[code] = (MARGIN + col * (BOX_W + COL_GAP), top + row * (BOX_H + ROW_GAP))

    heading = (
        title
        or " ".join(str(x) for x in (graph.graph.get("bundle"), graph.graph.get("name")) if x)
        or "一件事流程图"
    )
    used_departments = sorted({info(n)["department"] for n in graph})
    legend_y = MARGIN + TITLE_H + height_steps + 30
    legend_rows = 1 + (1 if states is not None else 0)
    legend_w = (
        34
        + _text_width("关键路径", 11)
        + 18
        + sum(35 + _text_width(departments.get(d, d) or "（未指定部门）", 11) for d in used_departments)
    )
    states_w = sum(35 + _text_width(label, 11) for label in STATE_TEXT.values())
    width = max(
        MARGIN * 2 + len(layers) * BOX_W + max(len(layers) - 1, 0) * COL_GAP,
        MARGIN * 2 + legend_w,
        MARGIN * 2 + (states_w if states is not None else 0),
        MARGIN * 2 + _text_width(heading, 18),
    )
    height = legend_y + legend_rows * 26 + MARGIN

    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family={quoteattr(FONT)} role="img">',
        f"<title>{escape(heading)}</title>",
        "<defs>",
        *(
            f'<marker id="arrow-{name}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
            f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
            for name, colour in (("normal", EDGE), ("critical", CRITICAL))
        ),
        "</defs>",
        f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
        _text(MARGIN, MARGIN + 18, heading, 18, font_weight="bold", fill="#212121"),
    ]

    out.append('<g class="edges">')
    for dep, step in sorted(graph.edges, key=lambda e: ((e[0], e[1]) in critical_edges, e)):
        x1, y1 = pos[dep][0] + BOX_W, pos[dep][1] + BOX_H / 2
        x2, y2 = pos[step][0], pos[step][1] + BOX_H / 2
        mid = (x1 + x2) / 2
        is_critical = (dep, step) in critical_edges
        colour, stroke_width, kind = (CRITICAL, 2.6, "critical") if is_critical else (EDGE, 1.4, "normal")
        out.append(
            f'<path class="edge{" critical" if is_critical else ""}" data-from={quoteattr(dep)} '
            f'data-to={quoteattr(step)} d="M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} '
            f'{x2 - 2:.1f},{y2:.1f}" fill="none" stroke="{colour}" stroke-width="{stroke_width}" '
            f'marker-end="url(#arrow-{kind})"/>'
        )
    out.append("</g>")

    out.append('<g class="steps">')
    for code in (c for layer in layers for c in layer):
        x, y = pos[code]
        data = info(code)
        fill, stroke = department_colour(data["department"])
        is_critical = code in critical_nodes
        classes = "step critical" if is_critical else "step"
        out.append(f"<g class={quoteattr(classes)} data-code={quoteattr(code)}>")
        out.append("<title>" + escape(f"{code} {data['name']}") + "</title>")
        out.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{BOX_W}" height="{BOX_H}" rx="8" fill="{fill}" '
            f'stroke="{CRITICAL if is_critical else stroke}" stroke-width="{3 if is_critical else 1.5}"/>'
        )
        lines = _fit_lines(data["name"], 14, BOX_W - 20, 2)
        for i, line in enumerate(lines):
            out.append(_text(x + 10, y + 21 + i * 18, line, 14, fill="#212121", font_weight="bold"))
        dept = departments.get(data["department"], data["department"]) or "（未指定部门）"
        out.append(_text(x + 10, y + BOX_H - 24, _fit_lines(dept, 11, BOX_W - 20, 1)[0], 11, fill=stroke))
        meta = f"{code} · 承诺 {data['promised']} 日 / 法定 {data['legal']} 日"
        out.append(_text(x + 10, y + BOX_H - 9, _fit_lines(meta, 10, BOX_W - 20, 1)[0], 10, fill="#616161"))
        if states is not None:
            state = "blocked" if code in blocked else states.get(code, "waiting")
            label = BLOCKED_LABEL if state == "blocked" else STATE_TEXT.get(state, state)
            colour = STATE_COLOURS.get(state, "#9e9e9e")
            badge_w = _text_width(label, 10) + 12
            out.append(
                f'<g class="state state-{escape(state)}"><rect x="{x + BOX_W - badge_w - 6:.1f}" y="{y - 9:.1f}" '
                f'width="{badge_w:.1f}" height="18" rx="9" fill="{colour}"/>'
                + _text(x + BOX_W - badge_w, y + 4, label, 10, fill="#ffffff")
                + "</g>"
            )
        out.append("</g>")
    out.append("</g>")

    out.append('<g class="legend">')
    lx: float = MARGIN
    out.append(
        f'<line x1="{lx}" y1="{legend_y - 4}" x2="{lx + 28}" y2="{legend_y - 4}" stroke="{CRITICAL}" stroke-width="2.6"/>'
    )
    out.append(_text(lx + 34, legend_y, "关键路径", 11, fill="#212121"))
    lx += 34 + _text_width("关键路径", 11) + 18
    for dept in used_departments:
        fill, stroke = department_colour(dept)
        label = departments.get(dept, dept) or "（未指定部门）"
        out.append(
            f'<rect x="{lx:.1f}" y="{legend_y - 11}" width="14" height="14" rx="3" fill="{fill}" stroke="{stroke}"/>'
        )
        out.append(_text(lx + 19, legend_y, label, 11, fill="#212121"))
        lx += 19 + _text_width(label, 11) + 16
    if states is not None:
        lx, ly = MARGIN, legend_y + 26
        for state, colour in STATE_COLOURS.items():
            label = BLOCKED_LABEL if state == "blocked" else STATE_TEXT[state]
            out.append(f'<rect x="{lx:.1f}" y="{ly - 11}" width="14" height="14" rx="7" fill="{colour}"/>')
            out.append(_text(lx + 19, ly, label, 11, fill="#212121"))
            lx += 19 + _text_width(label, 11) + 16
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
