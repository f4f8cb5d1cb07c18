"""The SVG picture: valid XML, every name, the critical path highlighted, states drawn."""

import xml.etree.ElementTree as ET

import networkx as nx

from graphs import plan, render_svg
from graphs.svg import department_colour, render

from contract_kfd import kfd_bundle, kfd_items

NS = {"svg": "http://www.w3.org/2000/svg"}

ITEMS = kfd_items()
ITEMS["SCJG-002"]["name"] = "食品经营许可 <酒类> & 餐饮"  # names must be escaped in the SVG
BUNDLE = kfd_bundle()


def test_svg_parses_and_names_every_step():
    p = plan(BUNDLE, ITEMS)
    svg = render(p, ITEMS, departments={"SCJG": "区市场监督管理局"})
    root = ET.fromstring(svg.encode("utf-8"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "Noto Sans CJK SC" in root.get("font-family")
    text = "".join(root.itertext())
    for item in ITEMS.values():
        assert item["name"] in text
    assert "区市场监督管理局" in text
    assert "&amp;" in svg and "&lt;酒类&gt;" in svg


def test_critical_path_is_highlighted():
    p = plan(BUNDLE, ITEMS)
    root = ET.fromstring(render(p, ITEMS))
    critical_steps = [
        g.get("data-code") for g in root.iterfind(".//svg:g", NS) if "critical" in (g.get("class") or "")
    ]
    assert critical_steps == p.critical_path
    critical_edges = [
        (e.get("data-from"), e.get("data-to"))
        for e in root.iterfind(".//svg:path", NS)
        if (e.get("class") or "") == "edge critical"
    ]
    assert critical_edges == [("SCJG-001", "SCJG-002")]
    all_edges = [e for e in root.iterfind(".//svg:path", NS) if (e.get("class") or "").startswith("edge")]
    assert len(all_edges) == 2


def test_departments_get_stable_colours():
    assert department_colour("SCJG") == department_colour("SCJG")
    svg = render(plan(BUNDLE, ITEMS), ITEMS)
    assert department_colour("XF")[0] in svg


def test_states_are_drawn():
    p = plan(BUNDLE, ITEMS)
    svg = render_svg(p, ITEMS, states={"SCJG-001": "done", "SCJG-002": "rejected"})
    ET.fromstring(svg)
    assert "已办结" in svg and "不予许可" in svg and "等待前置事项" in svg
    root = ET.fromstring(svg)
    states = {
        g.get("class") for g in root.iterfind(".//svg:g", NS) if (g.get("class") or "").startswith("state ")
    }
    assert states == {"state state-done", "state state-rejected", "state state-waiting"}


def test_blocked_steps_are_marked():
    g = nx.DiGraph([("A", "B")])
    svg = render(g, states={"A": "rejected"})
    assert "state-blocked" in svg and "受阻" in svg


def test_plain_graph_and_empty_graph():
    g = nx.DiGraph([("A", "B"), ("A", "C")])
    for n in g:
        g.nodes[n].update(promised_days=1 if n != "C" else 3)
    root = ET.fromstring(render(g))
    crit = [x.get("data-code") for x in root.iterfind(".//svg:g", NS) if x.get("class") == "step critical"]
    assert crit == ["A", "C"]
    ET.fromstring(render(nx.DiGraph()))
